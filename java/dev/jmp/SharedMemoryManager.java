package dev.jmp;

import dev.jmp.manager.SegmentTracker;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code multiprocessing.managers.SharedMemoryManager}: SharedMemory blocks and
 * ShareableLists made through it are unlinked when the manager shuts down (or its
 * process ends with its creator).
 *
 * <p>As in CPython, a block is made in the calling process and its name handed to the
 * manager's server, which unlinks it at its end. A jmp block is also unlinked when the
 * process that made it exits (jmp's rule for every name it creates), so a block lives
 * until the earlier of the two.
 */
public class SharedMemoryManager extends BaseManager {
    private SegmentTracker tracker;

    public SharedMemoryManager() {
        this(null, null);
    }

    public SharedMemoryManager(Object address, byte[] authkey) {
        super(address, authkey);
        registerBuiltins(dev.jmp.manager.Builtins.SHARED_MEMORY);
    }

    /** A new block of {@code size} bytes, tracked by the manager. */
    public SharedMemory sharedMemory(int size) {
        SharedMemory shm = new SharedMemory(null, true, size);
        track(shm.name(), shm::unlink);
        return shm;
    }

    /** A new ShareableList holding {@code sequence}, tracked by the manager. */
    public ShareableList shareableList(List<?> sequence) {
        ShareableList sl = new ShareableList(sequence);
        track(sl.shm().name(), sl.shm()::unlink);
        return sl;
    }

    private void track(String name, Runnable undo) {
        try {
            tracker().track(name);
        } catch (RuntimeException e) {
            undo.run();
            throw e;
        }
    }

    private synchronized SegmentTracker tracker() {
        if (tracker == null) {
            tracker = createWith("SegmentTracker", SegmentTracker.class);
        }
        return tracker;
    }
}
