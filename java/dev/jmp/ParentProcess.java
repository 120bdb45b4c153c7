package dev.jmp;

import dev.jmp.blocking.Deadline;
import dev.jmp.blocking.FdWait;
import dev.jmp.spawn.FdHandover;
import java.time.Duration;

/**
 * Python's {@code _ParentProcess}: in a child, {@link Multiprocessing#parentProcess()}.
 * Its sentinel is the payload pipe, which the parent holds open, silent, for the
 * child's whole life: readable (end of file) exactly when the parent is gone, so
 * join() and isAlive() poll it.
 */
final class ParentProcess extends Process {
    private static final long serialVersionUID = 1L;

    private final int pid;

    ParentProcess(String name, int pid) {
        super(name, pid, FdHandover.PAYLOAD_FD);
        this.pid = pid;
    }

    @Override
    public void join(Duration timeout) {
        checkClosed();
        FdWait.readable(sentinel(), Deadline.after(timeout), "joining the parent process");
    }

    @Override
    public boolean isAlive() {
        checkClosed();
        return !FdWait.readable(sentinel(), Deadline.after(Duration.ZERO), "polling the parent process");
    }

    @Override
    public Integer pid() {
        checkClosed();
        return pid;
    }

    @Override
    public void setDaemon(boolean daemon) {
        throw new IllegalStateException("cannot change the daemon flag of " + name());
    }

    @Override
    String label() {
        return "_ParentProcess";
    }
}
