package dev.jmp.bench;

import dev.jmp.SemLock;
import dev.jmp.Semaphore;
import dev.jmp.Task;
import dev.jmp.Value;

/**
 * The targets the benchmarks run in child processes. A serialized lambda names the
 * class it was written in, and the child loads that class to rebuild it: keeping the
 * lambdas here, in a class that references nothing of JMH, keeps the child's class
 * loading to what a user's small target would cost.
 */
final class ChildTargets {
    private ChildTargets() {
    }

    static Task noop() {
        return () -> { };
    }

    /**
     * The usual shape of a target, a lambda that captured plain values (here the FIFO's
     * path, a String), as Python's {@code Process(target=f, args=(path,))}: a spawned
     * child gets it as a direct payload, without Java serialization.
     */
    static Task firstLine(FirstLineFifo out) {
        String path = out.path();
        return () -> FirstLineFifo.signal(path);
    }

    /** The same, capturing the FirstLineFifo object: sent by Java serialization. */
    static Task firstLineCapturingAnObject(FirstLineFifo out) {
        return () -> out.signal();
    }

    /** The same, after acquiring and releasing a Lock: the child binds the native layer first. */
    static Task firstLineAfterLock(FirstLineFifo out, dev.jmp.Lock lock) {
        String path = out.path();
        return () -> {
            lock.acquire();
            lock.release();
            FirstLineFifo.signal(path);
        };
    }

    /**
     * The partner of SharedMemoryBench.valueLockedIncrement: at each {@code go}, the
     * same batch of locked increments as the benchmark thread, then {@code done};
     * returns when {@code stop} is set (checked after each go).
     */
    static Task lockedIncrementPartner(Value counter, Semaphore go, Semaphore done, Value stop) {
        return () -> {
            while (true) {
                go.acquire();
                if (stop.value().intValue() != 0) {
                    return;
                }
                lockedIncrements(counter, Workloads.INCREMENTS_PER_PROCESS);
                done.release();
            }
        };
    }

    /** CPython's {@code with v.get_lock(): v.value += 1}, n times. */
    static void lockedIncrements(Value v, int n) {
        SemLock lock = v.getLock();
        for (int i = 0; i < n; i++) {
            lock.acquire();
            try {
                v.setValue(v.value().intValue() + 1);
            } finally {
                lock.release();
            }
        }
    }
}
