package dev.jmp.connection;

import dev.jmp.PosixException;
import dev.jmp.ProcessError;
import dev.jmp.blocking.Deadline;
import dev.jmp.blocking.FdWait;
import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import dev.jmp.resource.Log;
import java.io.Serializable;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lends file descriptors to other processes: how a Connection or a Listener sent through
 * a Connection, a Queue or a Pool arrives usable. CPython's {@code resource_sharer}.
 *
 * <p>An fd cannot be written into a message; only the kernel can copy it into another
 * process, with SCM_RIGHTS over an AF_UNIX socket. So when an fd-backed object is
 * serialized outside a spawn, {@link #share(int)} keeps a duplicate of the fd in this
 * process under a random 128-bit ticket and writes the {@link Ticket} (this process's
 * sharer address and the ticket) into the message. Whoever deserializes it connects to
 * the address, sends the ticket and gets the duplicate back by SCM_RIGHTS
 * ({@link Ticket#fetch()}); the sharer then closes its copy.
 *
 * <pre>
 * receiver                                 sharer thread (jmp-sharer, in the sending process)
 *   connect("\0jmp-sharer.&lt;pid&gt;.&lt;random&gt;")  -->  accept
 *   ticket (16 bytes)                  -->  look up and forget the duplicate
 *                                     &lt;--  1 byte (1: here it is, 0: unknown ticket) + SCM_RIGHTS fd
 * </pre>
 *
 * <p>Lifetime, as CPython's: the duplicate is held until it is fetched, so the sender may
 * close its own end right after sending. A ticket is good for one fetch. A message that
 * is never received leaves its duplicate here until this process exits. If the sending
 * process exits first, the fetch fails with ProcessError naming it.
 *
 * <p>Who may fetch: anyone who can reach the abstract socket (this network namespace)
 * and knows a ticket, which only travels inside the message itself. Abstract names
 * leave no file behind. The thread is a daemon started on first use; it serves one
 * fetch at a time, each bounded by {@link #FETCH_TIMEOUT}.
 */
public final class FdSharer {
    private FdSharer() {
    }

    private static final Log LOG = new Log("dev.jmp.connection.FdSharer");
    private static final int TICKET_BYTES = 16;
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private static final ConcurrentHashMap<String, Integer> LENT = new ConcurrentHashMap<>();
    private static String address;      // guarded by FdSharer.class; null until started

    /** What travels in place of an fd: where to fetch it and the ticket that names it. */
    public record Ticket(String address, String ticket, int pid) implements Serializable {
        private static final long serialVersionUID = 1L;

        /** Fetches the fd (close-on-exec, now owned by the caller); ProcessError if it is not offered. */
        public int fetch() {
            Posix posix = Posix.libc();
            int sock = posix.socket(Linux.AF_UNIX, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0);
            try {
                try {
                    posix.connect(sock, SockAddr.unix(address));
                } catch (PosixException e) {
                    throw new ProcessError("cannot receive a shared fd: process " + pid
                            + " that sent it no longer offers it (it has exited?): " + e.getMessage(), e);
                }
                byte[] t = HEX.parseHex(ticket);
                posix.sendmsg(sock, t, 0, t.length, new int[0], Linux.MSG_NOSIGNAL);
                byte[] status = new byte[1];
                int[] fd = {-1};
                Deadline deadline = Deadline.after(FETCH_TIMEOUT);
                int n;
                while ((n = posix.recvmsg(sock, status, 0, 1, fd, Linux.MSG_CMSG_CLOEXEC | Linux.MSG_DONTWAIT)) < 0) {
                    if (!FdWait.readable(sock, deadline, "receiving a shared fd") && deadline.expired()) {
                        throw new ProcessError("cannot receive a shared fd: process " + pid + " did not answer");
                    }
                }
                if (n == 1 && status[0] == 1 && fd[0] >= 0) {
                    return fd[0];
                }
                if (fd[0] >= 0) {
                    posix.close(fd[0]);
                }
                throw new ProcessError("cannot receive a shared fd: process " + pid + " no longer offers it "
                        + "(an object holding an fd can be received once: this one was received already)");
            } finally {
                posix.close(sock);
            }
        }
    }

    /**
     * Lends a duplicate of {@code fd} until it is fetched once. The caller keeps {@code fd}
     * and may close it at once.
     */
    public static Ticket share(int fd) {
        String at = start();
        Posix posix = Posix.libc();
        int dup = posix.fcntl(fd, Linux.F_DUPFD_CLOEXEC, 0);
        byte[] t = new byte[TICKET_BYTES];
        RANDOM.nextBytes(t);
        String ticket = HEX.formatHex(t);
        LENT.put(ticket, dup);
        return new Ticket(at, ticket, posix.getpid());
    }

    /** How many duplicates are lent and not yet fetched (for tests). */
    public static int lent() {
        return LENT.size();
    }

    private static synchronized String start() {
        if (address != null) {
            return address;
        }
        Posix posix = Posix.libc();
        int pid = posix.getpid();
        byte[] r = new byte[8];
        RANDOM.nextBytes(r);
        String at = "\0jmp-sharer." + pid + "." + HEX.formatHex(r);
        int sock = posix.socket(Linux.AF_UNIX, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0);
        try {
            posix.bind(sock, SockAddr.unix(at));
            posix.listen(sock, 64);
        } catch (RuntimeException e) {
            posix.close(sock);
            throw e;
        }
        Thread t = new Thread(() -> serve(sock), "jmp-sharer");
        t.setDaemon(true);
        t.start();
        address = at;
        return at;
    }

    private static void serve(int listener) {
        Posix posix = Posix.libc();
        while (true) {
            int conn;
            try {
                conn = posix.accept4(listener, Linux.SOCK_CLOEXEC);
            } catch (PosixException e) {
                LOG.log(Level.WARNING, "fd sharer stops accepting: {0}", e.getMessage());
                return;
            }
            if (conn < 0) {
                continue;
            }
            try {
                answer(posix, conn);
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "fd sharer: a fetch failed: {0}", e.toString());
            } finally {
                posix.close(conn);
            }
        }
    }

    private static void answer(Posix posix, int conn) {
        ByteBuffer ticket = ByteBuffer.allocate(TICKET_BYTES);
        Deadline deadline = Deadline.after(FETCH_TIMEOUT);
        while (ticket.hasRemaining()) {
            int r = posix.recv(conn, ticket, Linux.MSG_DONTWAIT);
            if (r == 0) {
                return;
            }
            if (r < 0 && !FdWait.readable(conn, deadline, "reading a ticket") && deadline.expired()) {
                return;
            }
        }
        Integer fd = LENT.remove(HEX.formatHex(ticket.array()));
        byte[] status = {(byte) (fd == null ? 0 : 1)};
        try {
            posix.sendmsg(conn, status, 0, 1, fd == null ? new int[0] : new int[] {fd}, Linux.MSG_NOSIGNAL | Linux.MSG_DONTWAIT);
        } finally {
            if (fd != null) {
                posix.close(fd);
            }
        }
    }
}
