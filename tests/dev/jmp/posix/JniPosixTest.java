package dev.jmp.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.PosixException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The posix contract on libjmp, the default backend; and, until the socket section of
 * the interface arrives (the listener issue), its socket functions, called directly.
 */
class JniPosixTest extends PosixContract {
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;
    private static final int RWF_NOWAIT = 0x8;
    private static final int SOL_SOCKET = 1;
    private static final int SO_ERROR = 4;

    @Override
    Posix backend() {
        return Posix.libc();
    }

    @Test
    void jniIsTheDefault() {
        assertInstanceOf(JniPosix.class, Posix.libc());
    }

    @Test
    void sendmsgCarriesDescriptors() {
        JniPosix jni = (JniPosix) posix;
        int[] sv = jni.socketpair(Linux.AF_UNIX, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0);
        int[] pipe = jni.pipe2(Linux.O_CLOEXEC);
        int[] got = {-1, -1};
        try {
            assertEquals(3, jni.sendmsg(sv[0], "-abc".getBytes(StandardCharsets.US_ASCII), 1, 3,
                    new int[] {pipe[1]}, 0));
            byte[] buf = new byte[8];
            assertEquals(3, jni.recvmsg(sv[1], buf, 2, 6, got, MSG_CMSG_CLOEXEC));
            assertEquals("abc", new String(buf, 2, 3, StandardCharsets.US_ASCII));
            assertTrue(got[0] >= 0 && got[0] != pipe[1]);
            assertEquals(-1, got[1]);
            assertEquals(2, jni.write(got[0], new byte[] {7, 8}, 0, 2));
            byte[] in = new byte[2];
            assertEquals(2, jni.read(pipe[0], in, 0, 2));
            assertArrayEquals(new byte[] {7, 8}, in);
            // Two fds where there is room for one: both closed, EMSGSIZE.
            jni.sendmsg(sv[0], new byte[] {1}, 0, 1, new int[] {pipe[0], pipe[1]}, 0);
            int[] one = {-1};
            assertEquals(Linux.EMSGSIZE, assertThrows(PosixException.class,
                    () -> jni.recvmsg(sv[1], new byte[1], 0, 1, one, 0)).errno());
            assertEquals(-1, one[0]);
            assertEquals(-1, jni.recv(sv[1], ByteBuffer.allocate(4), MSG_DONTWAIT), "EAGAIN");
        } finally {
            for (int fd : new int[] {sv[0], sv[1], pipe[0], pipe[1], got[0]}) {
                if (fd >= 0) {
                    jni.close(fd);
                }
            }
        }
    }

    @Test
    void listenAcceptConnectOnAnAbstractName() {
        JniPosix jni = (JniPosix) posix;
        byte[] name = ("\0jmp-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime())
                .getBytes(StandardCharsets.US_ASCII);
        byte[] addr = new byte[2 + name.length];
        addr[0] = (byte) Linux.AF_UNIX;
        System.arraycopy(name, 0, addr, 2, name.length);
        int server = jni.socket(Linux.AF_UNIX, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC | Linux.O_NONBLOCK, 0);
        int client = -1;
        int accepted = -1;
        try {
            jni.bind(server, addr);
            jni.listen(server, 4);
            assertArrayEquals(addr, jni.getsockname(server));
            assertEquals(-1, jni.accept4(server, Linux.SOCK_CLOEXEC), "nothing to accept yet");
            client = jni.socket(Linux.AF_UNIX, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0);
            assertTrue(jni.connect(client, addr));
            assertEquals(0, jni.getsockopt(client, SOL_SOCKET, SO_ERROR));
            assertArrayEquals(addr, jni.getpeername(client));
            accepted = jni.accept4(server, Linux.SOCK_CLOEXEC);
            assertTrue(accepted >= 0);
            ByteBuffer out = ByteBuffer.allocateDirect(8).put(new byte[] {1, 2, 3}).flip();
            assertEquals(3, jni.send(client, out, MSG_DONTWAIT));
            ByteBuffer in = ByteBuffer.allocate(8);
            assertEquals(3, jni.recv(accepted, in, MSG_DONTWAIT));
            assertEquals(3, in.position());
            jni.shutdown(client, 2);
            assertEquals(0, jni.recv(accepted, in, MSG_DONTWAIT), "end of file");
        } finally {
            for (int fd : new int[] {server, client, accepted}) {
                if (fd >= 0) {
                    jni.close(fd);
                }
            }
        }
    }

    @Test
    void preadv2WithNowaitNeverBlocksOnABlockingPipe() {
        JniPosix jni = (JniPosix) posix;
        int[] pipe = jni.pipe2(Linux.O_CLOEXEC);
        try {
            ByteBuffer in = ByteBuffer.allocate(8);
            assertEquals(-1, jni.preadv2(pipe[0], in, -1, RWF_NOWAIT), "empty: EAGAIN");
            assertEquals(2, jni.pwritev2(pipe[1], ByteBuffer.wrap(new byte[] {5, 6}), -1, RWF_NOWAIT));
            assertEquals(2, jni.preadv2(pipe[0], in, -1, RWF_NOWAIT));
            assertEquals(6, in.get(1));
        } finally {
            jni.close(pipe[0]);
            jni.close(pipe[1]);
        }
    }

    /**
     * libjmp makes a named semaphore itself (sem.c says why): the same file glibc's
     * sem_open makes and opens, so a C or CPython process shares it; sem_create leaves
     * nothing open; and closing a handle leaves no descriptor open.
     */
    @Test
    void semaphoreIsGlibcsFile() throws Exception {
        Posix glibc = new JnrPosix();
        String name = "/jmp." + ProcessHandle.current().pid() + ".test-glibc-" + System.nanoTime();
        long fdsBefore = openFds();
        long mapsBefore = mappings();
        posix.sem_create(name, 0600, 2);
        assertEquals(fdsBefore, openFds(), "sem_create keeps no descriptor");
        assertEquals(mapsBefore, mappings(), "nor a mapping");
        assertEquals(Linux.EEXIST, assertThrows(PosixException.class, () -> posix.sem_create(name, 0600, 0)).errno());
        Sem theirs = glibc.sem_open(name, 0);
        Sem ours = posix.sem_open(name, 0);
        try {
            assertTrue(glibc.sem_trywait(theirs));
            assertEquals(1, posix.sem_getvalue(ours), "glibc's decrement, seen through libjmp's mapping");
            Sem same = posix.sem_open(name, Linux.O_CREAT, 0600, 0);   // no O_EXCL: opens the existing one
            posix.sem_post(same);
            posix.sem_close(same);
            assertEquals(2, glibc.sem_getvalue(theirs));
        } finally {
            glibc.sem_close(theirs);
            posix.sem_close(ours);
            posix.sem_unlink(name);
        }
        assertEquals(fdsBefore, openFds());
        assertEquals(Linux.EINVAL, assertThrows(PosixException.class, () -> posix.sem_create("/a/b", 0600, 0)).errno());
        assertEquals(Linux.EINVAL, assertThrows(PosixException.class, () -> posix.sem_create(name, 0600, -1)).errno());
    }

    private static long mappings() throws java.io.IOException {
        return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/maps")).stream()
                .filter(l -> l.contains("/dev/shm/sem.")).count();
    }

    private static long openFds() throws java.io.IOException {
        try (var s = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }
}
