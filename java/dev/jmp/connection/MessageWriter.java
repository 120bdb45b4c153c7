package dev.jmp.connection;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Turns an object into the body of one message, with one ObjectOutputStream kept for
 * the whole life of the sending direction.
 *
 * <p>Why keep the stream: building an ObjectOutputStream per message costs several
 * times what writing a small object through a long-lived one does. But a long-lived stream is a conversation
 * with one reader: it sends a class description once and refers to it later, and
 * numbers every object so that it can refer back to it. The reader of a pipe end does
 * not hear one conversation: a child and its parent may both send on inherited copies
 * of one end, a Python peer may send raw bytes, a message may be received by a
 * different Connection object (a child's copy) than the one that got the previous one.
 * So every message must be decodable alone.
 *
 * <p>The rule that makes it so: <b>each message is a complete serialization stream</b>,
 * {@code AC ED 00 05} (the stream header), the object, then {@code TC_RESET}. The
 * writer's stream is reset after every object, so its handle table is empty when the
 * next object starts: nothing in one message refers to anything in another, and the
 * sender keeps no sent object alive. The header is written by hand (the stream wrote its
 * own only once, when it was made). Any ObjectInputStream can read such a message by
 * itself, and {@link MessageReader} reads them with a long-lived stream of its own.
 * The price is the class descriptions, repeated in every message (tens of bytes).
 *
 * <p>Public for the queues ({@code dev.jmp.queue}), whose items are such messages too.
 */
public final class MessageWriter {
    static final byte[] STREAM_HEADER = {(byte) 0xac, (byte) 0xed, 0x00, 0x05};
    private static final int INITIAL = 256;

    private final Sink sink = new Sink();
    private ObjectOutputStream out;

    /**
     * The message for {@code obj}, valid until the next call. IllegalArgumentException,
     * with the NotSerializableException (or other failure) as cause, if it cannot be
     * serialized; the stream is then thrown away, since a failure can leave half an
     * object in its buffers and handle table.
     */
    public Sink encode(Object obj) {
        boolean ok = false;
        try {
            if (out == null) {
                out = new ObjectOutputStream(sink);
                out.flush();
            }
            sink.count = 0;
            sink.write(STREAM_HEADER, 0, STREAM_HEADER.length);
            out.writeObject(obj);
            out.reset();
            out.flush();
            ok = true;
            return sink;
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException("cannot send: not serializable: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot send: serialization failed: " + e, e);
        } finally {
            if (!ok) {
                out = null;
                sink.count = 0;
            }
        }
    }

    /** Forgets the last message; gives back a buffer that a huge message grew past {@code keep}. */
    public void release(int keep) {
        sink.count = 0;
        if (sink.buf.length > keep) {
            sink.buf = new byte[INITIAL];
        }
    }

    /** A ByteArrayOutputStream whose array can be read without a copy and swapped. */
    public static final class Sink extends OutputStream {
        private byte[] buf = new byte[INITIAL];
        private int count;

        public byte[] array() {
            return buf;
        }

        public int size() {
            return count;
        }

        @Override
        public void write(int b) {
            ensure(1);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        private void ensure(int more) {
            int need = count + more;
            if (need < 0) {
                throw new OutOfMemoryError("message larger than 2 GiB");
            }
            if (need > buf.length) {
                int grown = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(need, 2L * buf.length));
                buf = Arrays.copyOf(buf, grown);
            }
        }
    }
}
