package dev.jmp.cluster;

import com.hazelcast.map.IMap;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A cluster-wide lock: a lock on one entry of an IMap, with a lease. Hazelcast's own
 * {@code FencedLock} lives in its CP subsystem, which the community edition no longer
 * offers (enterprise-only since 5.5); an IMap entry lock is what the community edition
 * has. It is held by the thread that took it (re-entrant), and the lease bounds how
 * long: a holder that dies or forgets releases it when the lease ends, so the cluster
 * never stays locked by a process that is gone. Unlike a FencedLock it gives no fencing
 * token: a holder paused past its lease may still act as if it held the lock.
 */
public final class ClusterLock {
    /** The IMap whose entries are the locks. */
    static final String MAP = "jmp-locks";

    private final IMap<String, Boolean> map;
    private final String name;

    ClusterLock(IMap<String, Boolean> map, String name) {
        this.map = map;
        this.name = name;
    }

    /**
     * Waits for the lock and holds it for at most {@code lease}: a {@code multiprocessing.Lock}'s
     * {@code acquire()}, across machines.
     *
     * @param lease how long the lock is held at most, if not released before
     */
    public void acquire(Duration lease) {
        map.lock(name, lease.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Tries for {@code timeout}; if it gets the lock, holds it for at most {@code lease}:
     * Python's {@code acquire(timeout=t)}.
     *
     * @param timeout the longest wait
     * @param lease how long the lock is held at most, if not released before
     * @return true if acquired
     */
    public boolean tryAcquire(Duration timeout, Duration lease) {
        try {
            return map.tryLock(name, timeout.toMillis(), TimeUnit.MILLISECONDS, lease.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.jmp.InterruptedError("interrupted waiting for cluster lock " + name);
        }
    }

    /** Releases it (Python's {@code release()}); IllegalMonitorStateException if this thread does not hold it. */
    public void release() {
        map.unlock(name);
    }

    /**
     * Python's {@code Lock} has no such query.
     *
     * @return true if any thread of the cluster holds it now
     */
    public boolean isLocked() {
        return map.isLocked(name);
    }
}
