package dev.jmp.queue;

import dev.jmp.ProcessError;
import dev.jmp.connection.Limits;
import dev.jmp.connection.MessageReader;
import dev.jmp.connection.MessageWriter;
import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
 *
 * <p><b>Arrays skip serialization.</b> A {@code byte[]}, {@code int[]}, {@code long[]} or
 * {@code double[]} (a pool's big argument or result), and a list of such arrays of one
 * type (a map chunk of them), are written as their raw elements instead: Java
 * serialization converts a {@code double[]} element by element into 1 KiB blocks, while
 * the raw form is one bulk copy into a message of the exact length. Queue items of
 * these types take {@link Items}' own tags, which also let them skip this copy.
 *
 * <pre>
 * ARRAY       0x0c type:1 length:4 elements            (native byte order)
 * ARRAY_LIST  0x0d type:1 count:4 count x length:4, then each array's elements
 *   type: 'B' byte[], 'I' int[], 'J' long[], 'D' double[]; length in elements
 * (0x0e and 0x0f are the pool's: a function by reference, a plain result; pool/Wire)
 * </pre>
 */
public final class Codec {
    private Codec() {
    }

    private static final byte ARRAY = 0x0c;
    private static final byte ARRAY_LIST = 0x0d;

    /** The longest message a receiver accepts ({@code jmp.connection.maxMessageBytes}). */
    static final long MAX_ITEM_BYTES = Limits.MAX_MESSAGE_BYTES;

    /** A writer that grew past this for a huge object gives its buffer back afterwards. */
    private static final int KEEP = 1 << 20;

    // Anonymous classes, not withInitial's lambdas: see Items.
    private static final ThreadLocal<Writer> WRITER = new ThreadLocal<>() {
        @Override
        protected Writer initialValue() {
            return new Writer();
        }
    };
    private static final ThreadLocal<MessageReader> READER = new ThreadLocal<>() {
        @Override
        protected MessageReader initialValue() {
            return new MessageReader();
        }
    };

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
        return encode(obj, what, 0);
    }

    /**
     * As {@link #encode(Object, String)}, the message starting {@code headroom} bytes
     * into the array (as {@link #encodeArrays(List, int)}).
     */
    public static byte[] encode(Object obj, String what, int headroom) {
        byte type = typeOf(obj);
        if (type != 0) {
            ByteBuffer b = raw(ARRAY, 1 + 4 + bytes(obj), headroom);
            b.put(type).putInt(java.lang.reflect.Array.getLength(obj));
            putElements(b, obj);
            return b.array();
        }
        Writer w = writer();
        try {
            w.encode(obj);
            byte[] out = new byte[Math.addExact(headroom, w.length())];
            System.arraycopy(w.array(), 0, out, headroom, w.length());
            return out;
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

    /**
     * {@code items} as one message if they are all arrays of one of the raw types (at
     * least one; the list decodes to an ArrayList of the arrays), else null.
     */
    public static byte[] encodeArrays(List<?> items) {
        return encodeArrays(items, 0);
    }

    /**
     * As {@link #encodeArrays(List)}, the message starting {@code headroom} bytes into the
     * array (a frame's header goes there, and the message is not copied into a frame).
     */
    public static byte[] encodeArrays(List<?> items, int headroom) {
        if (items.isEmpty()) {
            return null;
        }
        byte type = typeOf(items.get(0));
        if (type == 0) {
            return null;
        }
        Class<?> c = items.get(0).getClass();
        long total = 1 + 4 + 4L * items.size();
        for (Object o : items) {
            if (o == null || o.getClass() != c) {
                return null;
            }
            total += bytes(o);
        }
        ByteBuffer b = raw(ARRAY_LIST, total, headroom);
        b.put(type).putInt(items.size());
        for (Object o : items) {
            b.putInt(java.lang.reflect.Array.getLength(o));
        }
        for (Object o : items) {
            putElements(b, o);
        }
        return b.array();
    }

    /** The object a message holds. ProcessError if it cannot be deserialized here. */
    public static Object decode(byte[] message) {
        return decode(message, 0, message.length);
    }

    /** The object {@code buf[off, off + len)} holds (raw arrays are read in place). */
    public static Object decode(byte[] buf, int off, int len) {
        if (len > 0 && (buf[off] == ARRAY || buf[off] == ARRAY_LIST)) {
            return decodeRaw(ByteBuffer.wrap(buf, off, len).slice());
        }
        return READER.get().decode(off == 0 && len == buf.length ? buf : Arrays.copyOfRange(buf, off, off + len));
    }

    /**
     * The list of arrays an ARRAY_LIST message holds, read from a spilled body straight
     * into the arrays (no copy of the message in between): the message starts {@code at}
     * bytes into the body of {@code length} bytes and runs to its end; {@code head} holds
     * the body's first {@code headLength} bytes. Null if what is there is not such a
     * message with all its lengths inside {@code head} and adding up to the body: the
     * caller then reads the body whole and decodes it (which says what is wrong).
     */
    public static List<Object> readArrayList(Items.Body body, byte[] head, int headLength, int at, long length) {
        if (at < 0 || headLength - at < 2 + 4 || head[at] != ARRAY_LIST) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(head, at + 1, headLength - at - 1).order(ByteOrder.nativeOrder());
        byte type = b.get();
        int size = elementSize(type);
        int count = b.getInt();
        if (size == 0 || count < 0 || count > b.remaining() / 4) {
            return null;
        }
        int[] lengths = new int[count];
        long end = at + 2 + 4 + 4L * count;
        long pos = end;
        for (int i = 0; i < count; i++) {
            lengths[i] = b.getInt();
            if (lengths[i] < 0) {
                return null;
            }
            end += (long) lengths[i] * size;
        }
        if (end != length) {
            return null;
        }
        List<Object> out = new ArrayList<>(count);
        for (int n : lengths) {
            Object a = newArray(type, n);
            body.readFully(a, 0, (long) n * size, pos);
            pos += (long) n * size;
            out.add(a);
        }
        return out;
    }

    private static Object newArray(byte type, int length) {
        switch (type) {
            case 'B':
                return new byte[length];
            case 'I':
                return new int[length];
            case 'J':
                return new long[length];
            default:
                return new double[length];
        }
    }

    private static byte typeOf(Object o) {
        return o instanceof byte[] ? (byte) 'B' : o instanceof int[] ? (byte) 'I' : o instanceof long[] ? (byte) 'J'
                : o instanceof double[] ? (byte) 'D' : 0;
    }

    private static int elementSize(byte type) {
        switch (type) {
            case 'B':
                return 1;
            case 'I':
                return 4;
            case 'J':
            case 'D':
                return 8;
            default:
                return 0;
        }
    }

    private static long bytes(Object array) {
        return (long) java.lang.reflect.Array.getLength(array) * elementSize(typeOf(array));
    }

    private static ByteBuffer raw(byte tag, long bodyBytes, int headroom) {
        if (headroom + 1 + bodyBytes > Math.min(MAX_ITEM_BYTES, Integer.MAX_VALUE - 8)) {
            throw new IllegalArgumentException("cannot send an object of " + (1 + bodyBytes) + " bytes: more than"
                    + " receivers accept (jmp.connection.maxMessageBytes=" + MAX_ITEM_BYTES + ")");
        }
        ByteBuffer b = ByteBuffer.allocate((int) (headroom + 1 + bodyBytes)).order(ByteOrder.nativeOrder());
        return b.position(headroom).put(tag);
    }

    private static void putElements(ByteBuffer b, Object array) {
        if (array instanceof byte[] a) {
            b.put(a);
        } else if (array instanceof int[] a) {
            b.asIntBuffer().put(a);
            b.position(b.position() + 4 * a.length);
        } else if (array instanceof long[] a) {
            b.asLongBuffer().put(a);
            b.position(b.position() + 8 * a.length);
        } else {
            double[] a = (double[]) array;
            b.asDoubleBuffer().put(a);
            b.position(b.position() + 8 * a.length);
        }
    }

    private static Object decodeRaw(ByteBuffer message) {
        try {
            ByteBuffer b = message.order(ByteOrder.nativeOrder());
            byte tag = b.get();
            byte type = b.get();
            int size = elementSize(type);
            if (size == 0) {
                throw new ProcessError("a raw array message of unknown type " + type);
            }
            if (tag == ARRAY) {
                Object a = elements(b, type, b.getInt(), size);
                end(b);
                return a;
            }
            int count = b.getInt();
            if (count < 0 || count > b.remaining() / 4) {
                throw new ProcessError("a raw array list of " + count + " arrays in " + message.capacity() + " bytes");
            }
            int[] lengths = new int[count];
            for (int i = 0; i < count; i++) {
                lengths[i] = b.getInt();
            }
            List<Object> out = new ArrayList<>(count);
            for (int length : lengths) {
                out.add(elements(b, type, length, size));
            }
            end(b);
            return out;
        } catch (java.nio.BufferUnderflowException e) {
            throw new ProcessError("a raw array message of " + message.capacity() + " bytes ends early", e);
        }
    }

    private static Object elements(ByteBuffer b, byte type, int length, int size) {
        if (length < 0 || (long) length * size > b.remaining()) {
            throw new ProcessError("a raw array of " + length + " elements in " + b.remaining() + " bytes");
        }
        ByteBuffer body = b.slice().order(ByteOrder.nativeOrder());
        b.position(b.position() + length * size);
        Object array = newArray(type, length);
        if (array instanceof byte[] a) {
            body.get(a);
        } else if (array instanceof int[] a) {
            body.asIntBuffer().get(a);
        } else if (array instanceof long[] a) {
            body.asLongBuffer().get(a);
        } else {
            body.asDoubleBuffer().get((double[]) array);
        }
        return array;
    }

    private static void end(ByteBuffer b) {
        if (b.hasRemaining()) {
            throw new ProcessError("a raw array message with " + b.remaining() + " bytes too many");
        }
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
