package dev.jmp.connection;

import dev.jmp.PosixException;
import dev.jmp.posix.Posix;

/**
 * Owns one file descriptor of a Connection and closes it exactly once: on an explicit
 * close, or from the Cleaner when the Connection became unreachable.
 *
 * <p>Why a use count: an fd number is reused by the kernel as soon as it is closed. If
 * one thread closed the fd while another was about to read it, the reader could end up
 * reading some file the JVM opened a moment later under the same number. So every
 * read, write and poll runs between {@link #enter()} and {@link #exit()}, and the real
 * close(2) happens when the last such user leaves. A thread blocked waiting on the fd
 * looks at {@link #closing()} between poll slices, so a close is not held up for long.
 *
 * <p>It must not refer to its Connection: it is the Cleaner's action, and a reference
 * back would keep the Connection reachable forever.
 */
public final class FdHolder implements Runnable {
    private final int fd;
    private final boolean socket;
    private int users;          // guarded by this
    private boolean closing;    // guarded by this
    private boolean closed;     // guarded by this

    /** {@code socket}: the fd is a socket (else a pipe): it decides how I/O avoids blocking (see FdIo). */
    public FdHolder(int fd, boolean socket) {
        this.fd = fd;
        this.socket = socket;
    }

    public int fd() {
        return fd;
    }

    public boolean socket() {
        return socket;
    }

    /** Registers a user of the fd; false if the fd is closed or closing. */
    public synchronized boolean enter() {
        if (closing) {
            return false;
        }
        users++;
        return true;
    }

    public void exit() {
        boolean last;
        synchronized (this) {
            users--;
            last = closing && users == 0 && !closed;
            if (last) {
                closed = true;
            }
        }
        if (last) {
            closeQuietly();
        }
    }

    public synchronized boolean closing() {
        return closing;
    }

    /** Closes now, or when the last user leaves. Idempotent. */
    public void close() {
        boolean now;
        synchronized (this) {
            closing = true;
            now = users == 0 && !closed;
            if (now) {
                closed = true;
            }
        }
        if (now) {
            closeQuietly();
        }
    }

    /** The Cleaner's entry: the Connection is unreachable, so nobody is using the fd. */
    @Override
    public void run() {
        close();
    }

    private void closeQuietly() {
        try {
            Posix.libc().close(fd);
        } catch (PosixException ignored) {
            // EBADF would mean someone else closed our fd; nothing useful to do here.
        }
    }
}
