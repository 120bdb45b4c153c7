package dev.jmp.posix;

import dev.jmp.PosixException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * {@link Posix} over jnr-ffi: the fallback backend ({@code -Djmp.posix=jnr}, or where
 * libjmp cannot be loaded). Each method calls one C function, reads errno right
 * after a failed return (jnr saves it per thread; it is not cleared on success, so
 * only a failure return makes it meaningful) and throws it as a PosixException. The
 * composite calls ({@link #spawn}, {@link #sem_acquire}, ...) are composed here in
 * Java from the single ones, to the same contract as libjmp's C.
 */
final class JnrPosix implements Posix {

    // Opaque C structs get generous, aligned room: glibc x86-64 needs 80 bytes for
    // posix_spawn_file_actions_t, 336 for posix_spawnattr_t, 128 for sigset_t.
    private static final int FILE_ACTIONS_SIZE = 256;
    private static final int SPAWNATTR_SIZE = 512;
    private static final int SIGSET_SIZE = 128;

    private final Runtime runtime;

    JnrPosix() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            // poll() packs struct pollfd's two shorts into one int, little-endian.
            throw new UnsupportedOperationException("jmp supports little-endian Linux only");
        }
        runtime = Runtime.getSystemRuntime();
    }

    private record Struct(Pointer memory) implements Sem {
    }

    // Each family of functions is bound the first time it is used (jnr-ffi generates
    // and loads a class per binding interface): a child that never touches a
    // semaphore never pays for the semaphore binding.
    private static final class Calls {
        static final LibC LIB = load(LibC.class);
    }

    private static final class Sems {
        static final LibSem LIB = load(LibSem.class);
    }

    private static final class Mqs {
        static final LibMq LIB = load(LibMq.class);
    }

    private static final class Shms {
        static final LibShm LIB = load(LibShm.class);
    }

    /**
     * jnr-ffi's loader flushes System.out and System.err, which a program may have set
     * to null (as Python's {@code sys.stdout = None}): stand-ins take those flushes, then go.
     */
    private static synchronized <T> T load(Class<T> binding) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        if (out == null) {
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        }
        if (err == null) {
            System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        }
        try {
            return LibraryLoader.create(binding).load("c");
        } finally {
            if (out == null) {
                System.setOut(null);
            }
            if (err == null) {
                System.setErr(null);
            }
        }
    }

    private static final class Files {
        static final LibFile LIB = load(LibFile.class);
    }

    private static final class Socks {
        static final LibSocket LIB = LibraryLoader.create(LibSocket.class).load("c");
    }

    static void bindAll() {
        LibC c = Calls.LIB;
        LibSem sem = Sems.LIB;
        LibMq mq = Mqs.LIB;
        LibShm shm = Shms.LIB;
        LibSocket sock = Socks.LIB;
        assert c != null && sem != null && mq != null && shm != null && sock != null;
    }

    private Struct allocate(int size) {
        return new Struct(Memory.allocateDirect(runtime, size, true));
    }

    private static Pointer ptr(Object handle) {
        return handle == null ? null : ((Struct) handle).memory();
    }

    private int errno() {
        return runtime.getLastError();
    }

    private PosixException fail(String function) {
        return Errno.exception(function, errno());
    }

    /** For the functions that return an error number instead of setting errno. */
    private static void check(String function, int result) {
        if (result != 0) {
            throw Errno.exception(function, result);
        }
    }

    private void checkErrno(String function, long result) {
        if (result == -1) {
            throw fail(function);
        }
    }

    // ---- processes -------------------------------------------------------------

    @Override
    public int getpid() {
        return Calls.LIB.getpid();
    }

    @Override
    public void _exit(int status) {
        Calls.LIB._exit(status);
    }

    @Override
    public int malloc_trim(long pad) {
        return Calls.LIB.malloc_trim(pad);
    }

    @Override
    public void kill(int pid, int sig) {
        checkErrno("kill", Calls.LIB.kill(pid, sig));
    }

    @Override
    public int waitpid(int pid, int[] status, int options) {
        while (true) {
            int r = Calls.LIB.waitpid(pid, status, options);
            if (r >= 0) {
                return r;
            }
            int e = errno();
            if (e != Linux.EINTR) {
                throw Errno.exception("waitpid", e);
            }
        }
    }

    /**
     * Composed from the single calls: copies of low sources, file actions, one
     * attribute set made once per process, the spawn, then the clean-up.
     */
    @Override
    public int spawn(String path, List<String> argv, List<String> envp, int[] sources, int firstTarget) {
        LibC c = Calls.LIB;
        int firstFree = firstTarget + sources.length;
        List<Integer> copies = new java.util.ArrayList<>();
        Pointer actions = allocate(FILE_ACTIONS_SIZE).memory();
        check("posix_spawn_file_actions_init", c.posix_spawn_file_actions_init(actions));
        try {
            for (int i = 0; i < sources.length; i++) {
                int src = sources[i];
                if (src < firstFree) {
                    src = fcntl(src, Linux.F_DUPFD_CLOEXEC, firstFree);
                    copies.add(src);
                }
                check("posix_spawn_file_actions_adddup2", c.posix_spawn_file_actions_adddup2(actions, src, firstTarget + i));
            }
            check("posix_spawn_file_actions_addclosefrom_np", c.posix_spawn_file_actions_addclosefrom_np(actions, firstFree));
            int[] pid = new int[1];
            check("posix_spawn", c.posix_spawn(pid, path, actions, SpawnAttributes.get(this),
                    argv.toArray(new String[0]), envp.toArray(new String[0])));
            return pid[0];
        } finally {
            c.posix_spawn_file_actions_destroy(actions);
            for (int fd : copies) {
                close(fd);
            }
        }
    }

    /** posix_spawnattr_t is read-only once made: one for every spawn (mask empty, dispositions default). */
    private static final class SpawnAttributes {
        private static Pointer attr;

        static synchronized Pointer get(JnrPosix posix) {
            if (attr == null) {
                LibC c = Calls.LIB;
                Pointer a = posix.allocate(SPAWNATTR_SIZE).memory();
                Pointer empty = posix.allocate(SIGSET_SIZE).memory();
                Pointer all = posix.allocate(SIGSET_SIZE).memory();
                check("posix_spawnattr_init", c.posix_spawnattr_init(a));
                posix.checkErrno("sigemptyset", c.sigemptyset(empty));
                posix.checkErrno("sigfillset", c.sigfillset(all));
                check("posix_spawnattr_setsigmask", c.posix_spawnattr_setsigmask(a, empty));
                check("posix_spawnattr_setsigdefault", c.posix_spawnattr_setsigdefault(a, all));
                check("posix_spawnattr_setflags", c.posix_spawnattr_setflags(a,
                        (short) (Linux.POSIX_SPAWN_SETSIGMASK | Linux.POSIX_SPAWN_SETSIGDEF)));
                attr = a;
            }
            return attr;
        }
    }

    // ---- file descriptors ------------------------------------------------------

    @Override
    public int[] pipe2(int flags) {
        int[] fds = new int[2];
        checkErrno("pipe2", Calls.LIB.pipe2(fds, flags));
        return fds;
    }

    @Override
    public int read(int fd, byte[] buf, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, buf.length);
        // jnr copies a heap array through native memory anyway; an offset costs one
        // more copy through a Java array of our own.
        byte[] into = off == 0 ? buf : new byte[len];
        int n = io("read", () -> Calls.LIB.read(fd, into, len));
        if (n > 0 && into != buf) {
            System.arraycopy(into, 0, buf, off, n);
        }
        return n;
    }

    @Override
    public int write(int fd, byte[] buf, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, buf.length);
        byte[] from = off == 0 ? buf : java.util.Arrays.copyOfRange(buf, off, off + len);
        return io("write", () -> Calls.LIB.write(fd, from, len));
    }

    @Override
    public int read(int fd, ByteBuffer buf) {
        return advance(buf, io("read", () -> Calls.LIB.read(fd, buf, buf.remaining())));
    }

    @Override
    public int write(int fd, ByteBuffer buf) {
        return advance(buf, io("write", () -> Calls.LIB.write(fd, buf, buf.remaining())));
    }

    /** One read or write: retried on EINTR; -1 on EAGAIN (a non-blocking fd not ready). */
    private int io(String function, java.util.function.LongSupplier call) {
        while (true) {
            long n = call.getAsLong();
            if (n >= 0) {
                return (int) n;
            }
            int e = errno();
            if (e == Linux.EAGAIN) {
                return -1;
            }
            if (e != Linux.EINTR) {
                throw Errno.exception(function, e);
            }
        }
    }

    private static int advance(ByteBuffer buf, int n) {
        if (n > 0) {
            buf.position(buf.position() + n);
        }
        return n;
    }

    @Override
    public void close(int fd) {
        // close() is not retried on EINTR: on Linux the fd is released whatever
        // close returns, and a retry could close an fd another thread just opened.
        if (Calls.LIB.close(fd) == -1 && errno() != Linux.EINTR) {
            throw fail("close");
        }
    }

    @Override
    public int fcntl(int fd, int cmd, int arg) {
        int r = Calls.LIB.fcntl(fd, cmd, arg);
        checkErrno("fcntl", r);
        return r;
    }

    @Override
    public int poll(int[] fds, short[] events, short[] revents, int timeoutMillis) {
        int n = fds.length;
        int[] pollfds = new int[2 * n];
        for (int i = 0; i < n; i++) {
            pollfds[2 * i] = fds[i];
            pollfds[2 * i + 1] = events[i] & 0xffff;
        }
        int r = Calls.LIB.poll(pollfds, n, timeoutMillis);
        if (r == -1) {
            int e = errno();
            if (e == Linux.EINTR) {
                return -1;
            }
            throw Errno.exception("poll", e);
        }
        for (int i = 0; i < n; i++) {
            revents[i] = (short) (pollfds[2 * i + 1] >>> 16);
        }
        return r;
    }

    @Override
    public int[] socketpair(int domain, int type, int protocol) {
        int[] sv = new int[2];
        checkErrno("socketpair", Calls.LIB.socketpair(domain, type, protocol, sv));
        return sv;
    }

    // ---- semaphores ------------------------------------------------------------

    private Sem semOrFail(Pointer p) {
        if (p == null || p.address() == 0) {     // SEM_FAILED is NULL on glibc
            throw fail("sem_open");
        }
        return new Struct(p);
    }

    @Override
    public Sem sem_open(String name, int oflag, int mode, int value) {
        return semOrFail(Sems.LIB.sem_open(name, oflag, mode, value));
    }

    @Override
    public Sem sem_open(String name, int oflag) {
        return semOrFail(Sems.LIB.sem_open(name, oflag));
    }

    @Override
    public void sem_create(String name, int mode, int value) {
        sem_close(sem_open(name, Linux.O_CREAT | Linux.O_EXCL, mode, value));
    }

    @Override
    public void sem_close(Sem sem) {
        checkErrno("sem_close", Sems.LIB.sem_close(ptr(sem)));
    }

    @Override
    public void sem_unlink(String name) {
        checkErrno("sem_unlink", Sems.LIB.sem_unlink(name));
    }

    @Override
    public void sem_wait(Sem sem) {
        while (Sems.LIB.sem_wait(ptr(sem)) == -1) {
            int e = errno();
            if (e != Linux.EINTR) {
                throw Errno.exception("sem_wait", e);
            }
        }
    }

    /**
     * Why errno is neither saved nor read: this is the uncontended fast path of every
     * Lock, and saving and reading errno costs as much as the call. sem_trywait fails
     * with EAGAIN (taken), EINTR (cannot happen: it never blocks) or EINVAL (not a
     * semaphore: a bug, which the next sem_clockwait or sem_post of the same handle
     * reports with its errno), so "not decremented" is all a caller needs to know.
     */
    @Override
    public boolean sem_trywait(Sem sem) {
        return Sems.LIB.sem_trywait(ptr(sem)) == 0;
    }

    @Override
    public boolean sem_clockwait(Sem sem, int clockid, long abstimeNanos) {
        if (Sems.LIB.sem_clockwait(ptr(sem), clockid, timespec(abstimeNanos)) == 0) {
            return true;
        }
        int e = errno();
        if (e == Linux.ETIMEDOUT || e == Linux.EINTR) {
            return false;
        }
        throw Errno.exception("sem_clockwait", e);
    }

    /**
     * Why errno is not saved: sem_post is half of every uncontended Lock round, and
     * saving errno costs about as much as the call. It fails only with EOVERFLOW (the
     * value is at SEM_VALUE_MAX) or EINVAL (not a semaphore), and sem_getvalue tells
     * the two apart after the fact.
     */
    @Override
    public void sem_post(Sem sem) {
        if (Sems.LIB.sem_post(ptr(sem)) == 0) {
            return;
        }
        int value;
        try {
            value = sem_getvalue(sem);
        } catch (PosixException notASemaphore) {
            throw Errno.exception("sem_post", notASemaphore.errno());
        }
        throw Errno.exception("sem_post", value == Integer.MAX_VALUE ? Linux.EOVERFLOW : Linux.EINVAL);
    }

    @Override
    public int sem_acquire(Sem sem, long deadlineNanos, long sliceNanos) {
        if (sem_trywait(sem)) {
            return 1;
        }
        long now = System.nanoTime();
        boolean never = deadlineNanos == Long.MAX_VALUE;
        if (!never && deadlineNanos - now <= 0) {
            return TIMED_OUT;
        }
        if (sliceNanos <= 0) {
            return SLICE_ENDED;
        }
        boolean last = !never && deadlineNanos - now <= sliceNanos;
        long end = last ? deadlineNanos : now + sliceNanos;
        while (!sem_clockwait(sem, Linux.CLOCK_MONOTONIC, end)) {
            if (System.nanoTime() - end >= 0) {       // ETIMEDOUT; else EINTR: the same end again
                return last ? TIMED_OUT : SLICE_ENDED;
            }
        }
        return 1;
    }

    /** For a Lock, a failing sem_trywait answers "is it held?" for less than sem_getvalue's out-parameter. */
    @Override
    public boolean sem_release(Sem sem, int maxvalue) {
        if (maxvalue == 1) {
            if (sem_trywait(sem)) {
                sem_post(sem);
                return false;
            }
        } else if (maxvalue != Integer.MAX_VALUE && sem_getvalue(sem) >= maxvalue) {
            return false;
        }
        sem_post(sem);
        return true;
    }

    /** Over jffi's direct buffer of an address: sizeof(sem_t) is four longs on Linux (32 bytes on 64-bit). */
    @Override
    public ByteBuffer sem_memory(Sem sem) {
        int size = 4 * runtime.addressSize();
        return com.kenai.jffi.MemoryIO.getInstance().newDirectByteBuffer(ptr(sem).address(), size)
                .order(ByteOrder.nativeOrder());
    }

    @Override
    public int sem_getvalue(Sem sem) {
        int[] value = new int[1];
        checkErrno("sem_getvalue", Sems.LIB.sem_getvalue(ptr(sem), value));
        return value[0];
    }

    private static long[] timespec(long nanos) {
        return new long[] {Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)};
    }

    // ---- message queues --------------------------------------------------------

    @Override
    public int mq_open(String name, int oflag, int mode, long maxmsg, long msgsize) {
        long[] attr = {0, maxmsg, msgsize, 0, 0, 0, 0, 0};
        int mqd = Mqs.LIB.mq_open(name, oflag, mode, attr);
        checkErrno("mq_open", mqd);
        return mqd;
    }

    @Override
    public int mq_open(String name, int oflag) {
        int mqd = Mqs.LIB.mq_open(name, oflag);
        checkErrno("mq_open", mqd);
        return mqd;
    }

    @Override
    public void mq_close(int mqdes) {
        checkErrno("mq_close", Mqs.LIB.mq_close(mqdes));
    }

    @Override
    public void mq_unlink(String name) {
        checkErrno("mq_unlink", Mqs.LIB.mq_unlink(name));
    }

    @Override
    public boolean mq_timedsend(int mqdes, byte[] msg, int off, int len, int prio, long abstimeRealtimeNanos) {
        java.util.Objects.checkFromIndexSize(off, len, msg.length);
        byte[] from = off == 0 ? msg : java.util.Arrays.copyOfRange(msg, off, off + len);
        long[] abstime = abstimeRealtimeNanos < 0 ? null : timespec(abstimeRealtimeNanos);
        if (Mqs.LIB.mq_timedsend(mqdes, from, len, prio, abstime) == 0) {
            return true;
        }
        int e = errno();
        if (e == Linux.ETIMEDOUT || e == Linux.EAGAIN || e == Linux.EINTR) {
            return false;
        }
        throw Errno.exception("mq_timedsend", e);
    }

    @Override
    public int mq_timedreceive(int mqdes, byte[] buf, int off, int len, long abstimeRealtimeNanos) {
        java.util.Objects.checkFromIndexSize(off, len, buf.length);
        byte[] into = off == 0 ? buf : new byte[len];
        long[] abstime = abstimeRealtimeNanos < 0 ? null : timespec(abstimeRealtimeNanos);
        long n = Mqs.LIB.mq_timedreceive(mqdes, into, len, null, abstime);
        if (n >= 0) {
            if (into != buf) {
                System.arraycopy(into, 0, buf, off, (int) n);
            }
            return (int) n;
        }
        int e = errno();
        if (e == Linux.ETIMEDOUT || e == Linux.EAGAIN || e == Linux.EINTR) {
            return -1;
        }
        throw Errno.exception("mq_timedreceive", e);
    }

    @Override
    public int mq_send(int mqdes, byte[] msg, int off, int len, int prio, long deadlineNanos, long sliceNanos) {
        return mqWait(mqdes, Linux.POLLOUT, deadlineNanos, sliceNanos,
                () -> mq_timedsend(mqdes, msg, off, len, prio, -1) ? 1 : -1);
    }

    @Override
    public int mq_receive(int mqdes, byte[] buf, int off, int len, long deadlineNanos, long sliceNanos) {
        return mqWait(mqdes, Linux.POLLIN, deadlineNanos, sliceNanos,
                () -> mq_timedreceive(mqdes, buf, off, len, -1));
    }

    /** Tries, and while {@code attempt} says -1 (full, empty) polls for {@code event} until the slice or deadline ends. */
    private int mqWait(int mqdes, short event, long deadlineNanos, long sliceNanos, java.util.function.IntSupplier attempt) {
        boolean never = deadlineNanos == Long.MAX_VALUE;
        long end = 0;
        boolean last = false;
        int[] fds = {mqdes};
        short[] events = {event};
        short[] revents = new short[1];
        for (boolean first = true; ; first = false) {
            int r = attempt.getAsInt();
            if (r >= 0) {
                return r;
            }
            long now = System.nanoTime();
            if (!never && deadlineNanos - now <= 0) {
                return TIMED_OUT;
            }
            if (sliceNanos <= 0) {
                return SLICE_ENDED;
            }
            if (first) {
                last = !never && deadlineNanos - now <= sliceNanos;
                end = last ? deadlineNanos : now + sliceNanos;
            }
            long left = end - now;
            if (left <= 0 || poll(fds, events, revents, (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000)) == 0) {
                return last ? TIMED_OUT : SLICE_ENDED;
            }
        }
    }

    @Override
    public MqAttr mq_getattr(int mqdes) {
        long[] attr = new long[8];
        checkErrno("mq_getattr", Mqs.LIB.mq_getattr(mqdes, attr));
        return new MqAttr(attr[0], attr[1], attr[2], attr[3]);
    }

    @Override
    public MqAttr mq_setattr(int mqdes, long flags) {
        long[] attr = {flags, 0, 0, 0, 0, 0, 0, 0};
        long[] old = new long[8];
        checkErrno("mq_setattr", Mqs.LIB.mq_setattr(mqdes, attr, old));
        return new MqAttr(old[0], old[1], old[2], old[3]);
    }

    // ---- shared memory ---------------------------------------------------------

    @Override
    public int shm_open(String name, int oflag, int mode) {
        int fd = Shms.LIB.shm_open(name, oflag, mode);
        checkErrno("shm_open", fd);
        return fd;
    }

    @Override
    public void shm_unlink(String name) {
        checkErrno("shm_unlink", Shms.LIB.shm_unlink(name));
    }

    @Override
    public void ftruncate(int fd, long length) {
        checkErrno("ftruncate", Shms.LIB.ftruncate(fd, length));
    }

    @Override
    public long mmap(int fd, int length) {
        Pointer m = Shms.LIB.mmap(null, length, Linux.PROT_READ | Linux.PROT_WRITE, Linux.MAP_SHARED, fd, 0);
        long address = m == null ? -1 : m.address();
        checkErrno("mmap", address);      // MAP_FAILED is (void *) -1
        return address;
    }

    @Override
    public void munmap(long address, int length) {
        checkErrno("munmap", Shms.LIB.munmap(Pointer.wrap(runtime, address), length));
    }

    /** Over jffi's direct buffer of an address, as {@link #sem_memory}. */
    @Override
    public ByteBuffer memory(long address, int length) {
        return com.kenai.jffi.MemoryIO.getInstance().newDirectByteBuffer(address, length).order(ByteOrder.nativeOrder());
    }

    // ---- sockets, fd passing, non-blocking I/O on shared fds -------------------

    private static final int SOCKADDR_STORAGE = 128;
    // struct msghdr (LP64): name, namelen(+pad), iov, iovlen, control, controllen, flags(+pad).
    private static final int MSGHDR_SIZE = 56;
    private static final int IOVEC_SIZE = 16;
    private static final int MSG_IOV = MSGHDR_SIZE;
    private static final int MSG_CONTROL = MSG_IOV + IOVEC_SIZE;
    private static final int CMSG_HEADER = 16;     // cmsg_len (size_t), cmsg_level, cmsg_type
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_CTRUNC = 0x8;
    /** Largest copy through native memory for a heap buffer in preadv2/pwritev2. */
    private static final int HEAP_CHUNK = 256 << 10;

    /** Per-thread native scratch for iovecs and the copy of a heap buffer (jnr cannot pin into a struct). */
    private final ThreadLocal<Pointer> iov = ThreadLocal.withInitial(
            () -> Memory.allocateDirect(Runtime.getSystemRuntime(), IOVEC_SIZE, true));
    private final ThreadLocal<ByteBuffer> heapCopy = new ThreadLocal<>();

    @Override
    public int socket(int domain, int type, int protocol) {
        int fd = Socks.LIB.socket(domain, type, protocol);
        checkErrno("socket", fd);
        return fd;
    }

    @Override
    public void bind(int sockfd, byte[] addr) {
        checkErrno("bind", Socks.LIB.bind(sockfd, addr, addr.length));
    }

    @Override
    public void listen(int sockfd, int backlog) {
        checkErrno("listen", Socks.LIB.listen(sockfd, backlog));
    }

    @Override
    public int accept4(int sockfd, int flags) {
        while (true) {
            int fd = Socks.LIB.accept4(sockfd, null, null, flags);
            if (fd >= 0) {
                return fd;
            }
            int e = errno();
            if (e == Linux.EAGAIN || e == Linux.ECONNABORTED) {
                return -1;
            }
            if (e != Linux.EINTR) {
                throw Errno.exception("accept4", e);
            }
        }
    }

    @Override
    public boolean connect(int sockfd, byte[] addr) {
        if (Socks.LIB.connect(sockfd, addr, addr.length) == 0) {
            return true;
        }
        int e = errno();
        if (e == Linux.EINPROGRESS || e == Linux.EALREADY || e == Linux.EAGAIN || e == Linux.EINTR) {
            return false;
        }
        throw Errno.exception("connect", e);
    }

    @Override
    public byte[] getsockname(int sockfd) {
        byte[] addr = new byte[SOCKADDR_STORAGE];
        int[] len = {addr.length};
        checkErrno("getsockname", Socks.LIB.getsockname(sockfd, addr, len));
        return java.util.Arrays.copyOf(addr, Math.min(len[0], addr.length));
    }

    @Override
    public byte[] getpeername(int sockfd) {
        byte[] addr = new byte[SOCKADDR_STORAGE];
        int[] len = {addr.length};
        checkErrno("getpeername", Socks.LIB.getpeername(sockfd, addr, len));
        return java.util.Arrays.copyOf(addr, Math.min(len[0], addr.length));
    }

    @Override
    public int getsockopt(int sockfd, int level, int optname) {
        int[] value = new int[1];
        int[] len = {4};
        checkErrno("getsockopt", Socks.LIB.getsockopt(sockfd, level, optname, value, len));
        return value[0];
    }

    @Override
    public void setsockopt(int sockfd, int level, int optname, int value) {
        checkErrno("setsockopt", Socks.LIB.setsockopt(sockfd, level, optname, new int[] {value}, 4));
    }

    @Override
    public int send(int sockfd, ByteBuffer buf, int flags) {
        return advance(buf, io("send", () -> Socks.LIB.send(sockfd, buf, buf.remaining(), flags)));
    }

    @Override
    public int recv(int sockfd, ByteBuffer buf, int flags) {
        return advance(buf, io("recv", () -> Socks.LIB.recv(sockfd, buf, buf.remaining(), flags)));
    }

    @Override
    public int sendmsg(int sockfd, byte[] buf, int off, int len, int[] fds, int flags) {
        java.util.Objects.checkFromIndexSize(off, len, buf.length);
        Pointer m = msghdr(len, fds.length);
        m.put(dataAt(fds.length), buf, off, len);
        if (fds.length > 0) {
            m.putLong(MSG_CONTROL, CMSG_HEADER + 4L * fds.length);
            m.putInt(MSG_CONTROL + 8, Linux.SOL_SOCKET);
            m.putInt(MSG_CONTROL + 12, SCM_RIGHTS);
            for (int i = 0; i < fds.length; i++) {
                m.putInt(MSG_CONTROL + CMSG_HEADER + 4L * i, fds[i]);
            }
        }
        return io("sendmsg", () -> Socks.LIB.sendmsg(sockfd, m, flags));
    }

    @Override
    public int recvmsg(int sockfd, byte[] buf, int off, int len, int[] fds, int flags) {
        java.util.Objects.checkFromIndexSize(off, len, buf.length);
        java.util.Arrays.fill(fds, -1);
        Pointer m = msghdr(len, fds.length);
        int n = io("recvmsg", () -> Socks.LIB.recvmsg(sockfd, m, flags));
        if (n < 0) {
            return n;
        }
        int received = 0;
        long controllen = fds.length == 0 ? 0 : m.getLong(40);
        long at = 0;
        java.util.List<Integer> extra = new java.util.ArrayList<>();
        while (at + CMSG_HEADER <= controllen) {
            long cmsgLen = m.getLong(MSG_CONTROL + at);
            if (cmsgLen < CMSG_HEADER) {
                break;
            }
            if (m.getInt(MSG_CONTROL + at + 8) == Linux.SOL_SOCKET && m.getInt(MSG_CONTROL + at + 12) == SCM_RIGHTS) {
                int count = (int) ((cmsgLen - CMSG_HEADER) / 4);
                for (int i = 0; i < count; i++) {
                    int fd = m.getInt(MSG_CONTROL + at + CMSG_HEADER + 4L * i);
                    if (received < fds.length) {
                        fds[received++] = fd;
                    } else {
                        extra.add(fd);
                    }
                }
            }
            at += (cmsgLen + 7) & ~7L;
        }
        if ((m.getInt(48) & MSG_CTRUNC) != 0 || !extra.isEmpty()) {
            for (int i = 0; i < received; i++) {
                Calls.LIB.close(fds[i]);
            }
            for (int fd : extra) {
                Calls.LIB.close(fd);
            }
            java.util.Arrays.fill(fds, -1);
            throw Errno.exception("recvmsg", Linux.EMSGSIZE);
        }
        m.get(dataAt(fds.length), buf, off, n);
        return n;
    }

    /**
     * One native block for sendmsg/recvmsg: the struct msghdr at 0, its one iovec at
     * {@link #MSG_IOV}, the control buffer at {@link #MSG_CONTROL} with room for
     * {@code nfds} fds, then {@code len} bytes of data at {@link #dataAt}.
     */
    private Pointer msghdr(int len, int nfds) {
        int data = dataAt(nfds);
        Pointer m = Memory.allocateDirect(runtime, data + Math.max(len, 1), true);
        long base = m.address();
        m.putAddress(MSG_IOV, base + data);
        m.putLong(MSG_IOV + 8, len);
        m.putAddress(16, base + MSG_IOV);           // msg_iov
        m.putLong(24, 1);                           // msg_iovlen
        if (nfds > 0) {
            m.putAddress(32, base + MSG_CONTROL);   // msg_control
            m.putLong(40, cmsgSpace(nfds));         // msg_controllen
        }
        return m;
    }

    private static int dataAt(int nfds) {
        return MSG_CONTROL + (nfds == 0 ? 0 : cmsgSpace(nfds));
    }

    private static int cmsgSpace(int nfds) {
        return CMSG_HEADER + ((4 * nfds + 7) & ~7);
    }

    @Override
    public int preadv2(int fd, ByteBuffer buf, long offset, int flags) {
        return vectored("preadv2", fd, buf, offset, flags, false);
    }

    @Override
    public int pwritev2(int fd, ByteBuffer buf, long offset, int flags) {
        return vectored("pwritev2", fd, buf, offset, flags, true);
    }

    private int vectored(String function, int fd, ByteBuffer buf, long offset, int flags, boolean write) {
        Pointer v = iov.get();
        if (buf.isDirect()) {
            // jnr's wrap of a direct buffer points at its position, not at its start.
            v.putAddress(0, Pointer.wrap(runtime, buf).address());
            v.putLong(8, buf.remaining());
            int n = io(function, () -> write
                    ? Socks.LIB.pwritev2(fd, v, 1, offset, flags) : Socks.LIB.preadv2(fd, v, 1, offset, flags));
            return advance(buf, n);
        }
        ByteBuffer d = heapCopy.get();
        if (d == null) {
            d = ByteBuffer.allocateDirect(HEAP_CHUNK);
            heapCopy.set(d);
        }
        int len = Math.min(buf.remaining(), HEAP_CHUNK);
        d.clear().limit(len);
        if (write) {
            d.put(buf.duplicate().limit(buf.position() + len)).flip();
        }
        int n = vectored(function, fd, d, offset, flags, write);
        if (n > 0) {
            if (write) {
                buf.position(buf.position() + n);
            } else {
                d.flip();
                buf.put(d);
            }
        }
        return n;
    }

    @Override
    public void shutdown(int sockfd, int how) {
        if (Socks.LIB.shutdown(sockfd, how) == -1 && errno() != Linux.ENOTCONN) {
            throw fail("shutdown");
        }
    }

    // ---- regular files: a queue's spilled items -------------------------------------

    /** Bytes of an array copied through one native buffer per call of pwrite/pread. */
    private static final int FILE_CHUNK = 1 << 20;
    private final ThreadLocal<ByteBuffer> fileCopy = new ThreadLocal<>();

    @Override
    public int open(String path, int flags, int mode) {
        while (true) {
            int fd = Files.LIB.open(path, flags, mode);
            if (fd >= 0) {
                return fd;
            }
            if (errno() != Linux.EINTR) {
                throw fail("open");
            }
        }
    }

    @Override
    public void unlink(String path) {
        checkErrno("unlink", Files.LIB.unlink(path));
    }

    @Override
    public void renameat2(String from, String to, int flags) {
        checkErrno("renameat2", Files.LIB.renameat2(Linux.AT_FDCWD, from, Linux.AT_FDCWD, to, flags));
    }

    @Override
    public long pwrite(int fd, Object array, long off, long len, long pos) {
        PrimitiveArrays.checkRange(array, off, len);
        ByteBuffer d = fileBuffer();
        for (long done = 0; done < len; ) {
            d.clear().limit((int) Math.min(FILE_CHUNK, len - done));
            PrimitiveArrays.get(array, off + done, d);
            d.position(0);
            long n = Files.LIB.pwrite(fd, d, d.remaining(), pos + done);
            if (n < 0) {
                if (errno() == Linux.EINTR) {
                    continue;
                }
                throw fail("pwrite");
            }
            if (n < d.remaining()) {
                throw Errno.exception("pwrite", Linux.EIO);
            }
            done += n;
        }
        return len;
    }

    @Override
    public long pread(int fd, Object array, long off, long len, long pos) {
        PrimitiveArrays.checkRange(array, off, len);
        ByteBuffer d = fileBuffer();
        long done = 0;
        while (done < len) {
            d.clear().limit((int) Math.min(FILE_CHUNK, len - done));
            long n = Files.LIB.pread(fd, d, d.remaining(), pos + done);
            if (n < 0) {
                if (errno() == Linux.EINTR) {
                    continue;
                }
                throw fail("pread");
            }
            if (n == 0) {
                break;
            }
            int size = PrimitiveArrays.elementSize(array);
            long whole = n - n % size;
            if (whole == 0) {
                break;      // a file that ends inside an element: the caller sees it short
            }
            d.position(0).limit((int) whole);
            PrimitiveArrays.put(d, array, off + done);
            done += whole;
        }
        return done;
    }

    private ByteBuffer fileBuffer() {
        ByteBuffer d = fileCopy.get();
        if (d == null) {
            d = ByteBuffer.allocateDirect(FILE_CHUNK);
            fileCopy.set(d);
        }
        return d;
    }
}
