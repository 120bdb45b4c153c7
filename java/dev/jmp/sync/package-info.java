/**
 * The kernel side of jmp's synchronization primitives: this process's handle on a
 * POSIX named semaphore ({@link dev.jmp.sync.NamedSemaphore}: lazy open, one handle
 * per name per process, interruptible timed waits) and a few shared ints in POSIX
 * shared memory for the Barrier ({@link dev.jmp.sync.SharedInts}, on a
 * {@link dev.jmp.shm.Segment}); who holds a Lock ({@link dev.jmp.sync.OwnerRecord})
 * and who sleeps in a Condition ({@link dev.jmp.sync.SleeperTable}), so that a dead
 * process blocks nobody. The public classes
 * in {@code dev.jmp} compose them the way CPython's {@code synchronize.py} does.
 */
package dev.jmp.sync;
