package dev.jmp.blocking;

import java.time.Duration;

/**
 * A point on the monotonic clock ({@link System#nanoTime()}) by which a blocking
 * call must return. Every retry after EINTR or a wake-up reuses the same Deadline,
 * so a timeout is never restarted.
 */
public final class Deadline {
    private static final Deadline NEVER = new Deadline(Long.MAX_VALUE, true);

    private final long at;
    private final boolean never;

    private Deadline(long at, boolean never) {
        this.at = at;
        this.never = never;
    }

    public static Deadline never() {
        return NEVER;
    }

    /** A deadline {@code timeout} from now; a negative timeout is already expired. */
    public static Deadline after(Duration timeout) {
        if (timeout == null) {
            return NEVER;
        }
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return timeout.isNegative() ? new Deadline(System.nanoTime(), false) : NEVER;
        }
        long now = System.nanoTime();
        long at = now + Math.max(nanos, 0);
        if (at < now) {          // overflow: hundreds of years away
            return NEVER;
        }
        return new Deadline(at, false);
    }

    public boolean isNever() {
        return never;
    }

    /** The deadline on {@link System#nanoTime()}'s clock; Long.MAX_VALUE for never. */
    public long atNanos() {
        return at;
    }

    /** Nanoseconds left, at least 0; Long.MAX_VALUE for never. */
    public long remainingNanos() {
        return never ? Long.MAX_VALUE : Math.max(0, at - System.nanoTime());
    }

    public boolean expired() {
        return !never && at - System.nanoTime() <= 0;
    }

    /**
     * Milliseconds to the deadline, rounded up, but at most {@code slice}: the longest
     * a thread sleeps in the kernel before it looks at its interrupt flag again.
     */
    public int sliceMillis(int slice) {
        if (never) {
            return slice;
        }
        long ms = (remainingNanos() + 999_999) / 1_000_000;
        return (int) Math.min(ms, slice);
    }
}
