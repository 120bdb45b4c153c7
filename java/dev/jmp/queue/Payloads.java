package dev.jmp.queue;

import dev.jmp.ProcessError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * The seam between queues and object serialization: an item becomes the bytes of one
 * self-contained message (decodable alone, by any process, in any order) and back.
 *
 * <p>Every codec call goes through {@link #CODEC}, one codec per thread (codecs keep
 * streams and buffers, and are not thread-safe). The codec shared with Pipe and
 * Connection plugs in there, in one line, once it is on main; until then
 * {@link StreamPerMessage} does the job the simple way.
 */
final class Payloads {
    private Payloads() {
    }

    /** The longest item a queue will receive (a spill reference claims a length). */
    static final long MAX_ITEM_BYTES = Integer.MAX_VALUE - 8;

    interface Codec {
        /** IllegalArgumentException, the NotSerializableException as cause, if obj cannot be serialized. */
        Items.Encoded encode(Object obj);

        /** ProcessError if the bytes are not a serialized object the filter lets through. */
        Object decode(byte[] message);

        /** Gives back a buffer a huge item grew. */
        void trim();
    }

    private static final ThreadLocal<Codec> CODEC = ThreadLocal.withInitial(StreamPerMessage::new);
    private static final ThreadLocal<Boolean> BUSY = new ThreadLocal<>();

    /**
     * Serializes in the calling thread. A codec is reused unless this thread is already
     * inside one (an object whose writeObject puts into a queue): then a fresh one.
     */
    static Items.Encoded encode(Object obj) {
        if (BUSY.get() != null) {
            return new StreamPerMessage().encode(obj);
        }
        BUSY.set(Boolean.TRUE);
        try {
            return CODEC.get().encode(obj);
        } finally {
            BUSY.remove();
        }
    }

    static Object decode(byte[] message) {
        return CODEC.get().decode(message);
    }

    /** After a huge item: let this thread's codec drop its grown buffer. */
    static void trim() {
        CODEC.get().trim();
    }

    /**
     * The simple codec: a fresh ObjectOutputStream / ObjectInputStream per message
     * (1-5 us each, FACTS.md), so every message is a complete stream by construction.
     * Deserialization goes through an ObjectInputFilter with limits (depth, objects,
     * array lengths), and the JVM-wide filter if one is set.
     */
    static final class StreamPerMessage implements Codec, Items.Encoded {
        private static final int INITIAL = 256;
        private static final ObjectInputFilter LIMITS = ObjectInputFilter.Config.createFilter(
                "maxdepth=1000;maxrefs=10000000;maxarray=" + (Integer.MAX_VALUE - 8));

        private final Sink sink = new Sink();

        @Override
        public Items.Encoded encode(Object obj) {
            sink.count = 0;
            try (ObjectOutputStream out = new ObjectOutputStream(sink)) {
                out.writeObject(obj);
            } catch (NotSerializableException e) {
                sink.count = 0;
                throw new IllegalArgumentException("cannot put: not serializable: " + e.getMessage(), e);
            } catch (IOException e) {
                sink.count = 0;
                throw new IllegalArgumentException("cannot put: serialization failed: " + e, e);
            }
            return this;
        }

        @Override
        public byte[] array() {
            return sink.buf;
        }

        @Override
        public int length() {
            return sink.count;
        }

        @Override
        public Object decode(byte[] message) {
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(message))) {
                ObjectInputFilter global = ObjectInputFilter.Config.getSerialFilter();
                in.setObjectInputFilter(global == null ? LIMITS : info -> {
                    ObjectInputFilter.Status s = LIMITS.checkInput(info);
                    return s == ObjectInputFilter.Status.REJECTED ? s : global.checkInput(info);
                });
                return in.readObject();
            } catch (ClassNotFoundException | IOException e) {
                throw new ProcessError("get: the item could not be deserialized: " + e, e);
            }
        }

        @Override
        public void trim() {
            if (sink.buf.length > (1 << 20)) {
                sink.buf = new byte[INITIAL];
            }
        }

        /** A ByteArrayOutputStream whose array is read without a copy. */
        private static final class Sink extends OutputStream {
            byte[] buf = new byte[INITIAL];
            int count;

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
                if (need < 0 || need > MAX_ITEM_BYTES) {
                    throw new IllegalArgumentException("cannot put: an item larger than 2 GiB");
                }
                if (need > buf.length) {
                    buf = Arrays.copyOf(buf, (int) Math.min(MAX_ITEM_BYTES, Math.max(need, 2L * buf.length)));
                }
            }
        }
    }
}
