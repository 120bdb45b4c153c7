package dev.jmp.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.PosixException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The bindings themselves, in this process: each call does what its C twin does. */
class PosixTest {
    private final Posix posix = Posix.libc();

    private static String uniqueName(String what) {
        return "/jmp." + ProcessHandle.current().pid() + ".test-" + what + "-" + System.nanoTime();
    }

    @Test
    void getpidIsTheJvmPid() {
        assertEquals(ProcessHandle.current().pid(), posix.getpid());
    }

    @Test
    void pipeCarriesBytesWithOffsets() {
        int[] fds = posix.pipe2(Linux.O_CLOEXEC);
        try {
            byte[] msg = "xxhello".getBytes(StandardCharsets.US_ASCII);
            assertEquals(5, posix.write(fds[1], msg, 2, 5));
            byte[] in = new byte[8];
            assertEquals(5, posix.read(fds[0], in, 3, 5));
            assertEquals("hello", new String(in, 3, 5, StandardCharsets.US_ASCII));
            assertEquals(Linux.FD_CLOEXEC, posix.fcntl(fds[0], Linux.F_GETFD, 0) & Linux.FD_CLOEXEC);
        } finally {
            posix.close(fds[0]);
            posix.close(fds[1]);
        }
    }

    @Test
    void directBuffersRespectPosition() {
        int[] fds = posix.socketpair(Linux.AF_UNIX, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0);
        try {
            ByteBuffer out = ByteBuffer.allocateDirect(16);
            out.put("..abcdef".getBytes(StandardCharsets.US_ASCII)).flip().position(2);
            assertEquals(6, posix.write(fds[0], out));
            assertEquals(8, out.position());
            ByteBuffer in = ByteBuffer.allocateDirect(16);
            in.position(4);
            assertEquals(6, posix.read(fds[1], in));
            assertEquals(10, in.position());
            byte[] got = new byte[6];
            in.position(4);
            in.get(got);
            assertEquals("abcdef", new String(got, StandardCharsets.US_ASCII));
        } finally {
            posix.close(fds[0]);
            posix.close(fds[1]);
        }
    }

    @Test
    void heapBuffersArePinnedAtTheirPosition() {
        int[] fds = posix.socketpair(Linux.AF_UNIX, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0);
        try {
            byte[] src = "..abcdef..".getBytes(StandardCharsets.US_ASCII);
            ByteBuffer out = ByteBuffer.wrap(src, 2, 6);
            assertEquals(6, posix.write(fds[0], out));
            assertEquals(8, out.position());
            byte[] dst = new byte[10];
            ByteBuffer in = ByteBuffer.wrap(dst, 3, 6);
            assertEquals(6, posix.read(fds[1], in));
            assertEquals(9, in.position());
            assertEquals("abcdef", new String(dst, 3, 6, StandardCharsets.US_ASCII));
            assertEquals(0, dst[2]);
        } finally {
            posix.close(fds[0]);
            posix.close(fds[1]);
        }
    }

    @Test
    void pollSeesReadableAndEof() {
        int[] fds = posix.pipe2(Linux.O_CLOEXEC);
        try {
            short[] revents = new short[1];
            assertEquals(0, posix.poll(new int[] {fds[0]}, new short[] {Linux.POLLIN}, revents, 0));
            posix.close(fds[1]);
            assertEquals(1, posix.poll(new int[] {fds[0]}, new short[] {Linux.POLLIN}, revents, 1000));
            assertTrue((revents[0] & Linux.POLLHUP) != 0);
            assertEquals(0, posix.read(fds[0], new byte[1], 0, 1));
        } finally {
            posix.close(fds[0]);
        }
    }

    @Test
    void failuresNameTheFunctionAndErrno() {
        PosixException e = assertThrows(PosixException.class, () -> posix.fcntl(-1, Linux.F_GETFD, 0));
        assertEquals("fcntl", e.function());
        assertEquals(Linux.EBADF, e.errno());
        assertTrue(e.getMessage().startsWith("fcntl: "), e.getMessage());
        assertTrue(e.getMessage().contains("errno 9"), e.getMessage());
        assertTrue(e.getMessage().contains("EBADF"), e.getMessage());
    }

    @Test
    void namedSemaphore() {
        String name = uniqueName("sem");
        Sem sem = posix.sem_open(name, Linux.O_CREAT | Linux.O_EXCL, 0600, 1);
        try {
            assertTrue(Files.exists(Path.of("/dev/shm/sem." + name.substring(1))));
            PosixException exists = assertThrows(PosixException.class,
                    () -> posix.sem_open(name, Linux.O_CREAT | Linux.O_EXCL, 0600, 0));
            assertEquals(Linux.EEXIST, exists.errno());
            assertEquals(1, posix.sem_getvalue(sem));
            assertTrue(posix.sem_trywait(sem));
            assertFalse(posix.sem_trywait(sem));
            long start = System.nanoTime();
            assertFalse(posix.sem_clockwait(sem, Linux.CLOCK_MONOTONIC, start + 50_000_000L));
            assertTrue(System.nanoTime() - start >= 45_000_000L);
            Sem again = posix.sem_open(name, 0);
            posix.sem_post(again);
            assertEquals(1, posix.sem_getvalue(sem));
            posix.sem_wait(sem);
            posix.sem_close(again);
        } finally {
            posix.sem_close(sem);
            posix.sem_unlink(name);
        }
        assertFalse(Files.exists(Path.of("/dev/shm/sem." + name.substring(1))));
        assertEquals(Linux.ENOENT, assertThrows(PosixException.class, () -> posix.sem_open(name, 0)).errno());
    }

    @Test
    void semPostPastTheMaximumNamesEoverflow() {
        String name = uniqueName("semmax");
        Sem sem = posix.sem_open(name, Linux.O_CREAT | Linux.O_EXCL, 0600, Integer.MAX_VALUE);
        try {
            PosixException e = assertThrows(PosixException.class, () -> posix.sem_post(sem));
            assertEquals("sem_post", e.function());
            assertEquals(75, e.errno());     // EOVERFLOW, inferred without errno (see JnrPosix)
            assertEquals(Integer.MAX_VALUE, posix.sem_getvalue(sem));
        } finally {
            posix.sem_close(sem);
            posix.sem_unlink(name);
        }
    }

    @Test
    void messageQueue() {
        String name = uniqueName("mq");
        int mq = posix.mq_open(name, Linux.O_CREAT | Linux.O_EXCL | Linux.O_RDWR, 0600, 4, 128);
        try {
            MqAttr attr = posix.mq_getattr(mq);
            assertEquals(4, attr.maxmsg());
            assertEquals(128, attr.msgsize());
            assertTrue(posix.mq_timedsend(mq, "-abc".getBytes(StandardCharsets.US_ASCII), 1, 3, 0, -1));
            assertEquals(1, posix.mq_getattr(mq).curmsgs());
            byte[] buf = new byte[130];
            assertEquals(3, posix.mq_timedreceive(mq, buf, 2, 128, -1));
            assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), java.util.Arrays.copyOfRange(buf, 2, 5));
            posix.mq_setattr(mq, Linux.O_NONBLOCK);
            assertEquals(-1, posix.mq_timedreceive(mq, buf, 0, 128, -1));
        } finally {
            posix.mq_close(mq);
            posix.mq_unlink(name);
        }
    }

    @Test
    void sharedMemory() throws Exception {
        String name = uniqueName("shm");
        int fd = posix.shm_open(name, Linux.O_CREAT | Linux.O_EXCL | Linux.O_RDWR, 0600);
        try {
            posix.ftruncate(fd, 4096);
            assertEquals(4096, Files.size(Path.of("/dev/shm" + name)));
        } finally {
            posix.close(fd);
            posix.shm_unlink(name);
        }
        assertFalse(Files.exists(Path.of("/dev/shm" + name)));
    }
}
