package dev.jmp.manager;

/** A SharedMemoryManager's record of the blocks made through it (CPython's {@code track_segment}). */
public interface SegmentTracker {
    void track(String name);
}
