package dev.jmp;

import dev.jmp.blocking.Deadline;
import dev.jmp.connection.SockAddr;
import dev.jmp.connection.Sockets;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Connects to a {@link Listener}, jmp's or CPython's: Python's
 * {@code multiprocessing.connection.Client(address, authkey)}.
 *
 * <p>With an authkey, the client answers the listener's HMAC challenge, then challenges
 * it back (CPython's order), all within {@code jmp.connection.handshakeTimeout}; a wrong
 * key on either side is AuthenticationError on both, and the connection is closed.
 */
public final class Client {
    private Client() {
    }

    /** An AF_UNIX client: a path, or {@code "\0name"} in the abstract namespace. */
    public static Connection connect(String address, byte[] authkey) {
        Objects.requireNonNull(address, "address");
        return open(SockAddr.unix(address), authkey);
    }

    /** An AF_INET/AF_INET6 client. */
    public static Connection connect(InetSocketAddress address, byte[] authkey) {
        Objects.requireNonNull(address, "address");
        return open(SockAddr.inet(address), authkey);
    }

    private static Connection open(byte[] address, byte[] authkey) {
        Connection conn = Connection.adopt(Sockets.connect(address), true, true, true);
        if (authkey != null) {
            try {
                conn.authenticate(authkey, false, Deadline.after(Sockets.handshakeTimeout()));
            } catch (RuntimeException e) {
                conn.close();
                throw e;
            }
        }
        return conn;
    }
}
