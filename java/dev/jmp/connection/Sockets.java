package dev.jmp.connection;

import dev.jmp.blocking.Deadline;
import dev.jmp.blocking.FdWait;
import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import java.time.Duration;

/**
 * The socket calls behind {@code Listener} and {@code Client}: a listening socket, an
 * accept, a connect. Every fd made here is close-on-exec and blocking when handed out
 * (see {@link FdIo} for why blocking), and TCP ones have TCP_NODELAY: a message goes out
 * in one send, and waiting for an ACK before the next small one would only add delay.
 */
public final class Sockets {
    private Sockets() {
    }

    /**
     * {@code jmp.connection.handshakeTimeout}: seconds (or an ISO-8601 duration) a peer has
     * for the whole handshake; read at each connection, so it can be changed at run time.
     */
    public static Duration handshakeTimeout() {
        String v = System.getProperty("jmp.connection.handshakeTimeout", "20");
        try {
            if (v.startsWith("P") || v.startsWith("p")) {
                return Duration.parse(v);
            }
            return Duration.ofNanos((long) (Double.parseDouble(v) * 1e9));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("jmp.connection.handshakeTimeout: not a number of seconds or an "
                    + "ISO-8601 duration: '" + v + "'", e);
        }
    }

    /** socket + SO_REUSEADDR (TCP, as CPython's Listener) + bind + listen; the listening fd. */
    public static int listen(byte[] address, int backlog) {
        Posix posix = Posix.libc();
        int family = SockAddr.family(address);
        int fd = posix.socket(family, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0);
        try {
            if (family != Linux.AF_UNIX) {
                posix.setsockopt(fd, Linux.SOL_SOCKET, Linux.SO_REUSEADDR, 1);
            }
            posix.bind(fd, address);
            posix.listen(fd, backlog);
            return fd;
        } catch (RuntimeException e) {
            posix.close(fd);
            throw e;
        }
    }

    /**
     * Waits (interruptibly) for a client and accepts it: its fd, or -1 if the deadline
     * passed first. {@code tcp}: the listener is AF_INET/AF_INET6 (an AF_UNIX socket has
     * no TCP_NODELAY to set).
     */
    public static int accept(int listener, boolean tcp, Deadline deadline) {
        Posix posix = Posix.libc();
        while (true) {
            if (!FdWait.readable(listener, deadline, "accepting a connection")) {
                return -1;
            }
            int fd = posix.accept4(listener, Linux.SOCK_CLOEXEC);
            if (fd >= 0) {
                if (tcp) {
                    try {
                        tcpNoDelay(fd);
                    } catch (RuntimeException e) {
                        posix.close(fd);
                        throw e;
                    }
                }
                return fd;
            }
        }
    }

    /**
     * Connects a new socket to {@code address}: the connected fd. An AF_UNIX connect is
     * immediate (or refused); a TCP one is started non-blocking and waited for with poll,
     * so that a thread waiting on a distant host wakes on interrupt; the fd is made
     * blocking again before anyone else can see it.
     */
    public static int connect(byte[] address) {
        Posix posix = Posix.libc();
        int family = SockAddr.family(address);
        boolean tcp = family != Linux.AF_UNIX;
        int fd = posix.socket(family, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC | (tcp ? Linux.SOCK_NONBLOCK : 0), 0);
        try {
            if (!posix.connect(fd, address)) {
                if (!tcp) {
                    throw Errors.connectFailed(Linux.EAGAIN);
                }
                FdWait.writable(fd, Deadline.never(), "connecting");
                int error = posix.getsockopt(fd, Linux.SOL_SOCKET, Linux.SO_ERROR);
                if (error != 0) {
                    throw Errors.connectFailed(error);
                }
            }
            if (tcp) {
                posix.fcntl(fd, Linux.F_SETFL, posix.fcntl(fd, Linux.F_GETFL, 0) & ~Linux.O_NONBLOCK);
                tcpNoDelay(fd);
            }
            return fd;
        } catch (RuntimeException e) {
            posix.close(fd);
            throw e;
        }
    }

    private static void tcpNoDelay(int fd) {
        Posix.libc().setsockopt(fd, Linux.IPPROTO_TCP, Linux.TCP_NODELAY, 1);
    }
}
