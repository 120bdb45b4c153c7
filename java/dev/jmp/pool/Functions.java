package dev.jmp.pool;

import dev.jmp.ProcessError;
import dev.jmp.queue.Codec;
import dev.jmp.spawn.LambdaRef;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.invoke.SerializedLambda;

/**
 * A pool's function (a task's {@code Call} or {@code Func}, or the initializer) as
 * bytes: by reference when it is a serializable lambda that captured only plain values
 * ({@link LambdaRef}, as a spawned Process's target travels), else by {@link Codec}.
 *
 * <p>Why: a spawned worker's first task used to be its JVM's first ObjectInputStream,
 * whose set-up (the serialization filter's configuration looks through every jar of
 * the classpath for a logging backend, then loads the security properties) came
 * between a spawned Pool and its first result. By reference, a worker whose tasks and
 * results are plain values never starts Java serialization at all. A lambda that
 * captured a Lock or any other object goes by Codec, as before: what it captured is
 * the receiver's business to read.
 *
 * <pre>
 * by reference   0x0e  LambdaRef            (LambdaRef.write's fields)
 * otherwise      Codec's message            (a serialization stream, starting 0xAC 0xED)
 * </pre>
 */
final class Functions {
    private Functions() {
    }

    /** The first byte of a function sent by reference: none of Codec's messages starts so. */
    static final byte BY_REFERENCE = 0x0e;

    /** {@code func} as bytes; IllegalArgumentException as Codec.encode when it cannot be serialized. */
    static byte[] encode(Object func, String what) {
        SerializedLambda ref = LambdaRef.withoutHandles(func);
        if (ref == null) {
            return Codec.encode(func, what);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(BY_REFERENCE);
            LambdaRef.write(ref, out);
        } catch (IOException tooLong) {
            return Codec.encode(func, what);    // a String longer than writeUTF takes
        }
        return bytes.toByteArray();
    }

    /** What {@link #encode} wrote; ProcessError (or what Codec.decode throws) if it cannot be rebuilt here. */
    static Object decode(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != BY_REFERENCE) {
            return Codec.decode(bytes);
        }
        try {
            return LambdaRef.read(new DataInputStream(new ByteArrayInputStream(bytes, 1, bytes.length - 1)),
                    Functions.class.getClassLoader());
        } catch (IOException | ReflectiveOperationException | LinkageError e) {
            throw new ProcessError("the function could not be rebuilt: " + e, e);
        }
    }
}
