package dev.jmp.connection;

import dev.jmp.posix.Linux;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The C socket addresses jmp binds and connects to, as the bytes of the C struct
 * (the posix layer passes them as {@code (struct sockaddr *) bytes, length}).
 *
 * <pre>
 * sockaddr_un   | family u16 (LE) | sun_path: up to 108 bytes                         |
 *               |                 | path bytes, NUL   (a filesystem path)             |
 *               |                 | NUL, name bytes   (Linux's abstract namespace)    |
 * sockaddr_in   | family u16 (LE) | port u16 (BE) | IPv4 address (4) | zero (8)       |  16 bytes
 * sockaddr_in6  | family u16 (LE) | port u16 (BE) | flowinfo (4) | IPv6 address (16) | scope id (4)  |  28 bytes
 * </pre>
 *
 * <p>The addresses users see are Python's: a String for AF_UNIX (a path, or
 * {@code "\0name"} for the abstract namespace, as CPython writes it) and an
 * InetSocketAddress for AF_INET/AF_INET6 (Python's {@code (host, port)} tuple).
 */
public final class SockAddr {
    private SockAddr() {
    }

    /** sizeof(sun_path). */
    public static final int UNIX_PATH_MAX = 108;

    /** The struct for an AF_UNIX address; IllegalArgumentException if it is empty or too long. */
    public static byte[] unix(String address) {
        byte[] path = address.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = path.length > 0 && path[0] == 0;
        if (path.length == 0 || path.length + (abstractName ? 0 : 1) > UNIX_PATH_MAX) {
            throw new IllegalArgumentException("AF_UNIX address must be 1 to " + (UNIX_PATH_MAX - 1)
                    + " bytes long: '" + address + "'");
        }
        byte[] sa = new byte[2 + path.length + (abstractName ? 0 : 1)];
        sa[0] = Linux.AF_UNIX;
        System.arraycopy(path, 0, sa, 2, path.length);
        return sa;
    }

    /** The struct for an AF_INET or AF_INET6 address (an unresolved host is resolved now). */
    public static byte[] inet(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            try {
                ip = InetAddress.getByName(address.getHostString());
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("unknown host: " + address.getHostString(), e);
            }
        }
        int port = address.getPort();
        if (ip instanceof Inet4Address) {
            byte[] sa = new byte[16];
            sa[0] = Linux.AF_INET;
            sa[2] = (byte) (port >>> 8);
            sa[3] = (byte) port;
            System.arraycopy(ip.getAddress(), 0, sa, 4, 4);
            return sa;
        }
        byte[] sa = new byte[28];
        sa[0] = Linux.AF_INET6;
        sa[2] = (byte) (port >>> 8);
        sa[3] = (byte) port;
        System.arraycopy(ip.getAddress(), 0, sa, 8, 16);
        int scope = ((Inet6Address) ip).getScopeId();
        sa[24] = (byte) scope;
        sa[25] = (byte) (scope >>> 8);
        sa[26] = (byte) (scope >>> 16);
        sa[27] = (byte) (scope >>> 24);
        return sa;
    }

    /** The address family of a struct. */
    public static int family(byte[] sa) {
        return (sa[0] & 0xff) | (sa[1] & 0xff) << 8;
    }

    /**
     * Python's view of a struct: a String for AF_UNIX ("" for an unnamed socket, as a
     * client's usually is), an InetSocketAddress for AF_INET/AF_INET6.
     */
    public static Object decode(byte[] sa) {
        int family = sa.length < 2 ? Linux.AF_UNIX : family(sa);
        switch (family) {
            case Linux.AF_UNIX: {
                if (sa.length <= 2) {
                    return "";
                }
                int end = sa.length;
                if (sa[2] != 0) {           // a path: up to its NUL
                    end = 2;
                    while (end < sa.length && sa[end] != 0) {
                        end++;
                    }
                }
                return new String(sa, 2, end - 2, StandardCharsets.UTF_8);
            }
            case Linux.AF_INET:
            case Linux.AF_INET6: {
                int port = (sa[2] & 0xff) << 8 | (sa[3] & 0xff);
                try {
                    InetAddress ip = family == Linux.AF_INET
                            ? InetAddress.getByAddress(Arrays.copyOfRange(sa, 4, 8))
                            : InetAddress.getByAddress(Arrays.copyOfRange(sa, 8, 24));
                    return new InetSocketAddress(ip, port);
                } catch (UnknownHostException impossible) {
                    throw new IllegalStateException(impossible);
                }
            }
            default:
                throw new IllegalArgumentException("address family " + family + " is not AF_UNIX, AF_INET or AF_INET6");
        }
    }
}
