package dev.jmp.pool;

import dev.jmp.queue.Codec;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The items of one map chunk, or their results: a list that serializes compactly.
 *
 * <p>Why not an ArrayList: Java serialization writes every boxed number as an object
 * (a handle to its class description and the value: 10 bytes and a handle-table
 * entry each), and reading it back allocates through reflection. For the most common
 * pool workload, a function over numbers or strings, that is most of the time a
 * {@code map} takes. A batch whose elements are all Integer, Long, Double or String
 * (no null) is written as one primitive array, or a run of UTF strings, instead;
 * anything else is written element by element, as an ArrayList would be. A chunk of
 * primitive arrays of one type (a map over {@code double[]} chunks of data) skips Java
 * serialization altogether: {@link #encode} gives it to {@link Codec#encodeArrays} and
 * {@link #of} takes the list of arrays back.
 */
final class Batch implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final byte OBJECTS = 0;
    private static final byte INTS = 1;
    private static final byte LONGS = 2;
    private static final byte DOUBLES = 3;
    private static final byte STRINGS = 4;

    private transient List<Object> items;

    Batch(List<?> items) {
        this.items = new ArrayList<>(items);
    }

    /** The items of a chunk (or its results) as one message. IllegalArgumentException as Codec.encode. */
    static byte[] encode(List<?> items, String what) {
        return encode(items, what, 0);
    }

    /** As {@link #encode(List, String)}, the message starting {@code headroom} bytes into the array. */
    static byte[] encode(List<?> items, String what, int headroom) {
        byte[] raw = Codec.encodeArrays(items, headroom);
        return raw != null ? raw : Codec.encode(new Batch(items), what, headroom);
    }

    /** A decoded chunk message as a Batch; null if it is none. */
    @SuppressWarnings("unchecked")
    static Batch of(Object decoded) {
        if (decoded instanceof Batch b) {
            return b;
        }
        if (decoded instanceof ArrayList<?> arrays) {
            Batch b = new Batch(List.of());
            b.items = (List<Object>) arrays;
            return b;
        }
        return null;
    }

    List<Object> items() {
        return items;
    }

    private static byte kindOf(List<Object> items) {
        if (items.isEmpty()) {
            return OBJECTS;
        }
        Object first = items.get(0);
        Class<?> c = first == null ? null : first.getClass();
        byte kind = c == Integer.class ? INTS : c == Long.class ? LONGS : c == Double.class ? DOUBLES
                : c == String.class ? STRINGS : OBJECTS;
        if (kind == OBJECTS) {
            return OBJECTS;
        }
        for (Object o : items) {
            if (o == null || o.getClass() != c) {
                return OBJECTS;
            }
        }
        return kind;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        byte kind = kindOf(items);
        int n = items.size();
        out.writeByte(kind);
        out.writeInt(n);
        switch (kind) {
            case INTS: {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (Integer) items.get(i);
                }
                out.writeObject(a);
                break;
            }
            case LONGS: {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (Long) items.get(i);
                }
                out.writeObject(a);
                break;
            }
            case DOUBLES: {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (Double) items.get(i);
                }
                out.writeObject(a);
                break;
            }
            case STRINGS:
                for (Object o : items) {
                    String s = (String) o;
                    // writeUTF takes at most 65535 bytes of modified UTF-8: longer ones as objects.
                    if (s.length() <= 65535 / 3) {
                        out.writeBoolean(true);
                        out.writeUTF(s);
                    } else {
                        out.writeBoolean(false);
                        out.writeObject(s);
                    }
                }
                break;
            default:
                for (Object o : items) {
                    out.writeObject(o);
                }
        }
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        byte kind = in.readByte();
        int n = in.readInt();
        if (n < 0) {
            throw new InvalidObjectException("negative batch size");
        }
        switch (kind) {
            case INTS: {
                int[] a = array(in, int[].class, n);
                List<Object> l = new ArrayList<>(n);
                for (int v : a) {
                    l.add(v);
                }
                items = l;
                break;
            }
            case LONGS: {
                long[] a = array(in, long[].class, n);
                List<Object> l = new ArrayList<>(n);
                for (long v : a) {
                    l.add(v);
                }
                items = l;
                break;
            }
            case DOUBLES: {
                double[] a = array(in, double[].class, n);
                List<Object> l = new ArrayList<>(n);
                for (double v : a) {
                    l.add(v);
                }
                items = l;
                break;
            }
            case STRINGS: {
                // No presizing from n: the count is the sender's claim, the strings are real.
                List<Object> l = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    l.add(in.readBoolean() ? in.readUTF() : (String) in.readObject());
                }
                items = l;
                break;
            }
            case OBJECTS: {
                List<Object> l = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    l.add(in.readObject());
                }
                items = l;
                break;
            }
            default:
                throw new InvalidObjectException("unknown batch kind " + kind);
        }
    }

    private static <A> A array(ObjectInputStream in, Class<A> type, int n) throws IOException, ClassNotFoundException {
        Object o = in.readObject();
        if (!type.isInstance(o) || java.lang.reflect.Array.getLength(o) != n) {
            throw new InvalidObjectException("batch: expected " + type.getSimpleName() + " of " + n);
        }
        return type.cast(o);
    }
}
