package dev.jmp.posix;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.Pinned;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.annotations.Variadic;
import jnr.ffi.types.pid_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The jnr-ffi binding of libc.so.6: C signatures, C names, nothing else. Only
 * {@link JnrPosix} calls it. Must be public: jnr-ffi generates its implementation in
 * another class loader and package-private gives IllegalAccessError.
 */
@SaveError
public interface LibC {
    @pid_t int getpid();

    void _exit(int status);

    int malloc_trim(@size_t long pad);

    int kill(@pid_t int pid, int sig);

    @pid_t int waitpid(@pid_t int pid, @Out int[] status, int options);

    int posix_spawn(@Out int[] pid, String path, Pointer fileActions, Pointer attrp, String[] argv, String[] envp);

    int posix_spawn_file_actions_init(Pointer fileActions);

    int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newfd);

    int posix_spawn_file_actions_addclose(Pointer fileActions, int fd);

    int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int lowfd);

    int posix_spawn_file_actions_destroy(Pointer fileActions);

    int posix_spawnattr_init(Pointer attr);

    int posix_spawnattr_setflags(Pointer attr, short flags);

    int posix_spawnattr_setsigmask(Pointer attr, Pointer sigmask);

    int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigdefault);

    int posix_spawnattr_destroy(Pointer attr);

    int sigemptyset(Pointer set);

    int sigfillset(Pointer set);

    int pipe2(@Out int[] fds, int flags);

    @ssize_t long read(int fd, @Out byte[] buf, @size_t long count);

    @ssize_t long write(int fd, @In byte[] buf, @size_t long count);

    /** A heap buffer is pinned (no copy) for the call; a direct one is passed as it is. */
    @ssize_t long read(int fd, @Pinned @Out java.nio.ByteBuffer buf, @size_t long count);

    @ssize_t long write(int fd, @Pinned @In java.nio.ByteBuffer buf, @size_t long count);

    int close(int fd);

    int socketpair(int domain, int type, int protocol, @Out int[] sv);

    @Variadic(fixedCount = 2)
    int fcntl(int fd, int cmd, int arg);

    /** {@code struct pollfd[]} as pairs of ints: fd, then {@code events | revents << 16}. */
    int poll(@In @Out int[] fds, long nfds, int timeout);
}
