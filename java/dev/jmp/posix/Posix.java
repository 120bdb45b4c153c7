package dev.jmp.posix;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The only door from jmp to the kernel: one method per C function, named exactly
 * like it, with Java types in place of pointers. Every failure throws
 * {@link dev.jmp.PosixException} naming the function and the errno captured at the
 * call; no method returns -1.
 *
 * <p>Why an interface: the layers above must not know how a call reaches libc. Today
 * the backend is jnr-ffi ({@link JnrPosix}); a Panama FFM backend (JDK 22+) can be
 * added beside it and chosen with {@code -Djmp.posix=...} without touching anything
 * above this package.
 *
 * <p>Why lazy: binding native functions costs a child JVM real start-up time (jnr-ffi
 * generates a stub class per binding). {@link #libc()} binds on first use, so a child
 * that only computes never pays for it.
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
        JnrPosix.bindAll();
        warmUpCalls(libc());
    }

    /**
     * Calls once each function a warm child's first Queue, Pool channel, Lock or
     * SharedMemory will call, with arguments that fail harmlessly (a name that does not
     * exist, fd -1). Why: a binding's first call still costs ~1-2 ms (its argument
     * converters, the errno path), measured as a warm pool worker's first mq_open. No
     * kernel object is made: every call fails with ENOENT or EBADF.
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

    final class Holder {
        private Holder() {
        }

        static final Posix INSTANCE = load();

        private static Posix load() {
            String backend = System.getProperty("jmp.posix", "jnr");
            if (!backend.equals("jnr")) {
                throw new IllegalArgumentException("jmp.posix: unknown backend '" + backend + "' (known: jnr)");
            }
            return new JnrPosix();
        }
    }

    // ---- processes -------------------------------------------------------------

    int getpid();

    /** {@code kill(pid, sig)}. */
    void kill(int pid, int sig);

    /**
     * {@code waitpid(pid, &status, options)}: the pid reaped, or 0 with
     * {@link Linux#WNOHANG} while the child runs. {@code status[0]} receives the raw
     * wait status (decode with {@link WaitStatus}). EINTR is retried.
     */
    int waitpid(int pid, int[] status, int options);

    /**
     * {@code posix_spawn(&pid, path, file_actions, attrp, argv, envp)}; returns the
     * child's pid. posix_spawn returns its error number instead of setting errno;
     * it is thrown like any other.
     */
    int posix_spawn(String path, SpawnFileActions fileActions, SpawnAttr attr, List<String> argv, List<String> envp);

    SpawnFileActions posix_spawn_file_actions_init();

    void posix_spawn_file_actions_adddup2(SpawnFileActions fileActions, int fd, int newfd);

    void posix_spawn_file_actions_addclose(SpawnFileActions fileActions, int fd);

    /** glibc 2.34+: close every fd from {@code lowfd} up in the child. */
    void posix_spawn_file_actions_addclosefrom_np(SpawnFileActions fileActions, int lowfd);

    void posix_spawn_file_actions_destroy(SpawnFileActions fileActions);

    SpawnAttr posix_spawnattr_init();

    void posix_spawnattr_setflags(SpawnAttr attr, short flags);

    void posix_spawnattr_setsigmask(SpawnAttr attr, SigSet sigmask);

    void posix_spawnattr_setsigdefault(SpawnAttr attr, SigSet sigdefault);

    void posix_spawnattr_destroy(SpawnAttr attr);

    /** A new empty {@code sigset_t} ({@code sigemptyset}). */
    SigSet sigemptyset();

    /** A new full {@code sigset_t} ({@code sigfillset}). */
    SigSet sigfillset();

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

    MqAttr mq_getattr(int mqdes);

    /** Sets mq_flags (only O_NONBLOCK counts); returns the previous attributes. */
    MqAttr mq_setattr(int mqdes, long flags);

    // ---- POSIX shared memory (bound on first use) ------------------------------

    int shm_open(String name, int oflag, int mode);

    void shm_unlink(String name);

    void ftruncate(int fd, long length);

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
}
