package dev.jmp.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.PosixException;
import dev.jmp.connection.SockAddr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The socket section of Posix (contract: the posix-sockets notes at the end of the
 * interface): each call does what its C twin does, on any backend.
 */
class PosixSocketsTest {
    private final Posix posix = Posix.libc();

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void listenConnectAcceptOnAnAbstractAddress() {
        byte[] at = SockAddr.unix("\0jmp-posix-test-" + ProcessHandle.current().pid());
        int l = posix.socket(Linux.AF_UNIX, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC | Linux.SOCK_NONBLOCK, 0);
        int c = posix.socket(Linux.AF_UNIX, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0);
        int s = -1;
        try {
            posix.bind(l, at);
            posix.listen(l, 4);
            assertArrayEquals(at, posix.getsockname(l));
            assertEquals(-1, posix.accept4(l, Linux.SOCK_CLOEXEC), "nobody waiting: EAGAIN is -1");
            assertTrue(posix.connect(c, at));
            s = posix.accept4(l, Linux.SOCK_CLOEXEC);
            assertTrue(s >= 0);
            assertEquals("", SockAddr.decode(posix.getpeername(s)));
            assertEquals(Linux.FD_CLOEXEC, posix.fcntl(s, Linux.F_GETFD, 0) & Linux.FD_CLOEXEC);
            assertEquals(0, posix.fcntl(s, Linux.F_GETFL, 0) & Linux.O_NONBLOCK, "accepted sockets are blocking");

            ByteBuffer in = ByteBuffer.allocateDirect(16);
            assertEquals(-1, posix.recv(s, in, Linux.MSG_DONTWAIT), "empty: EAGAIN is -1, even on a blocking fd");
            ByteBuffer out = ByteBuffer.wrap(ascii("..hello")).position(2);
            assertEquals(5, posix.send(c, out, Linux.MSG_DONTWAIT | Linux.MSG_NOSIGNAL));
            assertEquals(7, out.position());
            in.position(3);
            assertEquals(5, posix.recv(s, in, Linux.MSG_DONTWAIT));
            assertEquals(8, in.position());
            posix.shutdown(c, Linux.SHUT_RDWR);
            assertEquals(0, posix.recv(s, ByteBuffer.allocate(4), Linux.MSG_DONTWAIT), "end of file");
        } finally {
            posix.close(l);
            posix.close(c);
            if (s >= 0) {
                posix.close(s);
            }
        }
    }

    @Test
    void tcpPortZeroAndSocketOptions() throws Exception {
        byte[] any = SockAddr.inet(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        int l = posix.socket(Linux.AF_INET, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0);
        int c = posix.socket(Linux.AF_INET, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC | Linux.SOCK_NONBLOCK, 0);
        try {
            posix.setsockopt(l, Linux.SOL_SOCKET, Linux.SO_REUSEADDR, 1);
            assertEquals(1, posix.getsockopt(l, Linux.SOL_SOCKET, Linux.SO_REUSEADDR));
            posix.bind(l, any);
            posix.listen(l, 1);
            InetSocketAddress bound = (InetSocketAddress) SockAddr.decode(posix.getsockname(l));
            assertTrue(bound.getPort() > 0);
            posix.connect(c, SockAddr.inet(bound));     // true, or false (EINPROGRESS) then writable
            short[] rev = new short[1];
            assertEquals(1, posix.poll(new int[] {c}, new short[] {Linux.POLLOUT}, rev, 10_000));
            assertEquals(0, posix.getsockopt(c, Linux.SOL_SOCKET, Linux.SO_ERROR));
        } finally {
            posix.close(l);
            posix.close(c);
        }
        PosixException refused = assertThrows(PosixException.class, () -> {
            int s = posix.socket(Linux.AF_UNIX, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0);
            try {
                posix.connect(s, SockAddr.unix("\0jmp-nobody-listens-" + System.nanoTime()));
            } finally {
                posix.close(s);
            }
        });
        assertEquals("connect", refused.function());
        assertEquals(Linux.ECONNREFUSED, refused.errno());
    }

    @Test
    void sendmsgCarriesFdsByScmRights() {
        int[] pair = posix.socketpair(Linux.AF_UNIX, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0);
        int[] pipe = posix.pipe2(Linux.O_CLOEXEC);
        int[] got = {-1, -1, -1};
        try {
            assertEquals(3, posix.sendmsg(pair[0], ascii("xabc"), 1, 3, new int[] {pipe[0], pipe[1]}, 0));
            byte[] buf = new byte[8];
            assertEquals(3, posix.recvmsg(pair[1], buf, 2, 6, got, Linux.MSG_CMSG_CLOEXEC));
            assertEquals("abc", new String(buf, 2, 3, StandardCharsets.US_ASCII));
            assertTrue(got[0] >= 0 && got[1] >= 0 && got[0] != pipe[0] && got[1] != pipe[1]);
            assertEquals(-1, got[2]);
            assertEquals(Linux.FD_CLOEXEC, posix.fcntl(got[0], Linux.F_GETFD, 0) & Linux.FD_CLOEXEC);
            // The received write end writes into the same pipe.
            assertEquals(2, posix.write(got[1], ascii("hi"), 0, 2));
            byte[] two = new byte[2];
            assertEquals(2, posix.read(pipe[0], two, 0, 2));
            assertArrayEquals(ascii("hi"), two);
            // Bytes without fds; and nothing there with MSG_DONTWAIT.
            int[] none = {-1};
            assertEquals(1, posix.sendmsg(pair[0], ascii("z"), 0, 1, new int[0], 0));
            assertEquals(1, posix.recvmsg(pair[1], buf, 0, 1, none, 0));
            assertEquals(-1, none[0]);
            assertEquals(-1, posix.recvmsg(pair[1], buf, 0, 1, none, Linux.MSG_DONTWAIT));
        } finally {
            for (int fd : new int[] {pair[0], pair[1], pipe[0], pipe[1], got[0], got[1]}) {
                if (fd >= 0) {
                    posix.close(fd);
                }
            }
        }
    }

    @Test
    void preadv2AndPwritev2WithoutWaitingOnABlockingPipe() {
        int[] p = posix.pipe2(Linux.O_CLOEXEC);
        try {
            assertEquals(0, posix.fcntl(p[0], Linux.F_GETFL, 0) & Linux.O_NONBLOCK);
            ByteBuffer in = ByteBuffer.allocateDirect(8);
            int empty;
            try {
                empty = posix.preadv2(p[0], in, -1, Linux.RWF_NOWAIT);
            } catch (PosixException e) {
                assertEquals(Linux.EOPNOTSUPP, e.errno(), "only a kernel without RWF_NOWAIT on pipes may refuse");
                return;
            }
            assertEquals(-1, empty, "empty: EAGAIN is -1");
            ByteBuffer heap = ByteBuffer.wrap(ascii("..pipe")).position(2);
            assertEquals(4, posix.pwritev2(p[1], heap, -1, Linux.RWF_NOWAIT));
            assertEquals(6, heap.position());
            in.position(1);
            assertEquals(4, posix.preadv2(p[0], in, -1, Linux.RWF_NOWAIT));
            assertEquals(5, in.position());
            byte[] got = new byte[4];
            in.position(1);
            in.get(got);
            assertArrayEquals(ascii("pipe"), got);
            // Full: a write that would block returns -1 instead.
            ByteBuffer big = ByteBuffer.allocateDirect(1 << 20);
            long written = 0;
            int w;
            while ((w = posix.pwritev2(p[1], big.clear(), -1, Linux.RWF_NOWAIT)) > 0) {
                written += w;
            }
            assertEquals(-1, w);
            assertTrue(written > 0);
            assertFalse(written >= 1 << 30);
        } finally {
            posix.close(p[0]);
            posix.close(p[1]);
        }
    }
}
