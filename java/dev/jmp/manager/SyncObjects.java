package dev.jmp.manager;

import dev.jmp.BrokenBarrierError;
import dev.jmp.SyncManager;
import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The objects behind a SyncManager's Event, Semaphore and Barrier proxies: Python's
 * {@code threading} objects, built on {@code java.util.concurrent}, called by the
 * server's connection threads.
 */
final class SyncObjects {
    private SyncObjects() {
    }

    /** Python's threading.Event. */
    static final class Event implements SyncManager.EventProxy {
        private boolean flag;   // guarded by this

        @Override
        public synchronized boolean isSet() {
            return flag;
        }

        @Override
        public synchronized void set() {
            flag = true;
            notifyAll();
        }

        @Override
        public synchronized void clear() {
            flag = false;
        }

        @Override
        public synchronized void await() {
            while (!flag) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new dev.jmp.InterruptedError("interrupted while waiting for an event", e);
                }
            }
        }

        @Override
        public synchronized boolean await(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!flag) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new dev.jmp.InterruptedError("interrupted while waiting for an event", e);
                }
            }
            return true;
        }
    }

    /** Python's threading.Semaphore (unbounded releases, as Python's). */
    static final class Sem implements SyncManager.SemaphoreProxy {
        private final Semaphore s;

        Sem(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("semaphore initial value must be >= 0");
            }
            s = new Semaphore(value);
        }

        @Override
        public void acquire() {
            s.acquireUninterruptibly();
        }

        @Override
        public boolean acquire(Duration timeout) {
            try {
                return s.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new dev.jmp.InterruptedError("interrupted while acquiring a semaphore", e);
            }
        }

        @Override
        public void release() {
            s.release();
        }

        @Override
        public int getValue() {
            return s.availablePermits();
        }
    }

    /** Python's managers.Value: one value of any kind, read and written whole. */
    static final class Val implements SyncManager.ValueProxy {
        private Object value;   // guarded by this

        Val(Object value) {
            this.value = value;
        }

        @Override
        public synchronized Object value() {
            return value;
        }

        @Override
        public synchronized void setValue(Object v) {
            value = v;
        }

        @Override
        public synchronized String toString() {
            return "Value(" + value + ")";
        }
    }

    /**
     * Python's threading.Barrier: arrival index 0 for the first, broken on a timeout;
     * {@code reset()} breaks the parties waiting and makes it usable again.
     */
    static final class Barrier implements SyncManager.BarrierProxy {
        private final CyclicBarrier b;

        Barrier(int parties) {
            if (parties < 1) {
                throw new IllegalArgumentException("parties must be > 0");
            }
            b = new CyclicBarrier(parties);
        }

        @Override
        public int await() {
            try {
                return b.getParties() - 1 - b.await();
            } catch (BrokenBarrierException | InterruptedException e) {
                throw new BrokenBarrierError();
            }
        }

        @Override
        public int await(Duration timeout) {
            try {
                return b.getParties() - 1 - b.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (BrokenBarrierException | InterruptedException | TimeoutException e) {
                throw new BrokenBarrierError();
            }
        }

        @Override
        public void reset() {
            b.reset();
        }

        @Override
        public int parties() {
            return b.getParties();
        }

        @Override
        public int nWaiting() {
            return b.getNumberWaiting();
        }

        @Override
        public boolean broken() {
            return b.isBroken();
        }
    }
}
