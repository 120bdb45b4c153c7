package dev.jmp.blocking;

import dev.jmp.InterruptedError;

/**
 * How jmp's blocking calls honour {@link Thread#interrupt()}.
 *
 * <p>Why slices: a thread blocked in poll(2), sem_clockwait(3) or mq_timedreceive(3)
 * is not woken by Thread.interrupt(): only the JDK's own channels get that wake-up,
 * through a hook that is not open to libraries. So every blocking call waits in the
 * kernel for at most {@link #SLICE_MILLIS} at a time and looks at the interrupt flag
 * between slices. The cost is a handful of wake-ups a second per blocked thread; the
 * gain is that an interrupt is honoured within one slice, as API.md promises.
 */
public final class Interrupts {
    private Interrupts() {
    }

    /** Longest kernel wait between two looks at the interrupt flag. */
    public static final int SLICE_MILLIS = 50;

    /** Throws InterruptedError, flag set again, if this thread has been interrupted. */
    public static void check(String what) {
        if (Thread.interrupted()) {
            throw interrupted(what);
        }
    }

    public static InterruptedError interrupted(String what) {
        Thread.currentThread().interrupt();
        return new InterruptedError("interrupted while " + what);
    }
}
