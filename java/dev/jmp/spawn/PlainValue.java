package dev.jmp.spawn;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StreamCorruptedException;

/**
 * The values a {@link LambdaRef} carries without Java serialization: null, String and
 * the eight boxed primitives, each as a tag byte and its value; a byte[] as its length
 * and bytes; and the shared objects
 * the layer above lets travel by name ({@link LambdaRef.Handles}: a Lock), tagged
 * {@code 'H'}, written and read by that layer. Strings use {@code writeUTF}, Java
 * serialization's own encoding (modified UTF-8), so a String with an unpaired
 * surrogate arrives as it left; one longer than 65535 encoded bytes makes
 * {@code write} fail, and the caller falls back to Java serialization.
 */
public final class PlainValue {
    private PlainValue() {
    }

    private static volatile LambdaRef.Handles handles;

    static void useHandles(LambdaRef.Handles h) {
        handles = h;
    }

    /** Null, a String or a boxed primitive: what {@link #write} takes without a {@link LambdaRef.Handles}. */
    public static boolean isValue(Object v) {
        return v == null || v instanceof String || v instanceof Integer || v instanceof Long
                || v instanceof Boolean || v instanceof Double || v instanceof Float
                || v instanceof Character || v instanceof Byte || v instanceof Short;
    }

    /**
     * What a {@link LambdaRef} may capture: a value, a byte[] (a copy arrives, as by Java
     * serialization; not a pool result, which has big-array paths of its own), or a handle.
     */
    static boolean isPlain(Object v) {
        return isValue(v) || v instanceof byte[] || isHandle(v);
    }

    static boolean isHandle(Object v) {
        LambdaRef.Handles h = handles;
        return h != null && h.travels(v);
    }

    public static void write(Object v, DataOutputStream out) throws IOException {
        if (isHandle(v)) {
            out.writeByte('H');
            handles.write(v, out);
        } else if (v == null) {
            out.writeByte('N');
        } else if (v instanceof String s) {
            out.writeByte('T');
            out.writeUTF(s);
        } else if (v instanceof Integer i) {
            out.writeByte('I');
            out.writeInt(i);
        } else if (v instanceof Long l) {
            out.writeByte('J');
            out.writeLong(l);
        } else if (v instanceof Boolean b) {
            out.writeByte('Z');
            out.writeBoolean(b);
        } else if (v instanceof Double d) {
            out.writeByte('D');
            out.writeLong(Double.doubleToRawLongBits(d));
        } else if (v instanceof Float f) {
            out.writeByte('F');
            out.writeInt(Float.floatToRawIntBits(f));
        } else if (v instanceof Character c) {
            out.writeByte('C');
            out.writeChar(c);
        } else if (v instanceof Byte b) {
            out.writeByte('B');
            out.writeByte(b);
        } else if (v instanceof Short s) {
            out.writeByte('S');
            out.writeShort(s);
        } else if (v instanceof byte[] a) {
            out.writeByte('A');
            out.writeInt(a.length);
            out.write(a);
        } else {
            throw new IllegalArgumentException("not a plain value: " + v.getClass().getName());
        }
    }

    /** Boxed by {@code valueOf}; Java serialization would make new boxes, equal to these. */
    public static Object read(DataInputStream in) throws IOException {
        int tag = in.readUnsignedByte();
        switch (tag) {
            case 'N': return null;
            case 'T': return in.readUTF();
            case 'I': return in.readInt();
            case 'J': return in.readLong();
            case 'Z': return in.readBoolean();
            case 'D': return Double.longBitsToDouble(in.readLong());
            case 'F': return Float.intBitsToFloat(in.readInt());
            case 'C': return in.readChar();
            case 'B': return in.readByte();
            case 'S': return in.readShort();
            case 'A':
                int length = in.readInt();
                if (length < 0 || length > in.available()) {
                    throw new StreamCorruptedException("a byte[] of " + length + " bytes, with " + in.available() + " left");
                }
                byte[] a = new byte[length];
                in.readFully(a);
                return a;
            case 'H':
                LambdaRef.Handles h = handles;
                if (h == null) {
                    throw new StreamCorruptedException("a shared object, and nothing here to read it");
                }
                return h.read(in);
            default: throw new StreamCorruptedException("unknown plain value tag " + tag);
        }
    }
}
