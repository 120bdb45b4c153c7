package dev.jmp.pool;

import dev.jmp.Call;
import dev.jmp.ProcessError;
import dev.jmp.queue.Codec;
import dev.jmp.spawn.LambdaRef;
import dev.jmp.spawn.PlainValue;
import dev.jmp.spawn.StaticCall;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.invoke.SerializedLambda;

/**
 * A pool's function (a task's {@code Call} or {@code Func}) and a task's result as
 * bytes: without Java serialization where they can go so, by {@link Codec} otherwise.
 *
 * <pre>
 * function by reference  0x0e  LambdaRef's fields     (a serializable lambda that captured only plain values)
 * plain result           0x0f  PlainValue             (null, a String, a boxed primitive)
 * anything else          Codec's message            (raw arrays 0x0c/0x0d, or a serialization stream 0xAC 0xED)
 * </pre>
 *
 * <p>Why: a spawned worker's first task used to be its JVM's first ObjectInputStream,
 * and its first result its first ObjectOutputStream. Their set-up (the serialization
 * filter's configuration looks through every jar of the classpath for a logging
 * backend and loads the security properties; each class written or read gets a
 * descriptor and a generated accessor) came between a spawned Pool and its first
 * result. Now a worker whose functions and results are plain never starts Java
 * serialization, as a spawned Process's target travels ({@link LambdaRef}). A lambda
 * that captured a Lock goes by Codec: Java serialization counts the Lock in flight
 * until a receiver takes it, and a function sent once per job and worker is not a
 * payload that says when it arrived.
 */
final class Wire {
    private Wire() {
    }

    static final byte BY_REFERENCE = 0x0e;
    static final byte PLAIN = 0x0f;

    /** {@code func} as bytes; IllegalArgumentException as Codec.encode when it cannot be serialized. */
    static byte[] encodeFunction(Object func, String what) {
        SerializedLambda ref = LambdaRef.withoutHandles(func);
        byte[] bytes = ref == null ? null : tagged(BY_REFERENCE, ref);
        return bytes != null ? bytes : Codec.encode(func, what);
    }

    /** {@code v} (a result) as bytes; IllegalArgumentException as Codec.encode when it cannot be serialized. */
    static byte[] encodeValue(Object v, String what) {
        byte[] bytes = PlainValue.isValue(v) ? tagged(PLAIN, v) : null;
        return bytes != null ? bytes : Codec.encode(v, what);
    }

    /** What {@link #encodeFunction} wrote; ProcessError (or what Codec.decode throws) if it cannot be rebuilt here. */
    static Object decodeFunction(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != BY_REFERENCE) {
            return Codec.decode(bytes);
        }
        try {
            Object f = LambdaRef.read(body(bytes, 0, bytes.length), Wire.class.getClassLoader(), CALL);
            return f instanceof StaticCall call ? new StaticApply(call) : f;
        } catch (IOException | ReflectiveOperationException | LinkageError e) {
            throw new ProcessError("the function could not be rebuilt: " + e, e);
        }
    }

    private static final String CALL = Call.class.getName().replace('.', '/');

    /**
     * An apply's function whose body is a static method, called without linking its
     * lambda ({@link StaticCall}): a young worker's first apply does not pay for the
     * JVM's first lambda link.
     */
    private static final class StaticApply implements Call<Object> {
        private static final long serialVersionUID = 1L;

        private final StaticCall call;

        StaticApply(StaticCall call) {
            this.call = call;
        }

        @Override
        public Object call() {
            return call.value();
        }

        /** Serialized again, it is the lambda it stands for. */
        private Object writeReplace() {
            return call;
        }
    }

    /** The value {@code buf[off, off + len)} holds, as {@link #encodeValue} wrote it. */
    static Object decodeValue(byte[] buf, int off, int len) {
        if (len == 0 || buf[off] != PLAIN) {
            return Codec.decode(buf, off, len);
        }
        try {
            return PlainValue.read(body(buf, off, len));
        } catch (IOException e) {
            throw new ProcessError("a plain value that could not be read: " + e, e);
        }
    }

    /** The tag, then {@code body}; null if it cannot be written so (a String longer than writeUTF takes). */
    private static byte[] tagged(byte tag, Object body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(tag);
            if (tag == BY_REFERENCE) {
                LambdaRef.write((SerializedLambda) body, out);
            } else {
                PlainValue.write(body, out);
            }
        } catch (IOException tooLong) {
            return null;
        }
        return bytes.toByteArray();
    }

    /** What follows the tag byte at {@code off}. */
    private static DataInputStream body(byte[] buf, int off, int len) {
        return new DataInputStream(new ByteArrayInputStream(buf, off + 1, len - 1));
    }
}
