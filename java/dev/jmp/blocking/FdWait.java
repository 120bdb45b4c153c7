package dev.jmp.blocking;

import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;

/** Waits for a file descriptor to become ready, with a deadline, interruptibly. */
public final class FdWait {
    private FdWait() {
    }

    /**
     * True once {@code fd} is readable (data, end of file, or an error on it), false if
     * the deadline passes first. InterruptedError if the thread is interrupted.
     */
    public static boolean readable(int fd, Deadline deadline, String what) {
        return ready(fd, Linux.POLLIN, deadline, what);
    }

    /** True once {@code fd} is writable (or broken), false if the deadline passes first. */
    public static boolean writable(int fd, Deadline deadline, String what) {
        return ready(fd, Linux.POLLOUT, deadline, what);
    }

    private static boolean ready(int fd, short event, Deadline deadline, String what) {
        Posix posix = Posix.libc();
        int[] fds = {fd};
        short[] events = {event};
        short[] revents = new short[1];
        while (true) {
            Interrupts.check(what);
            int n = posix.poll(fds, events, revents, deadline.sliceMillis(Interrupts.SLICE_MILLIS));
            if (n > 0) {
                return true;
            }
            if (n == 0 && deadline.expired()) {
                return false;
            }
            // n == -1: EINTR; n == 0: a slice ended. Either way, the same deadline again.
        }
    }
}
