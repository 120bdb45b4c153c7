package dev.jmp.spawn;

import java.io.InputStream;

/**
 * The way from {@link Bootstrap} into the package-private side of
 * {@code dev.jmp.Process}, registered by Process when its class initializes (the
 * JDK's SharedSecrets pattern), so the public package exposes nothing for it.
 */
public interface ChildEntry {

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
