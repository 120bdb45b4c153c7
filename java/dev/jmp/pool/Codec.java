package dev.jmp.pool;

import dev.jmp.connection.MessageReader;
import dev.jmp.connection.MessageWriter;
import java.util.Arrays;

/**
 * Functions, arguments, results and exceptions as bytes: each one a complete Java
 * serialization stream, written and read with the codec Pipe and the queues use
 * ({@link MessageWriter}, {@link MessageReader}: a long-lived stream per thread, and on
 * the receiving side the ObjectInputFilter with jmp's limits).
 *
 * <p>Why the pool serializes these itself instead of handing objects to a queue: an
 * argument that cannot be serialized must fail the call that passed it, before any
 * part of the call is sent (a map whose 7th chunk fails sends none), and a result that
 * cannot be serialized must fail that one task in the worker, not kill the worker. So
 * both are turned into bytes first, where the failure can still be handled, and only
 * bytes travel.
 */
final class Codec {
    private Codec() {
    }

    /** A writer that grew past this for a huge object gives its buffer back afterwards. */
    private static final int KEEP = 1 << 20;

    private static final ThreadLocal<MessageWriter> WRITER = ThreadLocal.withInitial(MessageWriter::new);
    private static final ThreadLocal<MessageReader> READER = ThreadLocal.withInitial(MessageReader::new);

    /**
     * {@code obj} serialized, in a new array. IllegalArgumentException (the
     * NotSerializableException as its cause) naming {@code what} if it cannot be.
     */
    static byte[] encode(Object obj, String what) {
        MessageWriter w = WRITER.get();
        try {
            MessageWriter.Sink s = w.encode(obj);
            return Arrays.copyOf(s.array(), s.size());
        } catch (IllegalArgumentException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException(what + " cannot be serialized: " + cause
                    + (cause instanceof java.io.NotSerializableException
                        ? " (a lambda captures every variable it uses, and 'this' when it calls an instance method)"
                        : ""), cause);
        } finally {
            w.release(KEEP);
        }
    }

    /** The object {@code bytes} hold. ProcessError if they cannot be deserialized here. */
    static Object decode(byte[] bytes) {
        return READER.get().decode(bytes);
    }
}
