package dev.jmp;

import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import java.util.Objects;

/**
 * A pair of connected {@link Connection}s: Python's {@code multiprocessing.Pipe()}.
 *
 * <p>Duplex ({@link #open()}): both ends send and receive. It is one AF_UNIX
 * {@code socketpair}, as CPython's on Linux. Measured in one JVM (two threads,
 * non-blocking fds, direct buffers through jnr-ffi; 2-core VM): a 64-byte round trip
 * takes 6.2-9 us on a pair of pipes and 8.8-12 us on a socketpair, but one-way bulk
 * moves 3-4.4 GB/s through a pipe (5.6 GB/s with a 1 MiB pipe buffer) and 6-9.3 GB/s
 * through a socketpair. The socketpair is taken: it is twice as fast where time is
 * large (big messages), ~30% slower only where a round trip is dominated by the
 * wake-up anyway, and it needs two fds instead of four.
 *
 * <p>Simplex ({@link #open(boolean) open(false)}): one {@code pipe2}; {@link #conn1()}
 * only receives, {@link #conn2()} only sends.
 *
 * <p>Both fds are close-on-exec (a child gets only what its target captures) and
 * blocking: a Python process that holds one reads it as it reads its own. jmp never
 * blocks in the kernel on them anyway (see {@code dev.jmp.connection.FdIo}).
 */
public record Pipe(Connection conn1, Connection conn2) implements AutoCloseable {

    public Pipe {
        Objects.requireNonNull(conn1, "conn1");
        Objects.requireNonNull(conn2, "conn2");
    }

    /** A duplex pipe. */
    public static Pipe open() {
        return open(true);
    }

    /** {@code duplex == false}: conn1 only receives, conn2 only sends. */
    public static Pipe open(boolean duplex) {
        Posix posix = Posix.libc();
        if (duplex) {
            int[] s = posix.socketpair(Linux.AF_UNIX, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0);
            return new Pipe(Connection.adopt(s[0], true, true, true), Connection.adopt(s[1], true, true, true));
        }
        int[] p = posix.pipe2(Linux.O_CLOEXEC);
        return new Pipe(Connection.adopt(p[0], true, false, false), Connection.adopt(p[1], false, true, false));
    }

    /** Closes both ends held by this process. */
    @Override
    public void close() {
        conn1.close();
        conn2.close();
    }
}
