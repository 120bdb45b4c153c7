package dev.jmp.pool;

import dev.jmp.blocking.Deadline;
import dev.jmp.blocking.Interrupts;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What a caller waits on: the results of one apply, map or imap call, filled in task
 * by task ({@link #deliver}) by the pool's result thread, or by the pool itself when
 * a task fails without a result. An interface, so that the AsyncResult ones can extend
 * {@link Result}, which the cluster module's pool shares.
 */
interface Job {
    /** The job's number in its pool (tasks name it on the wire). */
    long id();

    /**
     * Task {@code index} of this job has ended. Called with the pool's lock held: must be
     * quick, and must never call back into the pool (lock order: pool, then job).
     */
    void deliver(int index, Outcome outcome);

    /** Waits for the latch until the deadline; InterruptedError (flag set again) if interrupted. */
    static boolean await(CountDownLatch latch, Deadline deadline, String what) {
        try {
            if (deadline.isNever()) {
                latch.await();
                return true;
            }
            return latch.await(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            throw Interrupts.interrupted(what);
        }
    }
}
