package dev.jmp.posix;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

/**
 * {@link Posix} over libjmp.so, jmp's own JNI library ({@link LibJmp}). Each native
 * method returns {@code -errno} on failure, read in C right after the call; here it
 * becomes the same PosixException as {@link JnrPosix} throws, with the errno's name
 * and text from the C library ({@link Errno}).
 *
 * <p>Bytes: a heap array is copied through a C buffer when the call may block (a
 * pinned array would hold off the garbage collector while the thread sleeps), and
 * pinned without a copy on the {@link ByteBuffer} calls, which the interface keeps
 * for descriptors that never block; a direct buffer is passed by address.
 */
final class JniPosix implements Posix {

    /** Links a semaphore's handle, which no failing call makes (see {@link Posix#bindAll}). */
    static void warmUp() {
        new Handle(0).address();
    }

    private record Handle(long address) implements Sem {
    }

    private static long address(Sem sem) {
        return ((Handle) sem).address();
    }

    private static int check(String function, int result) {
        if (result < 0) {
            throw Errno.exception(function, -result);
        }
        return result;
    }

    /** read/write: -1 on EAGAIN (a non-blocking fd not ready), else as check. */
    private static int io(String function, int result) {
        if (result >= 0) {
            return result;
        }
        if (result == -Linux.EAGAIN) {
            return -1;
        }
        throw Errno.exception(function, -result);
    }

    /** The waiting calls: -ETIMEDOUT and -EAGAIN are answers, not failures. */
    private static int waited(String function, int result) {
        if (result >= 0) {
            return result;
        }
        if (result == -Linux.ETIMEDOUT) {
            return TIMED_OUT;
        }
        if (result == -Linux.EAGAIN) {
            return SLICE_ENDED;
        }
        throw Errno.exception(function, -result);
    }

    // ---- processes -------------------------------------------------------------

    @Override
    public int getpid() {
        return LibJmp.getpid();
    }

    @Override
    public void _exit(int status) {
        LibJmp._exit(status);
    }

    @Override
    public int malloc_trim(long pad) {
        return LibJmp.malloc_trim(pad);
    }

    @Override
    public void kill(int pid, int sig) {
        check("kill", LibJmp.kill(pid, sig));
    }

    @Override
    public int waitpid(int pid, int[] status, int options) {
        return check("waitpid", LibJmp.waitpid(pid, status, options));
    }

    @Override
    public int spawn(String path, List<String> argv, List<String> envp, int[] sources, int firstTarget) {
        return check("posix_spawn", LibJmp.spawn(Objects.requireNonNull(path), argv.toArray(new String[0]),
                envp.toArray(new String[0]), sources, firstTarget));
    }

    // ---- file descriptors ------------------------------------------------------

    @Override
    public int[] pipe2(int flags) {
        int[] fds = new int[2];
        check("pipe2", LibJmp.pipe2(fds, flags));
        return fds;
    }

    @Override
    public int read(int fd, byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        return io("read", LibJmp.read(fd, buf, off, len));
    }

    @Override
    public int write(int fd, byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        return io("write", LibJmp.write(fd, buf, off, len));
    }

    @Override
    public int read(int fd, ByteBuffer buf) {
        int pos = buf.position();
        int len = buf.remaining();
        return advance(buf, pos, io("read", buf.isDirect() ? LibJmp.readDirect(fd, buf, pos, len)
                : LibJmp.readPinned(fd, buf.array(), buf.arrayOffset() + pos, len)));
    }

    @Override
    public int write(int fd, ByteBuffer buf) {
        int pos = buf.position();
        int len = buf.remaining();
        return advance(buf, pos, io("write", buf.isDirect() ? LibJmp.writeDirect(fd, buf, pos, len)
                : LibJmp.writePinned(fd, buf.array(), buf.arrayOffset() + pos, len)));
    }

    private static int advance(ByteBuffer buf, int pos, int n) {
        if (n > 0) {
            buf.position(pos + n);
        }
        return n;
    }

    @Override
    public void close(int fd) {
        check("close", LibJmp.close(fd));
    }

    @Override
    public int fcntl(int fd, int cmd, int arg) {
        return check("fcntl", LibJmp.fcntl(fd, cmd, arg));
    }

    @Override
    public int poll(int[] fds, short[] events, short[] revents, int timeoutMillis) {
        if (events.length < fds.length || revents.length < fds.length) {
            throw new IllegalArgumentException("poll: " + fds.length + " fds, " + events.length + " events, "
                    + revents.length + " revents");
        }
        int r = LibJmp.poll(fds, events, revents, timeoutMillis);
        return r == -Linux.EINTR ? -1 : check("poll", r);
    }

    @Override
    public int[] socketpair(int domain, int type, int protocol) {
        int[] sv = new int[2];
        check("socketpair", LibJmp.socketpair(domain, type, protocol, sv));
        return sv;
    }

    // ---- semaphores ------------------------------------------------------------

    private static Sem sem(long result) {
        if (result < 0) {
            throw Errno.exception("sem_open", (int) -result);
        }
        return new Handle(result);
    }

    @Override
    public Sem sem_open(String name, int oflag, int mode, int value) {
        return sem(LibJmp.sem_open(name, oflag, mode, value, true));
    }

    @Override
    public Sem sem_open(String name, int oflag) {
        return sem(LibJmp.sem_open(name, oflag, 0, 0, false));
    }

    @Override
    public void sem_create(String name, int mode, int value) {
        check("sem_open", LibJmp.sem_create(name, mode, value));
    }

    @Override
    public void sem_close(Sem sem) {
        check("sem_close", LibJmp.sem_close(address(sem)));
    }

    @Override
    public void sem_unlink(String name) {
        check("sem_unlink", LibJmp.sem_unlink(name));
    }

    @Override
    public void sem_wait(Sem sem) {
        check("sem_wait", LibJmp.sem_wait(address(sem)));
    }

    @Override
    public boolean sem_trywait(Sem sem) {
        return LibJmp.sem_trywait(address(sem)) == 0;
    }

    @Override
    public boolean sem_clockwait(Sem sem, int clockid, long abstimeNanos) {
        int r = LibJmp.sem_clockwait(address(sem), clockid, abstimeNanos);
        if (r == 0) {
            return true;
        }
        if (r == -Linux.ETIMEDOUT || r == -Linux.EINTR) {
            return false;
        }
        throw Errno.exception("sem_clockwait", -r);
    }

    @Override
    public void sem_post(Sem sem) {
        check("sem_post", LibJmp.sem_post(address(sem)));
    }

    @Override
    public int sem_getvalue(Sem sem) {
        return check("sem_getvalue", LibJmp.sem_getvalue(address(sem)));
    }

    @Override
    public int sem_acquire(Sem sem, long deadlineNanos, long sliceNanos) {
        return waited("sem_clockwait", LibJmp.sem_acquire(address(sem), deadlineNanos, sliceNanos));
    }

    @Override
    public boolean sem_release(Sem sem, int maxvalue) {
        return check("sem_post", LibJmp.sem_release(address(sem), maxvalue)) == 0;
    }

    @Override
    public boolean firstCallsCheap() {
        return true;
    }

    @Override
    public void callStaticVoid(Class<?> c, String name, String descriptor, long[] prims, Object[] refs) {
        if (LibJmp.callStaticVoid(c, name, descriptor, prims, refs) < 0) {
            throw new IllegalArgumentException("cannot call " + c.getName() + "." + name + descriptor + " with "
                    + prims.length + " arguments");
        }
    }

    @Override
    public Object callStaticObject(Class<?> c, String name, String descriptor, long[] prims, Object[] refs) {
        return LibJmp.callStaticObject(c, name, descriptor, prims, refs);
    }

    @Override
    public ByteBuffer sem_memory(Sem sem) {
        ByteBuffer b = LibJmp.sem_memory(address(sem));
        return b == null ? null : b.order(ByteOrder.nativeOrder());
    }

    // ---- message queues --------------------------------------------------------

    @Override
    public int mq_open(String name, int oflag, int mode, long maxmsg, long msgsize) {
        return check("mq_open", LibJmp.mq_open(name, oflag, mode, maxmsg, msgsize, true));
    }

    @Override
    public int mq_open(String name, int oflag) {
        return check("mq_open", LibJmp.mq_open(name, oflag, 0, 0, 0, false));
    }

    @Override
    public void mq_close(int mqdes) {
        check("mq_close", LibJmp.mq_close(mqdes));
    }

    @Override
    public void mq_unlink(String name) {
        check("mq_unlink", LibJmp.mq_unlink(name));
    }

    private static boolean notNow(int result) {
        return result == -Linux.ETIMEDOUT || result == -Linux.EAGAIN || result == -Linux.EINTR;
    }

    @Override
    public boolean mq_timedsend(int mqdes, byte[] msg, int off, int len, int prio, long abstimeRealtimeNanos) {
        Objects.checkFromIndexSize(off, len, msg.length);
        int r = LibJmp.mq_timedsend(mqdes, msg, off, len, prio, abstimeRealtimeNanos);
        if (r == 0) {
            return true;
        }
        if (notNow(r)) {
            return false;
        }
        throw Errno.exception("mq_timedsend", -r);
    }

    @Override
    public int mq_timedreceive(int mqdes, byte[] buf, int off, int len, long abstimeRealtimeNanos) {
        Objects.checkFromIndexSize(off, len, buf.length);
        int r = LibJmp.mq_timedreceive(mqdes, buf, off, len, abstimeRealtimeNanos);
        if (r >= 0) {
            return r;
        }
        if (notNow(r)) {
            return -1;
        }
        throw Errno.exception("mq_timedreceive", -r);
    }

    @Override
    public int mq_send(int mqdes, byte[] msg, int off, int len, int prio, long deadlineNanos, long sliceNanos) {
        Objects.checkFromIndexSize(off, len, msg.length);
        return waited("mq_timedsend", LibJmp.mq_send(mqdes, msg, off, len, prio, deadlineNanos, sliceNanos));
    }

    @Override
    public int mq_receive(int mqdes, byte[] buf, int off, int len, long deadlineNanos, long sliceNanos) {
        Objects.checkFromIndexSize(off, len, buf.length);
        return waited("mq_timedreceive", LibJmp.mq_receive(mqdes, buf, off, len, deadlineNanos, sliceNanos));
    }

    @Override
    public MqAttr mq_getattr(int mqdes) {
        long[] a = new long[4];
        check("mq_getattr", LibJmp.mq_getattr(mqdes, a));
        return new MqAttr(a[0], a[1], a[2], a[3]);
    }

    @Override
    public MqAttr mq_setattr(int mqdes, long flags) {
        long[] a = new long[4];
        check("mq_setattr", LibJmp.mq_setattr(mqdes, flags, a));
        return new MqAttr(a[0], a[1], a[2], a[3]);
    }

    // ---- shared memory ---------------------------------------------------------

    @Override
    public int shm_open(String name, int oflag, int mode) {
        return check("shm_open", LibJmp.shm_open(name, oflag, mode));
    }

    @Override
    public void shm_unlink(String name) {
        check("shm_unlink", LibJmp.shm_unlink(name));
    }

    @Override
    public void ftruncate(int fd, long length) {
        check("ftruncate", LibJmp.ftruncate(fd, length));
    }

    @Override
    public long mmap(int fd, int length) {
        return checkLong("mmap", LibJmp.mmap(fd, length));
    }

    @Override
    public void munmap(long address, int length) {
        check("munmap", LibJmp.munmap(address, length));
    }

    @Override
    public ByteBuffer memory(long address, int length) {
        return LibJmp.memory(address, length).order(ByteOrder.nativeOrder());
    }

    // ---- sockets, fd passing, non-blocking I/O on shared fds -------------------
    //
    // The socket functions of Posix (contract: the listener issue); no @Override here
    // so that this class compiles before and after that section of the interface
    // arrives. Socket addresses are the raw bytes of the C struct.

    private static final int ECONNABORTED = 103;
    private static final int ENOTCONN = 107;
    private static final int EALREADY = 114;
    private static final int EINPROGRESS = 115;
    private static final int SOCKADDR_STORAGE = 128;

    public int socket(int domain, int type, int protocol) {
        return check("socket", LibJmp.socket(domain, type, protocol));
    }

    public void bind(int sockfd, byte[] addr) {
        check("bind", LibJmp.bind(sockfd, addr));
    }

    public void listen(int sockfd, int backlog) {
        check("listen", LibJmp.listen(sockfd, backlog));
    }

    public int accept4(int sockfd, int flags) {
        int r = LibJmp.accept4(sockfd, flags);
        return r == -Linux.EAGAIN || r == -ECONNABORTED ? -1 : check("accept4", r);
    }

    public boolean connect(int sockfd, byte[] addr) {
        int r = LibJmp.connect(sockfd, addr);
        if (r == 0) {
            return true;
        }
        if (r == -EINPROGRESS || r == -EALREADY || r == -Linux.EAGAIN || r == -Linux.EINTR) {
            return false;
        }
        throw Errno.exception("connect", -r);
    }

    public byte[] getsockname(int sockfd) {
        byte[] addr = new byte[SOCKADDR_STORAGE];
        return java.util.Arrays.copyOf(addr, check("getsockname", LibJmp.getname(sockfd, false, addr)));
    }

    public byte[] getpeername(int sockfd) {
        byte[] addr = new byte[SOCKADDR_STORAGE];
        return java.util.Arrays.copyOf(addr, check("getpeername", LibJmp.getname(sockfd, true, addr)));
    }

    public int getsockopt(int sockfd, int level, int optname) {
        int[] value = new int[1];
        check("getsockopt", LibJmp.getsockopt(sockfd, level, optname, value));
        return value[0];
    }

    public void setsockopt(int sockfd, int level, int optname, int value) {
        check("setsockopt", LibJmp.setsockopt(sockfd, level, optname, value));
    }

    public int send(int sockfd, ByteBuffer buf, int flags) {
        int pos = buf.position();
        int len = buf.remaining();
        return advance(buf, pos, io("send", buf.isDirect() ? LibJmp.sendDirect(sockfd, buf, pos, len, flags)
                : LibJmp.sendPinned(sockfd, buf.array(), buf.arrayOffset() + pos, len, flags)));
    }

    public int recv(int sockfd, ByteBuffer buf, int flags) {
        int pos = buf.position();
        int len = buf.remaining();
        return advance(buf, pos, io("recv", buf.isDirect() ? LibJmp.recvDirect(sockfd, buf, pos, len, flags)
                : LibJmp.recvPinned(sockfd, buf.array(), buf.arrayOffset() + pos, len, flags)));
    }

    public int sendmsg(int sockfd, byte[] buf, int off, int len, int[] fds, int flags) {
        Objects.checkFromIndexSize(off, len, buf.length);
        return io("sendmsg", LibJmp.sendmsg(sockfd, buf, off, len, fds, flags));
    }

    public int recvmsg(int sockfd, byte[] buf, int off, int len, int[] fds, int flags) {
        Objects.checkFromIndexSize(off, len, buf.length);
        return io("recvmsg", LibJmp.recvmsg(sockfd, buf, off, len, fds, flags));
    }

    public int preadv2(int fd, ByteBuffer buf, long offset, int flags) {
        int pos = buf.position();
        int len = buf.remaining();
        return advance(buf, pos, io("preadv2", buf.isDirect() ? LibJmp.preadv2Direct(fd, buf, pos, len, offset, flags)
                : LibJmp.preadv2Pinned(fd, buf.array(), buf.arrayOffset() + pos, len, offset, flags)));
    }

    public int pwritev2(int fd, ByteBuffer buf, long offset, int flags) {
        int pos = buf.position();
        int len = buf.remaining();
        return advance(buf, pos, io("pwritev2", buf.isDirect() ? LibJmp.pwritev2Direct(fd, buf, pos, len, offset, flags)
                : LibJmp.pwritev2Pinned(fd, buf.array(), buf.arrayOffset() + pos, len, offset, flags)));
    }

    public void shutdown(int sockfd, int how) {
        int r = LibJmp.shutdown(sockfd, how);
        if (r != -ENOTCONN) {
            check("shutdown", r);
        }
    }

    // ---- regular files: a queue's spilled items -------------------------------------

    public int open(String path, int flags, int mode) {
        return check("open", LibJmp.open(path, flags, mode));
    }

    public void unlink(String path) {
        check("unlink", LibJmp.unlink(path));
    }

    public void renameat2(String from, String to, int flags) {
        check("renameat2", LibJmp.renameat2(from, to, flags));
    }

    public long pwrite(int fd, Object array, long off, long len, long pos) {
        PrimitiveArrays.checkRange(array, off, len);
        return checkLong("pwrite", LibJmp.pwrite(fd, array, off, len, pos));
    }

    public long pread(int fd, Object array, long off, long len, long pos) {
        PrimitiveArrays.checkRange(array, off, len);
        return checkLong("pread", LibJmp.pread(fd, array, off, len, pos));
    }

    private static long checkLong(String function, long result) {
        if (result < 0) {
            throw Errno.exception(function, (int) -result);
        }
        return result;
    }
}
