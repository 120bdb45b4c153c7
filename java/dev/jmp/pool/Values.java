package dev.jmp.pool;

import dev.jmp.ProcessError;
import dev.jmp.queue.Codec;
import dev.jmp.spawn.PlainValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * A task's result as bytes: a plain value (null, a String, a boxed primitive) as its
 * {@link PlainValue} form behind a tag, anything else by {@link Codec}.
 *
 * <p>Why: the commonest result is a number or a string, and Java serialization's
 * first use in a young worker (its descriptors, a generated accessor class per class
 * written) came between a spawned Pool and its first result. With {@link Functions},
 * a worker whose tasks and results are plain values never starts Java serialization.
 *
 * <pre>
 * plain       0x0f  PlainValue             (tag byte and value, as in a LambdaRef)
 * otherwise   Codec's message              (raw arrays 0x0c/0x0d, or a serialization stream 0xAC 0xED)
 * </pre>
 */
final class Values {
    private Values() {
    }

    /** The first byte of a plain value: none of Codec's messages, nor a function by reference, starts so. */
    static final byte PLAIN = 0x0f;

    /** {@code v} as bytes; IllegalArgumentException as Codec.encode when it cannot be serialized. */
    static byte[] encode(Object v, String what) {
        if (!PlainValue.isValue(v)) {
            return Codec.encode(v, what);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(PLAIN);
            PlainValue.write(v, out);
        } catch (IOException tooLong) {
            return Codec.encode(v, what);      // a String longer than writeUTF takes
        }
        return bytes.toByteArray();
    }

    /** The value {@code buf[off, off + len)} holds. */
    static Object decode(byte[] buf, int off, int len) {
        if (len == 0 || buf[off] != PLAIN) {
            return Codec.decode(buf, off, len);
        }
        try {
            return PlainValue.read(new DataInputStream(new ByteArrayInputStream(buf, off + 1, len - 1)));
        } catch (IOException e) {
            throw new ProcessError("a plain value that could not be read: " + e, e);
        }
    }
}
