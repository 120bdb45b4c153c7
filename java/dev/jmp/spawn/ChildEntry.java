package dev.jmp.spawn;

import java.io.IOException;
import java.io.InputStream;

/**
 * The way from {@link Bootstrap} into the package-private side of
 * {@code dev.jmp.Process}, registered by Process when its class initializes (the
 * JDK's SharedSecrets pattern), so the public package exposes nothing for it.
 */
public interface ChildEntry {

    /**
     * The first two bytes of a Process payload that is not Java serialization (whose
     * stream starts 0xACED): "JM", then the fields of a plain Process whose target is a
     * {@link LambdaRef}. See {@code dev.jmp.DirectPayload}.
     */
    int DIRECT_MAGIC = 0x4A4D;

    /** True if {@code payload} starts with {@link #DIRECT_MAGIC}. */
    static boolean isDirect(byte[] payload) {
        return payload.length >= 2 && ((payload[0] & 0xff) << 8 | (payload[1] & 0xff)) == DIRECT_MAGIC;
    }

    /** Builds the Process a direct payload describes, loading classes through {@code loader}. */
    Object decode(byte[] payload, ClassLoader loader) throws IOException, ReflectiveOperationException;

    /**
     * Makes {@code process} this JVM's current process, runs it, and returns the exit
     * code. {@code parentPipe} is the payload pipe, now silent: it reaches end of file
     * when the parent is gone.
     */
    int bootstrap(Object process, InputStream parentPipe);

    /**
     * In an idle warm child: exercises the child's path (a Process serialized and read
     * back) so that its classes are loaded and its serialization descriptors cached,
     * leaving no trace in the state a Process later sees.
     */
    void prepare();

    /**
     * The payload of a Process whose target does nothing, as start() would send it: what
     * the training child of an AOT cache runs, so that the cache holds what a spawned
     * child loads and links, and no more ({@link ClassDataSharing}).
     */
    byte[] trainingPayload();

    final class Registry {
        private Registry() {
        }

        private static volatile ChildEntry entry;

        public static void register(ChildEntry e) {
            entry = e;
        }

        static ChildEntry get() {
            return entry;
        }
    }
}
