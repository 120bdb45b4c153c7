package dev.jmp.posix;

import java.nio.ByteBuffer;

/**
 * The JNI binding of libjmp.so (C sources in {@code native/libjmp/}): C names, Java
 * types, nothing else. Only {@link JniPosix} calls it, after {@link NativeFiles}
 * has loaded the library.
 *
 * <p>The convention of every method: what the C call returns on success, and
 * {@code -errno} on failure, errno read in C right after the call. The waiting calls
 * ({@link #sem_acquire}, {@link #mq_send}, {@link #mq_receive}) also return
 * {@code -ETIMEDOUT} when the caller's deadline (monotonic nanoseconds,
 * {@link Long#MAX_VALUE} for none) has passed and {@code -EAGAIN} when one slice of
 * the wait ended first (slice 0: one try, no wait).
 */
final class LibJmp {
    private LibJmp() {
    }

    // errno.c
    static native String strerrorname_np(int errnum);

    static native String strerror(int errnum);

    // process.c
    static native int getpid();

    static native void _exit(int status);

    static native int malloc_trim(long pad);

    // call.c
    static native int callStaticVoid(Class<?> target, String name, String descriptor, long[] prims, Object[] refs);

    static native Object callStaticObject(Class<?> target, String name, String descriptor, long[] prims, Object[] refs);

    static native int kill(int pid, int sig);

    static native int waitpid(int pid, int[] status, int options);

    /** posix_spawn with {@code sources[i]} at fd {@code firstTarget + i}, nothing else but 0-2, signals reset. */
    static native int spawn(String path, String[] argv, String[] envp, int[] sources, int firstTarget);

    // fd.c
    static native int pipe2(int[] fds, int flags);

    static native int socketpair(int domain, int type, int protocol, int[] sv);

    /** Copied through a C buffer: safe on a descriptor that blocks. */
    static native int read(int fd, byte[] buf, int off, int len);

    static native int write(int fd, byte[] buf, int off, int len);

    static native int readDirect(int fd, ByteBuffer buf, int pos, int len);

    static native int writeDirect(int fd, ByteBuffer buf, int pos, int len);

    /** The array pinned for the call (no copy): only on a descriptor that never blocks. */
    static native int readPinned(int fd, byte[] buf, int off, int len);

    static native int writePinned(int fd, byte[] buf, int off, int len);

    static native int close(int fd);

    static native int fcntl(int fd, int cmd, int arg);

    static native int poll(int[] fds, short[] events, short[] revents, int timeout);

    // sem.c (its own sem_open, not glibc's: its comment says why)
    static native long sem_open(String name, int oflag, int mode, int value, boolean create);

    static native int sem_create(String name, int mode, int value);

    static native int sem_close(long sem);

    static native int sem_unlink(String name);

    static native int sem_wait(long sem);

    static native int sem_trywait(long sem);

    static native int sem_clockwait(long sem, int clockid, long abstime);

    static native int sem_post(long sem);

    static native int sem_getvalue(long sem);

    static native int sem_acquire(long sem, long deadline, long slice);

    static native int sem_release(long sem, int maxvalue);

    /** A direct ByteBuffer over the sem_t itself (sizeof(sem_t) bytes); null if the JVM makes none or it cannot be mapped. */
    static native ByteBuffer sem_memory(long sem);

    // mq.c
    static native int mq_open(String name, int oflag, int mode, long maxmsg, long msgsize, boolean create);

    static native int mq_close(int mqdes);

    static native int mq_unlink(String name);

    static native int mq_timedsend(int mqdes, byte[] msg, int off, int len, int prio, long abstime);

    static native int mq_timedreceive(int mqdes, byte[] buf, int off, int len, long abstime);

    static native int mq_send(int mqdes, byte[] msg, int off, int len, int prio, long deadline, long slice);

    static native int mq_receive(int mqdes, byte[] buf, int off, int len, long deadline, long slice);

    static native int mq_getattr(int mqdes, long[] attr);

    static native int mq_setattr(int mqdes, long flags, long[] old);

    // shm.c
    static native int shm_open(String name, int oflag, int mode);

    static native int shm_unlink(String name);

    static native int ftruncate(int fd, long length);

    /** The mapping's address, or -errno. */
    static native long mmap(int fd, long length);

    static native int munmap(long address, long length);

    /** A direct ByteBuffer over {@code length} bytes at {@code address}. */
    static native ByteBuffer memory(long address, long length);

    // socket.c
    static native int socket(int domain, int type, int protocol);

    static native int bind(int fd, byte[] addr);

    static native int listen(int fd, int backlog);

    static native int accept4(int fd, int flags);

    static native int connect(int fd, byte[] addr);

    /** getsockname, or getpeername if {@code peer}: the address's length, its bytes in {@code out} (128 long). */
    static native int getname(int fd, boolean peer, byte[] out);

    static native int getsockopt(int fd, int level, int name, int[] value);

    static native int setsockopt(int fd, int level, int name, int value);

    static native int shutdown(int fd, int how);

    static native int sendDirect(int fd, ByteBuffer buf, int pos, int len, int flags);

    static native int recvDirect(int fd, ByteBuffer buf, int pos, int len, int flags);

    static native int sendPinned(int fd, byte[] buf, int off, int len, int flags);

    static native int recvPinned(int fd, byte[] buf, int off, int len, int flags);

    static native int preadv2Direct(int fd, ByteBuffer buf, int pos, int len, long offset, int flags);

    static native int pwritev2Direct(int fd, ByteBuffer buf, int pos, int len, long offset, int flags);

    static native int preadv2Pinned(int fd, byte[] buf, int off, int len, long offset, int flags);

    static native int pwritev2Pinned(int fd, byte[] buf, int off, int len, long offset, int flags);

    static native int sendmsg(int fd, byte[] buf, int off, int len, int[] fds, int flags);

    static native int recvmsg(int fd, byte[] buf, int off, int len, int[] fds, int flags);

    // file.c: a queue's spilled items (any primitive array, pinned slice by slice)
    static native int open(String path, int flags, int mode);

    static native int unlink(String path);

    static native int renameat2(String from, String to, int flags);

    static native long pwrite(int fd, Object array, long off, long len, long pos);

    static native long pread(int fd, Object array, long off, long len, long pos);
}
