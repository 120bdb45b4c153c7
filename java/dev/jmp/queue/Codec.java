package dev.jmp.queue;

import dev.jmp.connection.Limits;
import dev.jmp.connection.MessageReader;
import dev.jmp.connection.MessageWriter;
import java.io.NotSerializableException;
import java.util.Arrays;

/**
 * Objects as self-contained messages and back: the one seam between jmp's carriers
 * and Java serialization for queue items and for a pool's functions, arguments,
 * results and exceptions. Each message is a complete serialization stream, decodable
 * alone, by any process, in any order, written and read with the codec Pipe and
 * Connection use ({@link MessageWriter}, {@link MessageReader}: a long-lived stream
 * per thread, and on the receiving side the ObjectInputFilter with the limits of
 * {@link Limits}).
 *
 * <p>Why serialization happens here, in the calling thread, and not in whatever
 * thread sends: a bad object must fail the call that passed it. A queue's put fails
 * at once rather than in its feeder thread; a pool's map whose 7th chunk cannot be
 * serialized sends none of it; a worker's result that cannot be serialized fails that
 * one task instead of killing the worker. So objects become bytes first, where the
 * failure can still be handled, and only bytes travel.
 *
 * <p>One writer and one reader per thread: they keep streams and buffers and are not
 * thread-safe, and self-contained messages need no per-carrier state, so a thread's
 * codec serves every queue and pool. A thread already inside its writer (an object
 * whose writeObject puts into a queue) gets a fresh one for the inner object.
 */
public final class Codec {
    private Codec() {
    }

    /** The longest message a receiver accepts ({@code jmp.connection.maxMessageBytes}). */
    static final long MAX_ITEM_BYTES = Limits.MAX_MESSAGE_BYTES;

    /** A writer that grew past this for a huge object gives its buffer back afterwards. */
    private static final int KEEP = 1 << 20;

    private static final ThreadLocal<Writer> WRITER = ThreadLocal.withInitial(Writer::new);
    private static final ThreadLocal<MessageReader> READER = ThreadLocal.withInitial(MessageReader::new);

    /**
     * A queue item's message, in this thread's buffer: valid until the thread's next
     * encode. IllegalArgumentException, the NotSerializableException as cause, if
     * {@code obj} cannot be serialized.
     */
    static Items.Encoded item(Object obj) {
        try {
            return writer().encode(obj);
        } catch (IllegalArgumentException e) {
            // The writer speaks of sending; a queue's caller put.
            String m = e.getMessage();
            throw new IllegalArgumentException(m != null && m.startsWith("cannot send")
                    ? "cannot put" + m.substring("cannot send".length()) : m, e.getCause());
        }
    }

    /**
     * {@code obj} serialized, in a new array. IllegalArgumentException (the
     * NotSerializableException as its cause) naming {@code what} if it cannot be.
     */
    public static byte[] encode(Object obj, String what) {
        Writer w = writer();
        try {
            w.encode(obj);
            return Arrays.copyOf(w.array(), w.length());
        } catch (IllegalArgumentException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException(what + " cannot be serialized: " + cause
                    + (cause instanceof NotSerializableException
                        ? " (a lambda captures every variable it uses, and 'this' when it calls an instance method)"
                        : ""), cause);
        } finally {
            w.trim();
        }
    }

    /** The object a message holds. ProcessError if it cannot be deserialized here. */
    public static Object decode(byte[] message) {
        return READER.get().decode(message);
    }

    /** After a huge message: let this thread's writer drop its grown buffer. */
    static void trim() {
        WRITER.get().trim();
    }

    /** This thread's writer, or a fresh one for an object serialized inside another's writeObject. */
    private static Writer writer() {
        Writer w = WRITER.get();
        return w.busy ? new Writer() : w;
    }

    private static final class Writer implements Items.Encoded {
        private final MessageWriter writer = new MessageWriter();
        private MessageWriter.Sink sink;
        private boolean busy;

        Writer encode(Object obj) {
            busy = true;
            try {
                sink = writer.encode(obj);
                return this;
            } finally {
                busy = false;
            }
        }

        void trim() {
            sink = null;
            writer.release(KEEP);
        }

        @Override
        public byte[] array() {
            return sink.array();
        }

        @Override
        public int length() {
            return sink.size();
        }
    }
}
