package dev.jmp.queue;

import dev.jmp.ProcessError;
import dev.jmp.blocking.Deadline;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Queue items as message-queue messages: one message per item, whatever its size.
 *
 * <p>A message is the item itself or, for an item longer than the queue's message
 * size, a {@link Spill} reference (first byte {@link Spill#REFERENCE}): the item's
 * kind, its length and the name of the shared-memory file that holds it. An item is a
 * serialized Java object (first byte 0xAC, the serialization stream's magic), or, for
 * the payloads queues carry most, a tag byte and the raw value: null, Integer, Long,
 * Double, String, and {@code byte[]}, {@code int[]}, {@code long[]} and
 * {@code double[]} at any size (elements in the machine's byte order). Java
 * serialization of a boxed Integer, even with a long-lived stream, costs as much as
 * the message-queue system calls themselves, and of a {@code double[]} converts every
 * element; the tagged form costs next to nothing, decodes to an equal object of the
 * same class, and lets a big array go to its spill file and back without a copy in
 * between (see Spill). (These bypass the ObjectInputFilter, which has nothing to say
 * about them beyond the length limit that still applies to every item.)
 * Serialization happens in the calling thread ({@link #encode}, {@link Codec}), so a
 * bad object fails the put itself.
 *
 * <pre>
 * message      tag:1 body
 *   NULL 0x02     (empty)          INT 0x03  int:4 (big-endian)
 *   LONG 0x04     long:8           DOUBLE 0x05  raw bits:8
 *   LATIN1 0x06   one byte a char  UTF16 0x07  chars (native order)
 *   BYTES 0x08    the bytes        DOUBLES 0x09, LONGS 0x0a, INTS 0x0b  elements (native order)
 *   0xAC          the rest of a Java serialization stream
 * spilled      the reference carries the tag; the file holds the body
 * </pre>
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
    private static final byte DOUBLES = 0x09;
    private static final byte LONGS = 0x0a;
    private static final byte INTS = 0x0b;

    /**
     * A body at least this long is not copied into a message by encode: it stays in its
     * array, written from there into a spill file (or into a message, if the queue's
     * messages are that long). The longest message an ordinary user's queue may have.
     */
    private static final int LARGE = 8192;

    // Anonymous classes, not withInitial's lambdas: a spawned child's first Queue (and a
    // pool worker's first task) would link its JVM's first lambda here.
    private static final ThreadLocal<Raw> RAW = new ThreadLocal<>() {
        @Override
        protected Raw initialValue() {
            return new Raw();
        }
    };

    /** An encoded item: {@code array()[0..length())}, valid until this thread's next encode. */
    public interface Encoded {
        /** The whole message (made now, in this thread's buffer, for a {@link #body()} item). */
        byte[] array();

        int length();

        /**
         * A primitive array whose bytes are the message after its first byte (its tag),
         * or null; an item with a body is written to a spill file from there.
         */
        default Object body() {
            return null;
        }
    }

    /**
     * Reads the body of a spilled {@code byte[]} item otherwise than into one new array:
     * for a carrier whose messages have a layout of their own (a pool frame of arrays,
     * read straight into the arrays it carries). It returns the item, which is then not
     * necessarily a {@code byte[]}.
     */
    public interface BodyReader {
        /** Reads the body, {@code length} bytes, from {@code body}; ProcessError if it is not what it should be. */
        Object read(Body body, long length);
    }

    /** A spilled item's body, open for a {@link BodyReader}. */
    public interface Body {
        /**
         * Reads bytes {@code [pos, pos + len)} of the body into bytes
         * {@code [off, off + len)} of a primitive array; ProcessError if the body is shorter.
         */
        void readFully(Object array, long off, long len, long pos);
    }

    /** An array or a long String: the tag and the array, nothing copied yet. */
    private static final class Large implements Encoded {
        private final byte tag;
        private final Object body;
        private final int bodyBytes;

        Large(byte tag, Object body, long bodyBytes) {
            checkSize(1 + bodyBytes);
            this.tag = tag;
            this.body = body;
            this.bodyBytes = (int) bodyBytes;
        }

        @Override
        public byte[] array() {
            Raw r = RAW.get().start(tag, bodyBytes);
            ByteBuffer b = ByteBuffer.wrap(r.buf, 1, bodyBytes).order(ByteOrder.nativeOrder());
            putBody(b, body);
            return r.buf;
        }

        @Override
        public int length() {
            return 1 + bodyBytes;
        }

        @Override
        public Object body() {
            return body;
        }

        byte tag() {
            return tag;
        }
    }

    /** Per thread: the buffer messages are received into (at least a queue's msgsize). */
    private static final ThreadLocal<byte[]> RECEIVE = new ThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[1024];
        }
    };

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
            return array(BYTES, obj, ((byte[]) obj).length);
        }
        if (c == double[].class) {
            return array(DOUBLES, obj, 8L * ((double[]) obj).length);
        }
        if (c == long[].class) {
            return array(LONGS, obj, 8L * ((long[]) obj).length);
        }
        if (c == int[].class) {
            return array(INTS, obj, 4L * ((int[]) obj).length);
        }
        return Codec.item(obj);
    }

    private static Encoded array(byte tag, Object body, long bodyBytes) {
        if (bodyBytes >= LARGE) {
            return new Large(tag, body, bodyBytes);
        }
        Raw r = RAW.get().start(tag, bodyBytes);
        putBody(ByteBuffer.wrap(r.buf, 1, (int) bodyBytes).order(ByteOrder.nativeOrder()), body);
        return r;
    }

    /** The array's elements into {@code b} (native order). */
    private static void putBody(ByteBuffer b, Object body) {
        if (body instanceof byte[] a) {
            b.put(a);
        } else if (body instanceof double[] a) {
            b.asDoubleBuffer().put(a);
        } else if (body instanceof long[] a) {
            b.asLongBuffer().put(a);
        } else if (body instanceof int[] a) {
            b.asIntBuffer().put(a);
        } else {
            b.asCharBuffer().put((char[]) body);
        }
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
        if (n >= LARGE) {
            return latin1 ? new Large(LATIN1, s.getBytes(StandardCharsets.ISO_8859_1), n)
                    : new Large(UTF16, s.toCharArray(), 2L * n);
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
        ByteBuffer b = ByteBuffer.wrap(r.buf, 1, 2 * n).order(ByteOrder.nativeOrder());
        for (int i = 0; i < n; i++) {
            b.putChar(s.charAt(i));
        }
        return r;
    }

    /** This thread's buffer for the raw forms. */
    private static final class Raw implements Encoded {
        byte[] buf = new byte[256];
        int length;

        Raw start(byte tag, long bodyLength) {
            long need = 1 + bodyLength;
            checkSize(need);
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

    private static void checkSize(long need) {
        if (need > Codec.MAX_ITEM_BYTES || need > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cannot put: an item of " + need + " bytes, more than receivers"
                    + " accept (jmp.connection.maxMessageBytes=" + Codec.MAX_ITEM_BYTES + ")");
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
            if (item instanceof Large large) {
                return Spill.write(mq, large.tag(), large.body(), 0, item.length() - 1);
            }
            byte[] message = item.array();
            return Spill.write(mq, message[0], message, 1, item.length() - 1);
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
        Object[] kinds = {null, 1, 2L, 3.0, "latin-1", "\u20ac", new byte[] {1}, new double[] {1}, new long[] {1},
            new int[] {1}, new java.util.ArrayList<>(List.of(1))};
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
        return decode(mq, buf, n, null);
    }

    /**
     * As {@link #decode(MessageQueue, byte[], int)}, a spilled {@code byte[]} item's body
     * read by {@code bytes} (null: into one new array, as for any item).
     */
    public static Object decode(MessageQueue mq, byte[] buf, int n, BodyReader bytes) {
        if (n >= 1 && buf[0] == Spill.REFERENCE) {
            Spill.Reference r = Spill.reference(mq, buf, n, Codec.MAX_ITEM_BYTES);
            if (bytes != null && r.kind() == BYTES) {
                return Spill.read(r, bytes);
            }
            return decodeSpilled(mq, r);
        }
        return decodeItem(mq, buf, n, false);
    }

    /** A spilled item, read from its file straight into the array it becomes. */
    private static Object decodeSpilled(MessageQueue mq, Spill.Reference r) {
        long length = r.length();
        Supplier<Object> array;
        switch (r.kind()) {
            case BYTES:
                array = () -> new byte[arrayLength(mq, length, 1)];
                break;
            case DOUBLES:
                array = () -> new double[arrayLength(mq, length, 8)];
                break;
            case LONGS:
                array = () -> new long[arrayLength(mq, length, 8)];
                break;
            case INTS:
                array = () -> new int[arrayLength(mq, length, 4)];
                break;
            case UTF16:
                array = () -> new char[arrayLength(mq, length, 2)];
                break;
            case Spill.REFERENCE:
                throw new ProcessError("get: a spilled item of queue " + mq.name() + " is itself a reference");
            default: {
                // The rest (a serialized object, a Latin-1 String) is decoded from its whole message, tag first.
                byte[] message = (byte[]) Spill.read(r, () -> {
                    byte[] m = new byte[Math.addExact(arrayLength(mq, length, 1), 1)];
                    m[0] = r.kind();
                    return m;
                }, 1);
                return decodeItem(mq, message, message.length, true);
            }
        }
        Object read = Spill.read(r, array, 0);
        return read instanceof char[] chars ? new String(chars) : read;
    }

    private static int arrayLength(MessageQueue mq, long bodyBytes, int elementSize) {
        if (bodyBytes % elementSize != 0 || bodyBytes / elementSize > Integer.MAX_VALUE - 8) {
            throw new ProcessError("get: a spilled item of " + bodyBytes + " bytes in queue " + mq.name()
                    + " is not an array of " + elementSize + "-byte elements");
        }
        return (int) (bodyBytes / elementSize);
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
                return new String(buf, 1, n - 1, StandardCharsets.ISO_8859_1);
            case UTF16: {
                char[] chars = new char[elements(mq, buf, n, 2)];
                body(buf, n).asCharBuffer().get(chars);
                return new String(chars);
            }
            case BYTES:
                return Arrays.copyOfRange(buf, 1, n);
            case DOUBLES: {
                double[] a = new double[elements(mq, buf, n, 8)];
                body(buf, n).asDoubleBuffer().get(a);
                return a;
            }
            case LONGS: {
                long[] a = new long[elements(mq, buf, n, 8)];
                body(buf, n).asLongBuffer().get(a);
                return a;
            }
            case INTS: {
                int[] a = new int[elements(mq, buf, n, 4)];
                body(buf, n).asIntBuffer().get(a);
                return a;
            }
            default:
                throw notAnItem(mq, buf, n);
        }
    }

    private static ByteBuffer body(byte[] buf, int n) {
        return ByteBuffer.wrap(buf, 1, n - 1).slice().order(ByteOrder.nativeOrder());
    }

    private static int elements(MessageQueue mq, byte[] buf, int n, int size) {
        if ((n - 1) % size != 0) {
            throw notAnItem(mq, buf, n);
        }
        return (n - 1) / size;
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
