package dev.jmp.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;

/**
 * Java serialization to and from bytes: functions, values, exceptions and the items
 * that are not plain numbers, inside the layout {@link WireDescriptor} describes. A
 * task is serialized in the caller's thread, so that a function or argument that
 * cannot be fails the call there, before anything is sent; Hazelcast then carries
 * opaque bytes. Decoding resolves classes through a given loader (the caller's, or the
 * member's), as a spawned jmp worker does.
 */
final class Payloads {
    private Payloads() {
    }

    /** The object's bytes; IOException (NotSerializableException) if it cannot be serialized. */
    static byte[] encode(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    /** The object back, its classes found through {@code loader}. */
    static Object decode(byte[] b, ClassLoader loader) throws IOException, ClassNotFoundException {
        return decode(b, 0, b.length, loader);
    }

    /** The object in {@code b[offset, offset + length)}, its classes found through {@code loader}. */
    static Object decode(byte[] b, int offset, int length, ClassLoader loader) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new LoaderInputStream(new ByteArrayInputStream(b, offset, length), loader)) {
            return in.readObject();
        }
    }

    private static final class LoaderInputStream extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderInputStream(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(desc.getName(), false, loader);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc);
            }
        }
    }
}
