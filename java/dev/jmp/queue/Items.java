package dev.jmp.queue;

import dev.jmp.ProcessError;
import dev.jmp.blocking.Deadline;
import java.util.Arrays;
import java.util.List;

/**
 * Queue items as message-queue messages: one message per item, whatever its size.
 *
 * <p>A message is the item itself or, for an item longer than the queue's message
 * size, a {@link Spill} reference (first byte {@link Spill#REFERENCE}): the item's
 * length and the name of the shared-memory file that holds it. An item is a
 * serialized Java object (first byte 0xAC, the serialization stream's magic), or, for
 * the payloads queues carry most (null, Integer, Long, Double, String, byte[]), a tag
 * byte and the raw value: Java serialization of a boxed Integer, even with a
 * long-lived stream, costs as much as the message-queue system calls themselves,
 * while the tagged form costs next to nothing and decodes to an equal object of the
 * same class. (These bypass the
 * ObjectInputFilter, which has nothing to say about them beyond the length limit that
 * still applies to every item.) Serialization happens in the calling thread
 * ({@link #encode}, {@link Codec}), so a bad object fails the put itself.
 */
public final class Items {
    private Items() {
    }

    private static final int JAVA_MAGIC = 0xac;
    // Tags of the raw forms; 0x01 is Spill.REFERENCE.
    private static final byte NULL = 0x02;
    private static final byte INT = 0x03;
    private static final byte LONG = 0x04;
    private static final byte DOUBLE = 0x05;
    private static final byte LATIN1 = 0x06;    // a String whose chars are all <= 0xFF, one byte each
    private static final byte UTF16 = 0x07;     // any other String, two bytes per char (exact, lone surrogates too)
    private static final byte BYTES = 0x08;

    private static final ThreadLocal<Raw> RAW = ThreadLocal.withInitial(Raw::new);

    /** An encoded item: {@code array()[0..length())}, valid until this thread's next encode. */
    public interface Encoded {
        byte[] array();

        int length();
    }

    /** Per thread: the buffer messages are received into (at least a queue's msgsize). */
    private static final ThreadLocal<byte[]> RECEIVE = ThreadLocal.withInitial(() -> new byte[1024]);

    /**
     * Serializes {@code obj} now, in the calling thread. IllegalArgumentException with
     * the NotSerializableException as cause if it cannot be.
     */
    public static Encoded encode(Object obj) {
        if (obj == null) {
            return RAW.get().start(NULL, 0);
        }
        Class<?> c = obj.getClass();
        if (c == Integer.class) {
            return RAW.get().start(INT, 4).putLong((Integer) obj, 4);
        }
        if (c == Long.class) {
            return RAW.get().start(LONG, 8).putLong((Long) obj, 8);
        }
        if (c == Double.class) {
            return RAW.get().start(DOUBLE, 8).putLong(Double.doubleToRawLongBits((Double) obj), 8);
        }
        if (c == String.class) {
            return encodeString((String) obj);
        }
        if (c == byte[].class) {
            byte[] b = (byte[]) obj;
            Raw r = RAW.get().start(BYTES, b.length);
            System.arraycopy(b, 0, r.buf, 1, b.length);
            return r;
        }
        return Codec.item(obj);
    }

    private static Encoded encodeString(String s) {
        int n = s.length();
        boolean latin1 = true;
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) > 0xff) {
                latin1 = false;
                break;
            }
        }
        if (latin1) {
            Raw r = RAW.get().start(LATIN1, n);
            byte[] b = r.buf;
            for (int i = 0; i < n; i++) {
                b[1 + i] = (byte) s.charAt(i);
            }
            return r;
        }
        Raw r = RAW.get().start(UTF16, 2 * n);
        byte[] b = r.buf;
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            b[1 + 2 * i] = (byte) (ch >>> 8);
            b[2 + 2 * i] = (byte) ch;
        }
        return r;
    }

    /** This thread's buffer for the raw forms. */
    private static final class Raw implements Encoded {
        byte[] buf = new byte[256];
        int length;

        Raw start(byte tag, long bodyLength) {
            long need = 1 + bodyLength;
            if (need > Codec.MAX_ITEM_BYTES) {
                throw new IllegalArgumentException("cannot put: an item of " + need + " bytes, more than receivers"
                        + " accept (jmp.connection.maxMessageBytes=" + Codec.MAX_ITEM_BYTES + ")");
            }
            if (buf.length < need) {
                buf = new byte[(int) need];
            }
            buf[0] = tag;
            length = (int) need;
            return this;
        }

        Raw putLong(long v, int bytes) {
            for (int i = 0; i < bytes; i++) {
                buf[1 + i] = (byte) (v >>> (8 * (bytes - 1 - i)));
            }
            return this;
        }

        void trim() {
            if (buf.length > (1 << 20)) {
                buf = new byte[256];
            }
        }

        @Override
        public byte[] array() {
            return buf;
        }

        @Override
        public int length() {
            return length;
        }
    }

    /** True if the encoded item must spill: it is longer than one message of {@code mq}. */
    static boolean spills(MessageQueue mq, Encoded item) {
        return item.length() > mq.msgsize();
    }

    /** Writes an item that does not fit a message into shared memory; the reference to send. */
    static Outgoing spill(MessageQueue mq, Encoded item) {
        if (item.length() > Codec.MAX_ITEM_BYTES) {
            // Refused here rather than by every receiver.
            throw new IllegalArgumentException("cannot put: the item serializes to " + item.length()
                    + " bytes, more than receivers accept (jmp.connection.maxMessageBytes="
                    + Codec.MAX_ITEM_BYTES + ")");
        }
        try {
            return Spill.write(mq.name(), item.array(), item.length());
        } finally {
            Codec.trim();
            RAW.get().trim();
        }
    }

    /**
     * Sends an item now, waiting for room until the deadline (SimpleQueue's put): false
     * if it passed, and nothing was sent. InterruptedError if interrupted while waiting.
     */
    public static boolean send(MessageQueue mq, Encoded item, Deadline deadline, String what) {
        if (!spills(mq, item)) {
            return mq.send(item.array(), item.length(), deadline, what);
        }
        Outgoing ref = spill(mq, item);
        boolean sent = false;
        try {
            sent = mq.send(ref.message, ref.length, deadline, what);
            return sent;
        } finally {
            if (sent) {
                ref.sent();
            } else {
                ref.dropped();
            }
        }
    }

    /**
     * For an idle warm child: every kind of item through encode and decode once, so that
     * a pool worker's or a Queue's first item pays no class initialization and no lambda
     * linking (this class's thread-locals), which otherwise fall on a warm pool
     * worker's first send. {@code unopened} is only named in errors; nothing
     * is opened and no kernel object is touched.
     */
    public static void warmUp(MessageQueue unopened) {
        RECEIVE.get();
        Object[] kinds = {null, 1, 2L, 3.0, "latin-1", "\u20ac", new byte[] {1}, new java.util.ArrayList<>(List.of(1))};
        for (Object item : kinds) {
            Encoded e = encode(item);
            byte[] copy = Arrays.copyOf(e.array(), e.length());
            decode(unopened, copy, copy.length);
        }
    }

    /** This thread's receive buffer, long enough for {@code mq}'s messages. */
    public static byte[] receiveBuffer(MessageQueue mq) {
        byte[] buf = RECEIVE.get();
        int need = mq.msgsize();
        if (buf.length < need) {
            buf = new byte[need];
            RECEIVE.set(buf);
        }
        return buf;
    }

    /**
     * The item a received message {@code buf[0..n)} carries: decoded inline, or read
     * from its spill (which is unlinked first). ProcessError if it cannot be decoded.
     */
    public static Object decode(MessageQueue mq, byte[] buf, int n) {
        if (n >= 1 && buf[0] == Spill.REFERENCE) {
            byte[] data = Spill.read(mq.name(), buf, n, Codec.MAX_ITEM_BYTES);
            if (data.length >= 1 && data[0] == Spill.REFERENCE) {
                throw new ProcessError("get: a spilled item of queue " + mq.name() + " is itself a reference");
            }
            return decodeItem(mq, data, data.length, true);
        }
        return decodeItem(mq, buf, n, false);
    }

    /** One item from {@code buf[0..n)}; {@code exact}: buf is n long and may be kept. */
    private static Object decodeItem(MessageQueue mq, byte[] buf, int n, boolean exact) {
        if (n < 1) {
            throw new ProcessError("get: an empty message in queue " + mq.name() + " (not a jmp queue item)");
        }
        int kind = buf[0] & 0xff;
        switch (kind) {
            case JAVA_MAGIC:
                return Codec.decode(exact ? buf : Arrays.copyOf(buf, n));
            case NULL:
                return expect(mq, n, 1, null);
            case INT:
                return expect(mq, n, 5, (int) getLong(buf, 4));
            case LONG:
                return expect(mq, n, 9, getLong(buf, 8));
            case DOUBLE:
                return expect(mq, n, 9, Double.longBitsToDouble(getLong(buf, 8)));
            case LATIN1:
                return new String(buf, 1, n - 1, java.nio.charset.StandardCharsets.ISO_8859_1);
            case UTF16: {
                if ((n & 1) == 0) {
                    throw notAnItem(mq, buf, n);
                }
                char[] chars = new char[(n - 1) / 2];
                for (int i = 0; i < chars.length; i++) {
                    chars[i] = (char) (((buf[1 + 2 * i] & 0xff) << 8) | (buf[2 + 2 * i] & 0xff));
                }
                return new String(chars);
            }
            case BYTES:
                return Arrays.copyOfRange(buf, 1, n);
            default:
                throw notAnItem(mq, buf, n);
        }
    }

    private static Object expect(MessageQueue mq, int n, int length, Object value) {
        if (n != length) {
            throw new ProcessError("get: a message of " + n + " bytes in queue " + mq.name()
                    + " is not a jmp queue item (expected " + length + ")");
        }
        return value;
    }

    private static long getLong(byte[] b, int bytes) {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v = (v << 8) | (b[1 + i] & 0xff);
        }
        return v;
    }

    private static ProcessError notAnItem(MessageQueue mq, byte[] buf, int n) {
        return new ProcessError("get: a message of " + n + " bytes in queue " + mq.name()
                + " is not a jmp queue item (first byte 0x" + Integer.toHexString(buf[0] & 0xff) + ")");
    }
}
