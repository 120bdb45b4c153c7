package dev.jmp.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.PosixException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The contract of every {@link Posix} backend, in this process: each call does what
 * its C twin does, and each composite call what its C recipe does. One subclass per
 * backend ({@link JniPosixTest}, {@link JnrPosixTest}).
 */
abstract class PosixContract {
    final Posix posix = backend();

    abstract Posix backend();

    private static String uniqueName(String what) {
        return "/jmp." + ProcessHandle.current().pid() + ".test-" + what + "-" + System.nanoTime();
    }

    @Test
    void getpidIsTheJvmPid() {
        assertEquals(ProcessHandle.current().pid(), posix.getpid());
    }

    static final java.util.List<String> CALLED = new java.util.ArrayList<>();

    private static void called(int i, double d, String s) {
        CALLED.add(i + " " + d + " " + s);
    }

    private static void throwing(String message) {
        throw new IllegalStateException(message);
    }

    /** libjmp calls a static method with its arguments (and the exception it throws comes back); jnr-ffi says it cannot. */
    @Test
    void callStaticVoidWhereTheFirstCallsAreCheap() {
        long[] prims = {-3, Double.doubleToRawLongBits(0.5), 0};
        Object[] refs = {null, null, "s"};
        if (!posix.firstCallsCheap()) {
            assertThrows(UnsupportedOperationException.class,
                    () -> posix.callStaticVoid(PosixContract.class, "called", "(IDLjava/lang/String;)V", prims, refs));
            return;
        }
        CALLED.clear();
        posix.callStaticVoid(PosixContract.class, "called", "(IDLjava/lang/String;)V", prims, refs);
        assertEquals(java.util.List.of("-3 0.5 s"), CALLED);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> posix.callStaticVoid(
                PosixContract.class, "throwing", "(Ljava/lang/String;)V", new long[1], new Object[] {"boom"}));
        assertEquals("boom", e.getMessage());
        assertThrows(NoSuchMethodError.class,
                () -> posix.callStaticVoid(PosixContract.class, "absent", "()V", new long[0], new Object[0]));
        assertThrows(IllegalArgumentException.class, () -> posix.callStaticVoid(
                PosixContract.class, "called", "(IDLjava/lang/String;)V", new long[2], new Object[2]));
    }

    private static String joined(int i, String s) {
        return s + i;
    }

    /** As callStaticVoid, for a method that returns a reference: its value comes back. */
    @Test
    void callStaticObjectWhereTheFirstCallsAreCheap() {
        long[] prims = {7, 0};
        Object[] refs = {null, "n"};
        if (!posix.firstCallsCheap()) {
            assertThrows(UnsupportedOperationException.class,
                    () -> posix.callStaticObject(PosixContract.class, "joined", "(ILjava/lang/String;)Ljava/lang/String;",
                            prims, refs));
            return;
        }
        assertEquals("n7", posix.callStaticObject(PosixContract.class, "joined",
                "(ILjava/lang/String;)Ljava/lang/String;", prims, refs));
        assertThrows(IllegalArgumentException.class, () -> posix.callStaticObject(
                PosixContract.class, "called", "(IDLjava/lang/String;)V", new long[3], new Object[3]));
        assertThrows(NoSuchMethodError.class, () -> posix.callStaticObject(
                PosixContract.class, "absent", "()Ljava/lang/Object;", new long[0], new Object[0]));
    }

    @Test
    void mallocTrimGivesBackWhatMallocHoldsFree() {
        // glibc's answer: 1 if memory went back to the kernel, else 0; nothing else.
        int r = posix.malloc_trim(0);
        assertTrue(r == 0 || r == 1, "malloc_trim returned " + r);
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
    void semCreateMakesItForALaterOpen() {
        String name = uniqueName("semcreate");
        posix.sem_create(name, 0600, 3);
        try {
            assertEquals(Linux.EEXIST, assertThrows(PosixException.class, () -> posix.sem_create(name, 0600, 0)).errno());
            Sem sem = posix.sem_open(name, 0);
            assertEquals(3, posix.sem_getvalue(sem));
            posix.sem_close(sem);
        } finally {
            posix.sem_unlink(name);
        }
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
            long one = posix.mmap(fd, 4096);
            long two = posix.mmap(fd, 4096);
            ByteBuffer a = posix.memory(one, 4096);
            ByteBuffer b = posix.memory(two, 4096);
            assertEquals(4096, a.capacity());
            assertEquals(java.nio.ByteOrder.nativeOrder(), a.order());
            assertEquals(0, b.getLong(4088), "zero-filled");
            a.putLong(4088, 0x0123456789abcdefL);
            assertEquals(0x0123456789abcdefL, b.getLong(4088), "two mappings of one object share its bytes");
            posix.munmap(one, 4096);
            posix.munmap(two, 4096);
            PosixException bad = assertThrows(PosixException.class, () -> posix.mmap(-1, 4096));
            assertEquals(Linux.EBADF, bad.errno());
        } finally {
            posix.close(fd);
            posix.shm_unlink(name);
        }
        assertFalse(Files.exists(Path.of("/dev/shm" + name)));
    }

    @Test
    void errnoTextComesWithTheName() {
        PosixException e = assertThrows(PosixException.class, () -> posix.close(-1));
        assertEquals("close: Bad file descriptor (errno 9, EBADF)", e.getMessage());
    }

    @Test
    void semAcquireTriesThenWaitsInSlicesUntilTheDeadline() {
        String name = uniqueName("semacq");
        Sem sem = posix.sem_open(name, Linux.O_CREAT | Linux.O_EXCL, 0600, 1);
        try {
            assertEquals(1, posix.sem_acquire(sem, System.nanoTime() - 1, 0), "free: taken even past the deadline");
            assertEquals(Posix.SLICE_ENDED, posix.sem_acquire(sem, Long.MAX_VALUE, 0), "slice 0: one try");
            assertEquals(Posix.TIMED_OUT, posix.sem_acquire(sem, System.nanoTime() - 1, 1_000_000_000L));
            long start = System.nanoTime();
            assertEquals(Posix.SLICE_ENDED, posix.sem_acquire(sem, Long.MAX_VALUE, 30_000_000L));
            assertTrue(System.nanoTime() - start >= 25_000_000L);
            start = System.nanoTime();
            assertEquals(Posix.TIMED_OUT, posix.sem_acquire(sem, start + 30_000_000L, 10_000_000_000L));
            assertTrue(System.nanoTime() - start >= 25_000_000L);
            assertTrue(posix.sem_release(sem, 1));
            assertFalse(posix.sem_release(sem, 1), "a Lock released twice");
            assertEquals(1, posix.sem_getvalue(sem));
            assertTrue(posix.sem_release(sem, 2));
            assertFalse(posix.sem_release(sem, 2));
            assertTrue(posix.sem_release(sem, Integer.MAX_VALUE));
            assertEquals(3, posix.sem_getvalue(sem));
        } finally {
            posix.sem_close(sem);
            posix.sem_unlink(name);
        }
    }

    /** The view of the sem_t that jmp's Java path uses: the C library's own bytes (what they mean is sync's business). */
    @Test
    void semMemoryIsTheSemaphoresOwnBytes() {
        String name = uniqueName("semmem");
        Sem sem = posix.sem_open(name, Linux.O_CREAT | Linux.O_EXCL, 0600, 2);
        try {
            ByteBuffer b = posix.sem_memory(sem);
            assertTrue(b.isDirect());
            assertEquals(32, b.capacity(), "sizeof(sem_t) on 64-bit Linux");
            assertEquals(java.nio.ByteOrder.nativeOrder(), b.order());
            long before = b.getLong(0);
            posix.sem_post(sem);
            assertTrue(b.getLong(0) != before, "a post changes the bytes seen through the view");
            assertTrue(posix.sem_trywait(sem));
            assertEquals(before, b.getLong(0));
        } finally {
            posix.sem_close(sem);
            posix.sem_unlink(name);
        }
    }

    @Test
    void semAcquireWakesWhenAnotherThreadPosts() throws Exception {
        String name = uniqueName("semwake");
        Sem sem = posix.sem_open(name, Linux.O_CREAT | Linux.O_EXCL, 0600, 0);
        try {
            Thread poster = new Thread(() -> posix.sem_post(sem));
            poster.start();
            int r;
            do {
                r = posix.sem_acquire(sem, System.nanoTime() + 10_000_000_000L, 50_000_000L);
            } while (r == Posix.SLICE_ENDED);
            assertEquals(1, r);
            poster.join();
            assertEquals(0, posix.sem_getvalue(sem));
        } finally {
            posix.sem_close(sem);
            posix.sem_unlink(name);
        }
    }

    @Test
    void mqSendAndReceiveWithADeadline() {
        String name = uniqueName("mqdl");
        int mq = posix.mq_open(name, Linux.O_CREAT | Linux.O_EXCL | Linux.O_RDWR | Linux.O_NONBLOCK, 0600, 1, 64);
        try {
            byte[] msg = "-hello".getBytes(StandardCharsets.US_ASCII);
            assertEquals(1, posix.mq_send(mq, msg, 1, 5, 0, Long.MAX_VALUE, 0));
            assertEquals(Posix.SLICE_ENDED, posix.mq_send(mq, msg, 1, 5, 0, Long.MAX_VALUE, 0), "full, slice 0");
            long start = System.nanoTime();
            assertEquals(Posix.SLICE_ENDED, posix.mq_send(mq, msg, 1, 5, 0, Long.MAX_VALUE, 30_000_000L));
            assertTrue(System.nanoTime() - start >= 25_000_000L);
            start = System.nanoTime();
            assertEquals(Posix.TIMED_OUT, posix.mq_send(mq, msg, 1, 5, 0, start + 30_000_000L, 10_000_000_000L));
            assertTrue(System.nanoTime() - start >= 25_000_000L);
            byte[] buf = new byte[66];
            assertEquals(5, posix.mq_receive(mq, buf, 2, 64, Long.MAX_VALUE, 0));
            assertEquals("hello", new String(buf, 2, 5, StandardCharsets.US_ASCII));
            assertEquals(Posix.SLICE_ENDED, posix.mq_receive(mq, buf, 0, 64, Long.MAX_VALUE, 0));
            start = System.nanoTime();
            assertEquals(Posix.TIMED_OUT, posix.mq_receive(mq, buf, 0, 64, start + 30_000_000L, 10_000_000_000L));
            assertTrue(System.nanoTime() - start >= 25_000_000L);
            PosixException tooLong = assertThrows(PosixException.class,
                    () -> posix.mq_send(mq, new byte[65], 0, 65, 0, Long.MAX_VALUE, 0));
            assertEquals(Linux.EMSGSIZE, tooLong.errno());
        } finally {
            posix.mq_close(mq);
            posix.mq_unlink(name);
        }
    }

    @Test
    void mqReceiveWakesWhenAMessageArrives() throws Exception {
        String name = uniqueName("mqwake");
        int mq = posix.mq_open(name, Linux.O_CREAT | Linux.O_EXCL | Linux.O_RDWR | Linux.O_NONBLOCK, 0600, 1, 64);
        try {
            Thread sender = new Thread(() -> posix.mq_send(mq, new byte[] {42}, 0, 1, 0, Long.MAX_VALUE, 0));
            sender.start();
            byte[] buf = new byte[64];
            int r;
            do {
                r = posix.mq_receive(mq, buf, 0, 64, System.nanoTime() + 10_000_000_000L, 50_000_000L);
            } while (r == Posix.SLICE_ENDED);
            assertEquals(1, r);
            assertEquals(42, buf[0]);
            sender.join();
        } finally {
            posix.mq_close(mq);
            posix.mq_unlink(name);
        }
    }

    /**
     * The child sees 0-2, the sources at 3, 4, ..., nothing else, and an empty signal mask. (The shell execs the
     * command that looks: a shell that forks blocks signals around the fork.)
     */
    @Test
    void spawnArrangesTheChildsFds() throws IOException {
        int[] extra = posix.pipe2(Linux.O_CLOEXEC);
        try {
            // ls lists its own fds: 0-4 as spawned, and 5, its opendir of the list itself.
            assertEquals("first\nsecond\n0\n1\n2\n3\n4\n5\n",
                    spawnAndRead("echo first >&3; echo second >&4; exec ls /proc/self/fd >&3", true));
            assertEquals("SigBlk:\t0000000000000000\n", spawnAndRead("exec grep SigBlk /proc/self/status >&3", false));
        } finally {
            posix.close(extra[0]);
            posix.close(extra[1]);
        }
        PosixException e = assertThrows(PosixException.class,
                () -> posix.spawn("/nonexistent/jmp", List.of("/nonexistent/jmp"), List.of(), new int[0], 3));
        assertEquals("posix_spawn", e.function());
        assertEquals(Linux.ENOENT, e.errno());
    }

    /** Runs {@code sh -c script} with a pipe's write end at fd 3 (and, if asked, a copy of it at 4); what it wrote. */
    private String spawnAndRead(String script, boolean lowSource) {
        int[] out = posix.pipe2(Linux.O_CLOEXEC);
        int low = lowSource ? posix.fcntl(out[1], Linux.F_DUPFD_CLOEXEC, 0) : -1;
        try {
            int pid = posix.spawn("/bin/sh", List.of("/bin/sh", "-c", script), List.of("PATH=/usr/bin:/bin"),
                    lowSource ? new int[] {out[1], low} : new int[] {out[1]}, 3);
            posix.close(out[1]);
            out[1] = -1;
            if (low >= 0) {
                posix.close(low);
                low = -1;
            }
            int[] status = new int[1];
            assertEquals(pid, posix.waitpid(pid, status, 0));
            assertEquals(0, WaitStatus.toExitcode(status[0]));
            StringBuilder got = new StringBuilder();
            byte[] buf = new byte[4096];
            int n;
            while ((n = posix.read(out[0], buf, 0, buf.length)) > 0) {
                got.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
            }
            return got.toString();
        } finally {
            for (int fd : new int[] {out[0], out[1], low}) {
                if (fd >= 0) {
                    posix.close(fd);
                }
            }
        }
    }

    @Test
    void primitiveArraysGoToAFileAndBackAtOffsets() {
        String path = "/dev/shm" + uniqueName("file");
        int fd = posix.open(path, Linux.O_RDWR | Linux.O_CREAT | Linux.O_EXCL | Linux.O_CLOEXEC, 0600);
        try {
            double[] d = new double[300_000];          // more than one pinned slice
            java.util.Arrays.setAll(d, i -> i * 1.5);
            assertEquals(8L * d.length, posix.pwrite(fd, d, 0, 8L * d.length, 0));
            byte[] b = "..abc..".getBytes(StandardCharsets.US_ASCII);
            assertEquals(3, posix.pwrite(fd, b, 2, 3, 8L * d.length));
            double[] back = new double[d.length + 1];
            assertEquals(8L * d.length, posix.pread(fd, back, 8, 8L * d.length, 0));
            assertEquals(0.0, back[0]);
            assertArrayEquals(d, java.util.Arrays.copyOfRange(back, 1, back.length));
            byte[] tail = new byte[10];
            assertEquals(3, posix.pread(fd, tail, 0, 10, 8L * d.length), "fewer bytes only at the end of the file");
            assertEquals("abc", new String(tail, 0, 3, StandardCharsets.US_ASCII));
            assertThrows(IllegalArgumentException.class, () -> posix.pwrite(fd, "no array", 0, 1, 0));
            assertThrows(IllegalArgumentException.class, () -> posix.pwrite(fd, new long[2], 4, 8, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> posix.pread(fd, new int[2], 0, 12, 0));
            PosixException e = assertThrows(PosixException.class,
                    () -> posix.open(path, Linux.O_RDWR | Linux.O_CREAT | Linux.O_EXCL, 0600));
            assertEquals(Linux.EEXIST, e.errno());
        } finally {
            posix.close(fd);
            posix.unlink(path);
        }
        assertFalse(Files.exists(Path.of(path)));
        assertEquals(Linux.ENOENT, assertThrows(PosixException.class, () -> posix.unlink(path)).errno());
    }
}
