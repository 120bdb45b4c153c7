package dev.jmp.connection;

import dev.jmp.blocking.Deadline;
import dev.jmp.blocking.FdWait;
import dev.jmp.blocking.Interrupts;
import java.time.Duration;

/**
 * Waiting for a Connection's fd, interruptibly and without outliving a close.
 *
 * <p>Why the fds are non-blocking: a thread inside a blocking read(2) or write(2)
 * cannot be woken by Thread.interrupt(), and a writer blocked on a full pipe whose
 * reader is itself blocked writing to us would be a deadlock nobody can break. So every
 * Connection fd has O_NONBLOCK; a read or write that would block returns EAGAIN and the
 * thread waits here with poll(2), one {@link Interrupts#SLICE_MILLIS} slice at a time
 * (through {@link FdWait}), looking at its interrupt flag and at a concurrent close
 * between slices. O_NONBLOCK belongs to the open file, so the copy a child inherits is
 * non-blocking too; jmp's own code everywhere copes with that. Code that takes
 * {@code fileno()} and reads it with blocking expectations must cope as well.
 */
final class FdIo {
    private FdIo() {
    }

    private static final Duration SLICE = Duration.ofMillis(Interrupts.SLICE_MILLIS);

    /** Waits until {@code holder}'s fd is readable (or writable); never gives up. */
    static void await(FdHolder holder, boolean write, String what) {
        await(holder, write, Deadline.never(), what);
    }

    /** True once ready, false when the deadline passes first. */
    static boolean await(FdHolder holder, boolean write, Deadline deadline, String what) {
        while (true) {
            Deadline slice = deadline.isNever() || deadline.remainingNanos() > SLICE.toNanos()
                    ? Deadline.after(SLICE) : deadline;
            boolean ready = write
                    ? FdWait.writable(holder.fd(), slice, what)
                    : FdWait.readable(holder.fd(), slice, what);
            if (ready) {
                return true;
            }
            if (holder.closing()) {
                throw new IllegalStateException("connection closed by another thread while " + what);
            }
            if (deadline.expired()) {
                return false;
            }
        }
    }
}
