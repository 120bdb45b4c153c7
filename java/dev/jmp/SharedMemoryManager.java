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

    /** A manager with a fresh AF_UNIX address and a random authkey: Python's {@code SharedMemoryManager()}. */
    public SharedMemoryManager() {
        this(null, null);
    }

    /**
     * Python's {@code SharedMemoryManager(address, authkey)}.
     *
     * @param address as {@link BaseManager#BaseManager(Object, byte[])} takes it
     * @param authkey as {@link BaseManager#BaseManager(Object, byte[])} takes it
     */
    public SharedMemoryManager(Object address, byte[] authkey) {
        super(address, authkey);
        registerBuiltins(dev.jmp.manager.Builtins.SHARED_MEMORY);
    }

    /**
     * A new block, tracked by the manager: Python's {@code smm.SharedMemory(size)}.
     *
     * @param size its size in bytes
     * @return the block, made in this process
     */
    public SharedMemory sharedMemory(int size) {
        SharedMemory shm = new SharedMemory(null, true, size);
        track(shm.name(), shm::unlink);
        return shm;
    }

    /**
     * A new list, tracked by the manager: Python's {@code smm.ShareableList(sequence)}.
     *
     * @param sequence the items
     * @return the list, made in this process
     */
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
