package dev.jmp.posix;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The only door from jmp to the kernel: one method per C function, named exactly
 * like it, with Java types in place of pointers. Every failure throws
 * {@link dev.jmp.PosixException} naming the function and the errno captured at the
 * call; no method returns -1.
 *
 * <p>Why an interface: the layers above must not know how a call reaches libc. The
 * default backend is jmp's own JNI library ({@link JniPosix} over libjmp.so, C sources
 * in {@code native/libjmp/}); {@code -Djmp.posix=jnr} chooses jnr-ffi
 * ({@link JnrPosix}), which is also the fallback when the library cannot be loaded.
 * Both pass one contract test.
 *
 * <p>Why JNI by default: binding libc with jnr-ffi costs a fresh JVM a quarter of a
 * second (it generates and loads a stub class per binding), and every spawned child
 * that touches a Lock or a Queue paid it; loading one small JNI library costs a few
 * milliseconds (README, start-up table). A JNI child loads no jnr class at all.
 *
 * <p>Why a few composite calls ({@link #sem_acquire}, {@link #sem_release},
 * {@link #spawn}, {@link #mq_send}, {@link #mq_receive}): CPython does these whole
 * operations in C, and so does libjmp, one crossing into native code each; the jnr
 * backend composes them in Java from the single calls.
 *
 * <p>Why lazy: {@link #libc()} loads on first use, so a child that only computes never
 * pays for it.
 */
public interface Posix {

    /** The process-wide backend, bound on first use. */
    static Posix libc() {
        return Holder.INSTANCE;
    }

    /**
     * Binds every family of functions now rather than on first use: for a process that
     * has time to spare now and none later (an idle warm child).
     */
    static void bindAll() {
        Posix posix = libc();
        if (posix instanceof JnrPosix) {
            JnrPosix.bindAll();
        } else if (posix instanceof JniPosix) {
            JniPosix.warmUp();
        }
        warmUpCalls(posix);
    }

    /**
     * Calls once each function a warm child's first Queue, Pool channel, Lock or
     * SharedMemory will call, with arguments that fail harmlessly (a name that does not
     * exist, fd -1). Why: a binding's first call costs far more than the later ones (its
     * argument converters, the errno path), as a warm pool worker's first mq_open showed. No
     * kernel object is made: every call fails with ENOENT or EBADF. On the JNI backend
     * the same calls only link each native method (the JVM looks its symbol up at the
     * first call), which costs little.
     */
    private static void warmUpCalls(Posix posix) {
        String absent = "/jmp.0.warmup-absent";
        Runnable[] calls = {
            () -> posix.mq_open(absent, Linux.O_RDWR | Linux.O_NONBLOCK),
            () -> posix.mq_getattr(-1),
            () -> posix.mq_timedsend(-1, new byte[1], 0, 1, 0, -1),
            () -> posix.mq_timedreceive(-1, new byte[1], 0, 1, -1),
            () -> posix.sem_open(absent, 0),
            () -> posix.shm_open(absent, Linux.O_RDWR, 0),
        };
        for (Runnable call : calls) {
            try {
                call.run();
            } catch (RuntimeException expected) {
                // ENOENT, EBADF: the point was the call.
            }
        }
    }

    /**
     * The backend, chosen once per process by {@code jmp.posix}: unset, JNI with jnr-ffi
     * as the fallback (one WARNING saying why, and {@code jmp.posix=jnr} for the
     * children so that they do not try again); {@code jni}, JNI or an
     * UnsatisfiedLinkError that says why; {@code jnr}, jnr-ffi.
     */
    final class Holder {
        private Holder() {
        }

        static final Posix INSTANCE = bound(load());

        private static Posix bound(Posix backend) {
            Bound.yes = true;
            return backend;
        }

        private static Posix load() {
            String chosen = System.getProperty("jmp.posix");
            if ("jnr".equals(chosen)) {
                return new JnrPosix();
            }
            if (chosen != null && !chosen.equals("jni")) {
                throw new IllegalArgumentException("jmp.posix: unknown backend '" + chosen + "' (known: jni, jnr)");
            }
            try {
                NativeFiles.load();
                return new JniPosix();
            } catch (UnsatisfiedLinkError | UnsupportedOperationException | SecurityException e) {
                if (chosen != null) {
                    UnsatisfiedLinkError error = new UnsatisfiedLinkError(
                            "jmp.posix=jni, but jmp's native library cannot be loaded: " + e.getMessage());
                    error.initCause(e);
                    throw error;
                }
                System.getLogger("dev.jmp.posix").log(System.Logger.Level.WARNING,
                        "jmp: native library libjmp not loaded ({0}); using jnr-ffi instead, slower to start",
                        e.getMessage());
                System.setProperty("jmp.posix", "jnr");
                return new JnrPosix();
            }
        }
    }

    /** {@link #sem_acquire}, {@link #mq_send}, {@link #mq_receive}: the deadline passed first. */
    int TIMED_OUT = -1;

    /**
     * {@link #sem_acquire}, {@link #mq_send}, {@link #mq_receive}: one slice of the wait
     * ended with the deadline still ahead; the caller looks at its interrupt flag and
     * calls again with the same deadline.
     */
    int SLICE_ENDED = -2;

    // ---- processes -------------------------------------------------------------

    int getpid();

    /**
     * {@code _exit(status)}: the process ends now, without the JVM's shutdown (no
     * shutdown hook, no wait for threads in native code). Never returns.
     */
    void _exit(int status);

    /**
     * {@code malloc_trim(pad)} (glibc): the C heap's free memory, beyond {@code pad}
     * bytes, goes back to the kernel. 1 if some was given back, else 0.
     */
    int malloc_trim(long pad);

    /**
     * True once {@link #libc()} has bound the native layer in this JVM: a caller that
     * merely could use it asks here first rather than pay for loading it.
     */
    static boolean loaded() {
        return Bound.yes;
    }

    /**
     * True if binding the native layer is cheap here: it is bound already, or it would
     * be libjmp (a small JNI library) rather than jnr-ffi (the fallback, whose binding
     * costs a young JVM a few hundred milliseconds). For a caller that has a plain-Java
     * way too, slower than the native call but cheaper than binding jnr-ffi.
     */
    static boolean cheap() {
        return Bound.yes || !"jnr".equals(System.getProperty("jmp.posix"));
    }

    /** Apart from {@link Holder}: reading it must not bind anything. */
    final class Bound {
        private Bound() {
        }

        static volatile boolean yes;
    }

    /** {@code kill(pid, sig)}. */
    void kill(int pid, int sig);

    /**
     * {@code waitpid(pid, &status, options)}: the pid reaped, or 0 with
     * {@link Linux#WNOHANG} while the child runs. {@code status[0]} receives the raw
     * wait status (decode with {@link WaitStatus}). EINTR is retried.
     */
    int waitpid(int pid, int[] status, int options);

    /**
     * A child's whole start in one call: {@code posix_spawn(path, argv, envp)} with
     * {@code sources[i]} of this process at fd {@code firstTarget + i} of the child, fds
     * 0 to {@code firstTarget - 1} inherited, every other fd closed
     * ({@code addclosefrom_np}), an empty signal mask and every signal disposition at
     * its default. Returns the child's pid. A source whose number is itself a lower
     * target is copied above the targets first, so that no dup2 of the file actions
     * overwrites a source before it is copied. posix_spawn returns its error number
     * instead of setting errno; it is thrown like any other, as "posix_spawn".
     */
    int spawn(String path, List<String> argv, List<String> envp, int[] sources, int firstTarget);

    // ---- file descriptors ------------------------------------------------------

    /** {@code pipe2(fds, flags)}: {read end, write end}. */
    int[] pipe2(int flags);

    /**
     * {@code read(fd, buf + off, len)}: bytes read, 0 at end of file. EINTR is
     * retried; EAGAIN (non-blocking fd, nothing there) returns -1.
     */
    int read(int fd, byte[] buf, int off, int len);

    /**
     * {@code write(fd, buf + off, len)}: bytes written (possibly fewer than len).
     * EINTR is retried; EAGAIN (non-blocking fd, full) returns -1.
     */
    int write(int fd, byte[] buf, int off, int len);

    /**
     * {@code read(fd, buf + position, remaining)}, advancing the buffer's position, with
     * no copy: a direct buffer is passed as it is, a heap buffer's array is pinned for
     * the call. Why only for an fd that never blocks (O_NONBLOCK): a pinned array holds
     * off the garbage collector of the whole JVM until the call returns. Same return
     * values as the array form.
     */
    int read(int fd, ByteBuffer buf);

    /** {@code write(fd, buf + position, remaining)}, as {@link #read(int, ByteBuffer)}. */
    int write(int fd, ByteBuffer buf);

    void close(int fd);

    /** {@code fcntl(fd, cmd, arg)} for the int-argument commands. */
    int fcntl(int fd, int cmd, int arg);

    /**
     * {@code poll(fds, nfds, timeout)}, one {@code struct pollfd} per index of the
     * three arrays. Returns the number of ready fds, 0 on timeout. Returns -1 on
     * EINTR instead of throwing, so callers can recompute their deadline.
     */
    int poll(int[] fds, short[] events, short[] revents, int timeoutMillis);

    /** {@code socketpair(domain, type, protocol)}: the two connected ends. */
    int[] socketpair(int domain, int type, int protocol);

    // ---- POSIX named semaphores (bound on first use) ---------------------------

    /** Creating form: {@code sem_open(name, oflag, mode, value)}. */
    Sem sem_open(String name, int oflag, int mode, int value);

    /** Opening form: {@code sem_open(name, oflag)}. */
    Sem sem_open(String name, int oflag);

    /**
     * {@code sem_open(name, O_CREAT | O_EXCL, mode, value)} without keeping it open: the
     * semaphore exists under {@code name} afterwards and this process holds nothing of
     * it, no mapping and no descriptor; it opens it with {@link #sem_open(String, int)}
     * at its first use. EEXIST if the name is taken.
     */
    void sem_create(String name, int mode, int value);

    void sem_close(Sem sem);

    void sem_unlink(String name);

    /** Blocks without a timeout; EINTR is retried. Not woken by Thread.interrupt(). */
    void sem_wait(Sem sem);

    /** True if decremented, false if not (the value was 0; or not a semaphore, which the next blocking call reports). */
    boolean sem_trywait(Sem sem);

    /**
     * {@code sem_clockwait(sem, clockid, abstime)} with {@code abstime} in nanoseconds on
     * that clock (for {@link Linux#CLOCK_MONOTONIC}, {@link System#nanoTime()} is that
     * clock). True if decremented; false on ETIMEDOUT or EINTR, so that the caller
     * looks at its deadline and interrupt flag and calls again.
     */
    boolean sem_clockwait(Sem sem, int clockid, long abstimeNanos);

    void sem_post(Sem sem);

    int sem_getvalue(Sem sem);

    /**
     * A SemLock's acquire in one call, as CPython's {@code semaphore.c} does it: a
     * {@code sem_trywait}, then {@code sem_clockwait} on CLOCK_MONOTONIC until the end
     * of the slice or the deadline ({@link System#nanoTime()} nanoseconds,
     * {@link Long#MAX_VALUE} for none), EINTR going on with the same end. 1 if
     * decremented; {@link #TIMED_OUT}; {@link #SLICE_ENDED} (with {@code sliceNanos} 0:
     * after the one try, without waiting).
     */
    int sem_acquire(Sem sem, long deadlineNanos, long sliceNanos);

    /**
     * A SemLock's release in one call: unless {@code maxvalue} is
     * {@link Integer#MAX_VALUE}, false and nothing posted if the value is already
     * {@code maxvalue} (a Lock released too many times); else {@code sem_post} and true.
     * EOVERFLOW past SEM_VALUE_MAX is thrown. Like CPython's, the check does not guard
     * against two releases racing from different processes.
     */
    boolean sem_release(Sem sem, int maxvalue);

    /**
     * True if a call that has not been made before in this process costs about what any
     * native call costs (libjmp registers all its functions when it loads), so that a
     * caller with a Java path whose first use costs more (linking VarHandles) may take
     * the native one while the process is young. False for jnr-ffi, which generates each
     * function's stub at its first call.
     */
    default boolean firstCallsCheap() {
        return false;
    }

    /**
     * Calls the static void method {@code name}, JVM descriptor {@code descriptor}, of
     * {@code c} through JNI's {@code CallStaticVoidMethodA}: argument i is
     * {@code prims[i]} for a primitive parameter (a float's or a double's raw bits) and
     * {@code refs[i]} for a reference. Not a C library function: one of libjmp's two calls
     * into Java, for {@code dev.jmp.spawn.StaticCall}, because unlike core reflection (built
     * on method handles from JDK 18 on) it generates no code in a fresh JVM. What the
     * method throws propagates as itself; NoSuchMethodError if there is no such method,
     * IllegalArgumentException if the descriptor does not take as many arguments.
     * UnsupportedOperationException on a backend that cannot ({@link #firstCallsCheap} false).
     */
    default void callStaticVoid(Class<?> c, String name, String descriptor, long[] prims, Object[] refs) {
        throw new UnsupportedOperationException("callStaticVoid needs libjmp");
    }

    /**
     * As {@link #callStaticVoid}, for a static method that returns a reference (JNI's
     * {@code CallStaticObjectMethodA}): what it returned. IllegalArgumentException also
     * if the descriptor's return type is not a reference.
     */
    default Object callStaticObject(Class<?> c, String name, String descriptor, long[] prims, Object[] refs) {
        throw new UnsupportedOperationException("callStaticObject needs libjmp");
    }

    /**
     * The {@code sem_t} that {@code sem} points at, as a direct ByteBuffer of
     * {@code sizeof(sem_t)} bytes in native order: a view of the C library's own
     * mapping of {@code /dev/shm/sem.NAME}, made without a system call. What the bytes
     * mean is the C library's business ({@code dev.jmp.sync.SemDescriptor} checks them
     * before it relies on them). Valid only while {@code sem} is open: {@code sem_close}
     * unmaps it, so the caller keeps the handle open across every use of the buffer.
     * Null if the backend cannot make one.
     */
    ByteBuffer sem_memory(Sem sem);

    // ---- POSIX message queues (bound on first use) -----------------------------

    /** Creating form: {@code mq_open(name, oflag, mode, &attr)}; returns the mqd_t (an fd). */
    int mq_open(String name, int oflag, int mode, long maxmsg, long msgsize);

    /** Opening form: {@code mq_open(name, oflag)}. */
    int mq_open(String name, int oflag);

    void mq_close(int mqdes);

    void mq_unlink(String name);

    /**
     * {@code mq_timedsend}; {@code abstimeRealtimeNanos} is on CLOCK_REALTIME (as the
     * C function wants), or negative to block without a timeout. True if sent; false
     * on ETIMEDOUT, EAGAIN (O_NONBLOCK queue full) or EINTR.
     */
    boolean mq_timedsend(int mqdes, byte[] msg, int off, int len, int prio, long abstimeRealtimeNanos);

    /**
     * {@code mq_timedreceive} into {@code buf[off..off+len)}, which must hold the
     * queue's msgsize. The message length, or -1 on ETIMEDOUT, EAGAIN or EINTR.
     */
    int mq_timedreceive(int mqdes, byte[] buf, int off, int len, long abstimeRealtimeNanos);

    /**
     * A send with a deadline in one call, on an O_NONBLOCK queue: tries, and while the
     * queue is full waits in {@code poll} for room until the end of the slice or the
     * deadline (monotonic, as {@link #sem_acquire}). 1 if sent; {@link #TIMED_OUT};
     * {@link #SLICE_ENDED} ({@code sliceNanos} 0: one try).
     */
    int mq_send(int mqdes, byte[] msg, int off, int len, int prio, long deadlineNanos, long sliceNanos);

    /**
     * A receive into {@code buf[off..off+len)} with a deadline in one call, as
     * {@link #mq_send}: the message's length; {@link #TIMED_OUT}; {@link #SLICE_ENDED}.
     */
    int mq_receive(int mqdes, byte[] buf, int off, int len, long deadlineNanos, long sliceNanos);

    MqAttr mq_getattr(int mqdes);

    /** Sets mq_flags (only O_NONBLOCK counts); returns the previous attributes. */
    MqAttr mq_setattr(int mqdes, long flags);

    // ---- POSIX shared memory (bound on first use) ------------------------------

    int shm_open(String name, int oflag, int mode);

    void shm_unlink(String name);

    void ftruncate(int fd, long length);

    /**
     * {@code mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)}: the
     * mapping's address, for {@link #memory} and {@link #munmap}. The mapping outlives
     * {@code fd}; nothing unmaps it but munmap.
     */
    long mmap(int fd, int length);

    /** {@code munmap(address, length)} of a mapping {@link #mmap} made. */
    void munmap(long address, int length);

    /**
     * The {@code length} bytes at {@code address} (a mapping {@link #mmap} made) as a
     * direct ByteBuffer in native byte order: no copy, no system call, no cleaner (the
     * caller unmaps once no buffer over the mapping can be used any more).
     */
    ByteBuffer memory(long address, int length);

    // ---- sockets, fd passing, non-blocking I/O on shared fds -------------------
    //
    // Socket addresses are the raw bytes of the C struct (sockaddr_un, sockaddr_in,
    // sockaddr_in6), encoded and decoded by dev.jmp.connection.SockAddr; the backend
    // passes them as (struct sockaddr *) bytes, length.

    /** {@code socket(domain, type, protocol)}: the new fd. type may include SOCK_CLOEXEC | SOCK_NONBLOCK. */
    int socket(int domain, int type, int protocol);

    /** {@code bind(sockfd, (struct sockaddr *) addr, addr.length)}. */
    void bind(int sockfd, byte[] addr);

    /** {@code listen(sockfd, backlog)}. */
    void listen(int sockfd, int backlog);

    /**
     * {@code accept4(sockfd, NULL, NULL, flags)}: the new connected fd; -1 on EAGAIN (nothing
     * to accept on a non-blocking listener) and on ECONNABORTED (the peer gave up before
     * it was accepted). EINTR is retried.
     */
    int accept4(int sockfd, int flags);

    /**
     * {@code connect(sockfd, (struct sockaddr *) addr, addr.length)}: true once connected;
     * false on EINPROGRESS, EALREADY, EAGAIN or EINTR (the connection goes on: poll for
     * POLLOUT, then read SO_ERROR). EINTR is not retried (a second connect would say
     * EALREADY). Any other errno throws (ECONNREFUSED, ENOENT, ...).
     */
    boolean connect(int sockfd, byte[] addr);

    /** {@code getsockname}: the address, exactly {@code addrlen} bytes. */
    byte[] getsockname(int sockfd);

    /** {@code getpeername}: the address, exactly {@code addrlen} bytes. */
    byte[] getpeername(int sockfd);

    /** {@code getsockopt(sockfd, level, optname, &value, &len)} for int-valued options (SO_ERROR). */
    int getsockopt(int sockfd, int level, int optname);

    /** {@code setsockopt(sockfd, level, optname, &value, sizeof(int))} for int-valued options. */
    void setsockopt(int sockfd, int level, int optname, int value);

    /**
     * {@code send(sockfd, buf + position, remaining, flags)}, advancing the position by the
     * bytes sent; buffers as {@link #write(int, ByteBuffer)}. Bytes sent; -1 on EAGAIN.
     * EINTR retried. jmp passes MSG_DONTWAIT | MSG_NOSIGNAL.
     */
    int send(int sockfd, ByteBuffer buf, int flags);

    /**
     * {@code recv(sockfd, buf + position, remaining, flags)}, advancing the position. Bytes
     * read, 0 at end of file; -1 on EAGAIN. EINTR retried. jmp passes MSG_DONTWAIT.
     */
    int recv(int sockfd, ByteBuffer buf, int flags);

    /**
     * {@code sendmsg(sockfd, &msg, flags)} with one iovec {@code buf[off, off+len)} and, when
     * {@code fds.length > 0}, one SCM_RIGHTS control message carrying all of {@code fds}.
     * Bytes sent; -1 on EAGAIN. EINTR retried.
     */
    int sendmsg(int sockfd, byte[] buf, int off, int len, int[] fds, int flags);

    /**
     * {@code recvmsg(sockfd, &msg, flags)} into {@code buf[off, off+len)} with control room
     * for {@code fds.length} descriptors. On return {@code fds[0..k)} hold the fds received
     * by SCM_RIGHTS and {@code fds[k..)} are -1. Bytes read (0: end of file); -1 on EAGAIN.
     * EINTR retried. If the kernel cut the control data (MSG_CTRUNC), the fds that did
     * arrive are closed and PosixException EMSGSIZE is thrown. jmp passes MSG_CMSG_CLOEXEC.
     */
    int recvmsg(int sockfd, byte[] buf, int off, int len, int[] fds, int flags);

    /**
     * {@code preadv2(fd, {buf + position, remaining}, 1, offset, flags)}, advancing the
     * position; buffers as {@link #read(int, ByteBuffer)}. With offset -1 and RWF_NOWAIT on
     * a blocking pipe: bytes read, 0 at end of file, -1 on EAGAIN. EINTR retried.
     * EOPNOTSUPP (a kernel without RWF_NOWAIT for pipes) is thrown like any errno.
     */
    int preadv2(int fd, ByteBuffer buf, long offset, int flags);

    /** {@code pwritev2}, as {@link #preadv2}: bytes written (possibly fewer), -1 on EAGAIN. */
    int pwritev2(int fd, ByteBuffer buf, long offset, int flags);

    /** {@code shutdown(sockfd, how)}; ENOTCONN is ignored (nothing to shut down). */
    void shutdown(int sockfd, int how);

    // ---- regular files: a queue's spilled items -------------------------------------

    /** {@code open(path, flags, mode)}: the new fd. EINTR retried. */
    int open(String path, int flags, int mode);

    /** {@code unlink(path)}. */
    void unlink(String path);

    /**
     * {@code renameat2(AT_FDCWD, from, AT_FDCWD, to, flags)}: with {@link Linux#RENAME_NOREPLACE}
     * it fails with EEXIST instead of replacing {@code to}, in one atomic step.
     */
    void renameat2(String from, String to, int flags);

    /**
     * {@code pwrite} of all of bytes {@code [off, off + len)} of a primitive array
     * ({@code byte[]}, {@code char[]}, {@code int[]}, {@code long[]}, {@code double[]}, ...;
     * its elements in the machine's byte order) at file offset {@code pos}, from the
     * array itself (no copy on the libjmp backend). Returns len; a file that takes fewer
     * bytes is EIO. IllegalArgumentException for anything but a primitive array or for a
     * range that is not whole elements, IndexOutOfBoundsException for a range outside it.
     */
    long pwrite(int fd, Object array, long off, long len, long pos);

    /**
     * {@code pread} into bytes {@code [off, off + len)} of a primitive array, as
     * {@link #pwrite}: bytes read, fewer than len only at the end of the file.
     */
    long pread(int fd, Object array, long off, long len, long pos);
}
