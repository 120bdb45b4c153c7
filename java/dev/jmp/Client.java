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

    /**
     * Python's {@code Client(address, authkey=authkey)} for an AF_UNIX address.
     *
     * @param address a path, or {@code "\0name"} in the abstract namespace
     * @param authkey the listener's secret (null: no authentication)
     * @return the connection, authenticated both ways
     * @throws AuthenticationError if either side fails the other's challenge
     */
    public static Connection connect(String address, byte[] authkey) {
        Objects.requireNonNull(address, "address");
        return open(SockAddr.unix(address), authkey);
    }

    /**
     * Python's {@code Client((host, port), authkey=authkey)}.
     *
     * @param address the listener's host and port
     * @param authkey the listener's secret (null: no authentication)
     * @return the connection, authenticated both ways
     * @throws AuthenticationError if either side fails the other's challenge
     */
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
