package dev.jmp.manager;

import dev.jmp.PosixException;
import dev.jmp.SharedMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * In a SharedMemoryManager's server: the names of the blocks made through it, unlinked
 * when the server ends, by shutdown() or because its creator is gone (either way the
 * server exits through System.exit, which runs this hook).
 */
final class TrackedSegments implements SegmentTracker {
    private final List<String> names = new ArrayList<>();

    TrackedSegments() {
        Thread hook = new Thread(this::unlinkAll, "jmp-manager-unlink");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public synchronized void track(String name) {
        names.add(name);
    }

    private synchronized void unlinkAll() {
        for (String name : names) {
            try {
                new SharedMemory(name).unlink();
            } catch (PosixException | IllegalStateException e) {
                // Already gone (its creator unlinked it at exit): nothing to do.
            }
        }
        names.clear();
    }

    static Object make(Object[] args) {
        return new TrackedSegments();
    }
}
