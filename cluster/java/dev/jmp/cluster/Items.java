package dev.jmp.cluster;

import static dev.jmp.cluster.WireDescriptor.DOUBLES;
import static dev.jmp.cluster.WireDescriptor.INTS;
import static dev.jmp.cluster.WireDescriptor.ITEMS_HEADER;
import static dev.jmp.cluster.WireDescriptor.LONGS;
import static dev.jmp.cluster.WireDescriptor.OBJECTS;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The items of a chunk, or its results, as {@link WireDescriptor} lays them out: one
 * primitive array when every item is an Integer, every one a Long or every one a
 * Double, else Java serialization of the list.
 */
final class Items {
    private Items() {
    }

    /**
     * {@code prefix}, then {@code items}, in one new array: the prefix is a task's
     * header and function, or a reply's status byte.
     * IOException (NotSerializableException) if an item cannot be serialized.
     */
    static byte[] encode(byte[] prefix, List<?> items) throws IOException {
        int n = items.size();
        byte tag = tagOf(items);
        if (tag == OBJECTS) {
            byte[] list = Payloads.encode(items instanceof ArrayList<?> ? items : new ArrayList<>(items));
            return ByteBuffer.allocate(prefix.length + ITEMS_HEADER + list.length)
                    .put(prefix).put(tag).putInt(n).put(list).array();
        }
        int width = tag == INTS ? Integer.BYTES : Long.BYTES;
        ByteBuffer b = ByteBuffer.allocate(Math.addExact(prefix.length + ITEMS_HEADER, Math.multiplyExact(n, width)));
        b.put(prefix).put(tag).putInt(n);
        switch (tag) {
            case INTS -> {
                for (Object o : items) {
                    b.putInt((Integer) o);
                }
            }
            case LONGS -> {
                for (Object o : items) {
                    b.putLong((Long) o);
                }
            }
            default -> {
                for (Object o : items) {
                    b.putDouble((Double) o);
                }
            }
        }
        return b.array();
    }

    /** The items from {@code b}'s position to its end; classes of OBJECTS found through {@code loader}. */
    static List<Object> decode(ByteBuffer b, ClassLoader loader) throws IOException, ClassNotFoundException {
        if (b.remaining() < ITEMS_HEADER) {
            throw new StreamCorruptedException("items: " + b.remaining() + " bytes, no header");
        }
        byte tag = b.get();
        int n = b.getInt();
        if (n < 0) {
            throw new StreamCorruptedException("items: a negative count");
        }
        if (tag == OBJECTS) {
            Object o = Payloads.decode(b.array(), b.arrayOffset() + b.position(), b.remaining(), loader);
            if (!(o instanceof ArrayList<?> l) || l.size() != n) {
                throw new InvalidObjectException("items: expected a list of " + n);
            }
            @SuppressWarnings("unchecked")
            List<Object> items = (List<Object>) l;
            return items;
        }
        int width = tag == INTS ? Integer.BYTES : tag == LONGS || tag == DOUBLES ? Long.BYTES : -1;
        if (width < 0) {
            throw new StreamCorruptedException("items: unknown tag " + tag);
        }
        if ((long) n * width != b.remaining()) {      // a count the bytes do not hold allocates nothing
            throw new StreamCorruptedException("items: " + n + " of " + width + " bytes in " + b.remaining());
        }
        List<Object> out = new ArrayList<>(n);
        switch (tag) {
            case INTS -> {
                for (int i = 0; i < n; i++) {
                    out.add(b.getInt());
                }
            }
            case LONGS -> {
                for (int i = 0; i < n; i++) {
                    out.add(b.getLong());
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    out.add(b.getDouble());
                }
            }
        }
        return out;
    }

    private static byte tagOf(List<?> items) {
        if (items.isEmpty()) {
            return OBJECTS;
        }
        Object first = items.get(0);
        Class<?> c = first == null ? null : first.getClass();
        byte tag = c == Integer.class ? INTS : c == Long.class ? LONGS : c == Double.class ? DOUBLES : OBJECTS;
        if (tag != OBJECTS) {
            for (Object o : items) {
                if (o == null || o.getClass() != c) {
                    return OBJECTS;
                }
            }
        }
        return tag;
    }
}
