package dev.jmp.connection;

import dev.jmp.PosixException;
import dev.jmp.TimeoutError;
import dev.jmp.blocking.Deadline;
import dev.jmp.blocking.FdWait;
import dev.jmp.blocking.Interrupts;
import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Reading and writing a Connection's fd without ever blocking in the kernel, while the
 * fd itself stays blocking.
 *
 * <p>Why jmp never blocks in read(2) or write(2): a thread inside one cannot be woken
 * by Thread.interrupt(), and a writer blocked on a full pipe whose reader is itself
 * blocked writing to us would be a deadlock nobody can break. So every read or write
 * returns at once when it would block, and the thread waits here with poll(2), one
 * {@link Interrupts#SLICE_MILLIS} slice at a time (through {@link FdWait}), looking at
 * its interrupt flag and at a concurrent close between slices.
 *
 * <p>Why not O_NONBLOCK: that flag belongs to the open file description, which every
 * process holding the fd shares: a Python child reading an inherited jmp fd would get
 * BlockingIOError from {@code recv_bytes}. So the fds stay blocking for everybody and
 * jmp asks for non-blocking behaviour per call: {@code MSG_DONTWAIT} on a socket,
 * {@code preadv2}/{@code pwritev2} with {@code RWF_NOWAIT} on a pipe. A kernel that
 * does not take RWF_NOWAIT on pipes (found once, by a probe) gets poll(0) then one
 * read, or one write of at most PIPE_BUF bytes: after poll says ready, neither blocks
 * unless another process takes the data or the room first.
 */
final class FdIo {
    private FdIo() {
    }

    private static final Duration SLICE = Duration.ofMillis(Interrupts.SLICE_MILLIS);
    private static final int PIPE_BUF = 4096;

    /** Whether this kernel honours RWF_NOWAIT on a pipe (probed on first use). */
    private static final class NoWait {
        static final boolean PIPES = probe();

        private static boolean probe() {
            Posix posix = Posix.libc();
            int[] p = posix.pipe2(Linux.O_CLOEXEC);
            try {
                return posix.preadv2(p[0], ByteBuffer.allocateDirect(1), -1, Linux.RWF_NOWAIT) == -1;
            } catch (PosixException unsupported) {
                return false;
            } finally {
                posix.close(p[0]);
                posix.close(p[1]);
            }
        }
    }

    /**
     * {@code jmp.connection.ioChunk}: the most bytes one read or write call moves; 0 (the
     * default) lets the kernel move as much as it can in one call. See benchmarks/README.md,
     * "Big data: Pipe", for why.
     */
    static final int CHUNK = Integer.getInteger("jmp.connection.ioChunk", 0);

    /** One read that never blocks: bytes read, 0 at end of file, -1 when nothing is there yet. */
    static int read(FdHolder holder, ByteBuffer buf) {
        return chunked(holder, buf, false);
    }

    /**
     * One write (or read) on at most {@link #CHUNK} bytes of {@code buf}. A flag, not a
     * method reference: every young process that uses a Connection would link two lambdas.
     */
    private static int chunked(FdHolder holder, ByteBuffer buf, boolean write) {
        if (CHUNK <= 0 || buf.remaining() <= CHUNK) {
            return write ? writeOnce(holder, buf) : readOnce(holder, buf);
        }
        int limit = buf.limit();
        buf.limit(buf.position() + CHUNK);
        try {
            return write ? writeOnce(holder, buf) : readOnce(holder, buf);
        } finally {
            buf.limit(limit);
        }
    }

    private static int readOnce(FdHolder holder, ByteBuffer buf) {
        Posix posix = Posix.libc();
        int fd = holder.fd();
        if (holder.socket()) {
            return posix.recv(fd, buf, Linux.MSG_DONTWAIT);
        }
        if (NoWait.PIPES) {
            return posix.preadv2(fd, buf, -1, Linux.RWF_NOWAIT);
        }
        return ready(fd, Linux.POLLIN) ? posix.read(fd, buf) : -1;
    }

    /** One write that never blocks: bytes written (maybe fewer than asked), -1 when the fd is full. */
    static int write(FdHolder holder, ByteBuffer buf) {
        return chunked(holder, buf, true);
    }

    private static int writeOnce(FdHolder holder, ByteBuffer buf) {
        Posix posix = Posix.libc();
        int fd = holder.fd();
        if (holder.socket()) {
            return posix.send(fd, buf, Linux.MSG_DONTWAIT | Linux.MSG_NOSIGNAL);
        }
        if (NoWait.PIPES) {
            return posix.pwritev2(fd, buf, -1, Linux.RWF_NOWAIT);
        }
        if (!ready(fd, Linux.POLLOUT)) {
            return -1;
        }
        int limit = buf.limit();
        buf.limit(buf.position() + Math.min(buf.remaining(), PIPE_BUF));
        try {
            return posix.write(fd, buf);
        } finally {
            buf.limit(limit);
        }
    }

    private static boolean ready(int fd, short event) {
        short[] revents = new short[1];
        return Posix.libc().poll(new int[] {fd}, new short[] {event}, revents, 0) > 0;
    }

    /** Waits until {@code holder}'s fd is readable (or writable); never gives up. */
    static void await(FdHolder holder, boolean write, String what) {
        await(holder, write, Deadline.never(), what);
    }

    /** Waits as {@link #await(FdHolder, boolean, String)}; TimeoutError when the deadline passes first. */
    static void awaitOrTimeout(FdHolder holder, boolean write, Deadline deadline, String what) {
        if (!await(holder, write, deadline, what)) {
            throw new TimeoutError("timed out " + what);
        }
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
