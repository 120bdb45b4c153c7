package dev.jmp.spawn;

import dev.jmp.PosixException;
import dev.jmp.blocking.Deadline;
import dev.jmp.blocking.FdWait;
import dev.jmp.blocking.Interrupts;
import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import dev.jmp.posix.WaitStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * The parent's handle on one child JVM, as CPython's {@code popen_spawn_posix.Popen}:
 * its pid, its sentinel, and the exit code once reaped.
 *
 * <p>Two pipes connect parent and child. The <em>payload</em> pipe carries the
 * serialized Process to the child's fd 3; afterwards the parent keeps its write end
 * open and never writes again, so the child sees end of file there exactly when the
 * parent is gone (that is how a daemon child learns its parent died, even by SIGKILL).
 * The <em>sentinel</em> pipe runs the other way: the child holds the write end at fd 4
 * without ever using it, so the parent's read end becomes readable when the child
 * exits, whatever the cause. join(timeout) polls that fd; waitpid only ever reaps a
 * child whose sentinel fired (or with WNOHANG), so no thread blocks in waitpid.
 */
public final class Popen {

    private final int pid;
    private final int sentinel;
    private final int payloadWriter;
    private boolean payloadClosed;  // guarded by this
    private Integer returncode;     // guarded by this
    private boolean closed;         // guarded by this

    private Popen(int pid, int sentinel, int payloadWriter) {
        this.pid = pid;
        this.sentinel = sentinel;
        this.payloadWriter = payloadWriter;
    }

    /**
     * Spawns a child JVM running {@link Bootstrap}, hands it {@code inherited} fds from
     * fd 5 on, and writes {@code payload} (the serialized Process) to it.
     */
    public static Popen spawn(String java, byte[] payload, List<Integer> inherited) {
        Popen popen = boot(JavaCommand.argv(java), inherited);
        popen.send(payload);
        return popen;
    }

    /**
     * Spawns a child JVM that waits on fd 3 for its Process: {@link #send} gives it one.
     * The warm start method boots children this way ahead of time.
     */
    static Popen boot(List<String> argv, List<Integer> inherited) {
        Posix posix = Posix.libc();
        int[] payloadPipe = posix.pipe2(Linux.O_CLOEXEC);
        int[] sentinelPipe;
        try {
            sentinelPipe = posix.pipe2(Linux.O_CLOEXEC);
        } catch (RuntimeException e) {
            closeAll(payloadPipe[0], payloadPipe[1]);
            throw e;
        }
        List<Integer> sources = new ArrayList<>();
        sources.add(payloadPipe[0]);    // child fd 3
        sources.add(sentinelPipe[1]);   // child fd 4
        sources.addAll(inherited);      // child fd 5...
        int pid;
        try {
            pid = ChildSpawn.spawn(argv, sources);
        } catch (RuntimeException e) {
            closeAll(payloadPipe[1], sentinelPipe[0]);
            throw e;
        } finally {
            // The child has its own copies now (or there is no child). Each fd is closed
            // exactly once: a second close could hit an fd another thread just opened.
            closeAll(payloadPipe[0], sentinelPipe[1]);
        }
        ProcessLog.debug("spawned child pid {0}", pid);
        return new Popen(pid, sentinelPipe[0], payloadPipe[1]);
    }

    /** Length-prefixed ({@link PayloadPipe}), so the child knows where the payload ends and the silence starts. */
    public void send(byte[] payload) {
        if (!write(PayloadPipe.processFrame(payload))) {
            // The child died before reading its task (a bad JVM option, say); its exit
            // code tells the story, as it does when the whole payload fit in the pipe.
            ProcessLog.debug("child pid {0} exited before reading its task", pid);
        }
    }

    /** To an idle warm child: rehearse this shape. False if the child is gone. */
    boolean sendRehearsal(byte[] script) {
        return write(PayloadPipe.rehearsalFrame(script));
    }

    /** To a booting warm child: say ready once everything sent before is done. */
    boolean requestReady() {
        return write(PayloadPipe.readyFrame());
    }

    /** The whole frame, or false on EPIPE (the child is gone). */
    private boolean write(byte[] frame) {
        Posix posix = Posix.libc();
        int off = 0;
        try {
            while (off < frame.length) {
                off += posix.write(payloadWriter, frame, off, frame.length - off);
            }
            return true;
        } catch (PosixException e) {
            if (e.errno() != Linux.EPIPE) {
                throw e;
            }
            return false;
        }
    }

    public int pid() {
        return pid;
    }

    public int sentinel() {
        return sentinel;
    }

    /** The exit code if the child has ended (reaping it), else null. */
    public synchronized Integer poll() {
        if (returncode == null) {
            int[] status = new int[1];
            int r;
            try {
                r = Posix.libc().waitpid(pid, status, Linux.WNOHANG);
            } catch (PosixException e) {
                if (e.errno() != Linux.ECHILD) {
                    throw e;
                }
                return null;   // reaped by someone else's waitpid(-1): nothing to learn
            }
            if (r == pid) {
                returncode = WaitStatus.toExitcode(status[0]);
                ProcessLog.debug("child pid {0} exited with exitcode {1}", pid, returncode);
                ChildExitEvent event = new ChildExitEvent();
                if (event.isEnabled()) {
                    event.pid = pid;
                    event.exitCode = returncode;
                    event.commit();
                }
            }
        }
        return returncode;
    }

    /** Waits until the child ends or the deadline passes; the exit code or null. */
    public Integer await(Deadline deadline) {
        Integer code = poll();
        if (code != null) {
            return code;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("process object is closed");
            }
        }
        if (!FdWait.readable(sentinel, deadline, "waiting for child pid " + pid)) {
            return null;
        }
        // The sentinel fires as the kernel closes the child's fds, a moment before it
        // becomes a zombie: wait for that moment without blocking in waitpid (which
        // would hold this lock, or race another thread's poll). A child that closed fd 4
        // itself and lives on is waited for politely, not spun on.
        for (int spins = 0; ; spins++) {
            code = poll();
            if (code != null) {
                return code;
            }
            if (spins < 100) {
                Thread.yield();
                continue;
            }
            if (deadline.expired()) {
                return null;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                throw Interrupts.interrupted("waiting for child pid " + pid);
            }
        }
    }

    public void terminate() {
        signal(Linux.SIGTERM);
    }

    public void kill() {
        signal(Linux.SIGKILL);
    }

    /** Only while unreaped: until waitpid the pid is ours and cannot be reused. */
    private synchronized void signal(int sig) {
        if (poll() != null) {
            return;
        }
        try {
            Posix.libc().kill(pid, sig);
        } catch (PosixException e) {
            if (e.errno() != Linux.ESRCH) {
                throw e;
            }
        }
    }

    /** Releases the fds. Only for an ended child. */
    public synchronized void close() {
        if (!closed) {
            closed = true;
            closePayload();
            closeAll(sentinel);
        }
    }

    /** The child sees end of file on fd 3: an idle warm child exits, a daemon child too. */
    synchronized void closePayload() {
        if (!payloadClosed) {
            payloadClosed = true;
            closeAll(payloadWriter);
        }
    }

    private static void closeAll(int... fds) {
        for (int fd : fds) {
            try {
                Posix.libc().close(fd);
            } catch (PosixException ignored) {
                // Nothing useful to do with a failed close of our own fd.
            }
        }
    }
}
