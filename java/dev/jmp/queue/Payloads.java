package dev.jmp.queue;

import dev.jmp.connection.Limits;
import dev.jmp.connection.MessageReader;
import dev.jmp.connection.MessageWriter;

/**
 * The seam between queues and object serialization: an item becomes the bytes of one
 * self-contained message (decodable alone, by any process, in any order) and back,
 * with the codec Pipe and Connection use ({@link MessageWriter}, {@link MessageReader}:
 * one long-lived stream per thread, a complete serialization stream per message, and
 * the receiving side's ObjectInputFilter with the limits of {@link Limits}).
 *
 * <p>One writer and one reader per thread: they keep streams and buffers and are not
 * thread-safe, and self-contained messages need no per-queue state, so a thread's
 * codec serves every queue.
 */
final class Payloads {
    private Payloads() {
    }

    /** The longest item a queue will receive ({@code jmp.connection.maxMessageBytes}). */
    static final long MAX_ITEM_BYTES = Limits.MAX_MESSAGE_BYTES;

    /** A writer that grew past this for a huge item gives its buffer back afterwards. */
    private static final int KEEP = 1 << 20;

    private static final ThreadLocal<Writer> WRITER = ThreadLocal.withInitial(Writer::new);
    private static final ThreadLocal<MessageReader> READER = ThreadLocal.withInitial(MessageReader::new);

    /**
     * Serializes in the calling thread. IllegalArgumentException, the
     * NotSerializableException as cause, if obj cannot be serialized. A thread already
     * inside its writer (an object whose writeObject puts into a queue) gets a fresh one.
     */
    static Items.Encoded encode(Object obj) {
        Writer w = WRITER.get();
        if (w.busy) {
            w = new Writer();
        }
        w.busy = true;
        try {
            w.sink = w.writer.encode(obj);
            return w;
        } catch (IllegalArgumentException e) {
            // The codec speaks of sending; a queue's caller put.
            String m = e.getMessage();
            throw new IllegalArgumentException(m != null && m.startsWith("cannot send")
                    ? "cannot put" + m.substring("cannot send".length()) : m, e.getCause());
        } finally {
            w.busy = false;
        }
    }

    static Object decode(byte[] message) {
        return READER.get().decode(message);
    }

    /** After a huge item: let this thread's writer drop its grown buffer. */
    static void trim() {
        Writer w = WRITER.get();
        w.sink = null;
        w.writer.release(KEEP);
    }

    private static final class Writer implements Items.Encoded {
        final MessageWriter writer = new MessageWriter();
        MessageWriter.Sink sink;
        boolean busy;

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
