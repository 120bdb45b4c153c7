package dev.jmp;

import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import java.util.Objects;

/**
 * A pair of connected {@link Connection}s: Python's {@code multiprocessing.Pipe()}.
 *
 * <p>Duplex ({@link #open()}): both ends send and receive. It is one AF_UNIX
 * {@code socketpair}, as CPython's on Linux, rather than a pair of pipes: measured,
 * a socketpair moves bulk data about twice as fast, is slower only on small round
 * trips, where the wake-up dominates anyway, and needs two fds instead of four.
 *
 * <p>Simplex ({@link #open(boolean) open(false)}): one {@code pipe2}; {@link #conn1()}
 * only receives, {@link #conn2()} only sends.
 *
 * <p>Both fds are close-on-exec (a child gets only what its target captures) and
 * blocking: a Python process that holds one reads it as it reads its own. jmp never
 * blocks in the kernel on them anyway (see {@code dev.jmp.connection.FdIo}).
 *
 * @param conn1 Python's first end: receive-only for a simplex pipe
 * @param conn2 Python's second end: send-only for a simplex pipe
 */
public record Pipe(Connection conn1, Connection conn2) implements AutoCloseable {

    /**
     * Pairs two connections (neither null); {@link #open()} makes connected ones.
     *
     * @param conn1 the first end
     * @param conn2 the second end
     */
    public Pipe {
        Objects.requireNonNull(conn1, "conn1");
        Objects.requireNonNull(conn2, "conn2");
    }

    /**
     * A duplex pipe: Python's {@code Pipe()}.
     *
     * @return two ends that both send and receive
     */
    public static Pipe open() {
        return open(true);
    }

    /**
     * Python's {@code Pipe(duplex)}.
     *
     * @param duplex true: both ends send and receive; false: conn1 only receives, conn2 only sends
     * @return the two ends
     */
    public static Pipe open(boolean duplex) {
        Posix posix = Posix.libc();
        if (duplex) {
            int[] s = posix.socketpair(Linux.AF_UNIX, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0);
            return new Pipe(Connection.adopt(s[0], true, true, true), Connection.adopt(s[1], true, true, true));
        }
        int[] p = posix.pipe2(Linux.O_CLOEXEC);
        return new Pipe(Connection.adopt(p[0], true, false, false), Connection.adopt(p[1], false, true, false));
    }

    /** Closes both ends held by this process (Python has no such call: {@code conn1.close(); conn2.close()}). */
    @Override
    public void close() {
        conn1.close();
        conn2.close();
    }
}
