package dev.jmp.posix;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Byte ranges of primitive arrays, for {@link Posix#pwrite} and {@link Posix#pread}:
 * the checks both backends make, and the jnr backend's copies between an array and a
 * byte buffer (libjmp pins the array instead).
 */
final class PrimitiveArrays {
    private PrimitiveArrays() {
    }

    /** Bytes per element of a primitive array. IllegalArgumentException for anything else. */
    static int elementSize(Object array) {
        Class<?> c = array == null ? null : array.getClass().getComponentType();
        if (c == null || !c.isPrimitive()) {
            throw new IllegalArgumentException("not a primitive array: " + (array == null ? null : array.getClass()));
        }
        if (c == byte.class || c == boolean.class) {
            return 1;
        }
        if (c == char.class || c == short.class) {
            return 2;
        }
        return c == int.class || c == float.class ? 4 : 8;
    }

    /**
     * IndexOutOfBoundsException unless {@code [off, off + len)} lies within the array's
     * bytes; IllegalArgumentException unless both are whole elements.
     */
    static void checkRange(Object array, long off, long len) {
        int size = elementSize(array);
        long bytes = (long) java.lang.reflect.Array.getLength(array) * size;
        Objects.checkFromIndexSize(off, len, bytes);
        if (off % size != 0 || len % size != 0) {
            throw new IllegalArgumentException("a byte range of a " + array.getClass().getSimpleName()
                    + " must be whole elements: " + off + " + " + len);
        }
    }

    /** The array's bytes from {@code off} into {@code dst} (position to limit), element-aligned. */
    static void get(Object array, long off, ByteBuffer dst) {
        int size = elementSize(array);
        int from = Math.toIntExact(off / size);
        ByteBuffer b = dst.order(ByteOrder.nativeOrder());
        int n = b.remaining() / size;
        if (array instanceof byte[] a) {
            b.put(a, from, n);
        } else if (array instanceof char[] a) {
            b.asCharBuffer().put(a, from, n);
        } else if (array instanceof short[] a) {
            b.asShortBuffer().put(a, from, n);
        } else if (array instanceof int[] a) {
            b.asIntBuffer().put(a, from, n);
        } else if (array instanceof float[] a) {
            b.asFloatBuffer().put(a, from, n);
        } else if (array instanceof long[] a) {
            b.asLongBuffer().put(a, from, n);
        } else if (array instanceof double[] a) {
            b.asDoubleBuffer().put(a, from, n);
        } else {
            boolean[] a = (boolean[]) array;
            for (int i = 0; i < n; i++) {
                b.put(b.position() + i, (byte) (a[from + i] ? 1 : 0));
            }
        }
    }

    /** {@code src} (position to limit) into the array from byte {@code off}, element-aligned. */
    static void put(ByteBuffer src, Object array, long off) {
        int size = elementSize(array);
        int from = Math.toIntExact(off / size);
        ByteBuffer b = src.order(ByteOrder.nativeOrder());
        int n = b.remaining() / size;
        if (array instanceof byte[] a) {
            b.get(a, from, n);
        } else if (array instanceof char[] a) {
            b.asCharBuffer().get(a, from, n);
        } else if (array instanceof short[] a) {
            b.asShortBuffer().get(a, from, n);
        } else if (array instanceof int[] a) {
            b.asIntBuffer().get(a, from, n);
        } else if (array instanceof float[] a) {
            b.asFloatBuffer().get(a, from, n);
        } else if (array instanceof long[] a) {
            b.asLongBuffer().get(a, from, n);
        } else if (array instanceof double[] a) {
            b.asDoubleBuffer().get(a, from, n);
        } else {
            boolean[] a = (boolean[]) array;
            for (int i = 0; i < n; i++) {
                a[from + i] = b.get(b.position() + i) != 0;
            }
        }
    }
}
