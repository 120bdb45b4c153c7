package dev.jmp.manager;

import dev.jmp.PosixException;
import dev.jmp.posix.Posix;
import dev.jmp.resource.AtExit;
import java.util.ArrayList;
import java.util.List;

/**
 * In a SharedMemoryManager's server: the names of the blocks made through it, unlinked
 * when the server ends, by shutdown() or because its creator is gone (either way the
 * server exits through System.exit, which runs the exit sequence).
 *
 * <p>The unlink is a step of {@link AtExit}, not a shutdown hook of its own: the JVM runs
 * its hooks concurrently, and one of its own would race the exit sequence, which closes
 * this process's channels while the hook still used them. It unlinks by name, without
 * attaching to the block: at exit there is nothing to map.
 */
final class TrackedSegments implements SegmentTracker {
    private final List<String> names = new ArrayList<>();

    TrackedSegments() {
        AtExit.register(AtExit.Phase.NAMES, this::unlinkAll);
    }

    @Override
    public synchronized void track(String name) {
        names.add(name);
    }

    private synchronized void unlinkAll() {
        for (String name : names) {
            try {
                Posix.libc().shm_unlink("/" + name);
            } catch (PosixException e) {
                // Already gone (its creator unlinked it at exit): nothing to do.
            }
        }
        names.clear();
    }

    static Object make(Object[] args) {
        return new TrackedSegments();
    }
}
