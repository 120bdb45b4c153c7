package dev.jmp.posix;

import java.nio.ByteBuffer;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.Pinned;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * jnr-ffi binding of libc's socket calls, fd passing and per-call non-blocking I/O;
 * bound only when first used. A struct sockaddr is a byte array holding the C struct.
 */
@SaveError
public interface LibSocket {
    int socket(int domain, int type, int protocol);

    int bind(int sockfd, @In byte[] addr, int addrlen);

    int listen(int sockfd, int backlog);

    int accept4(int sockfd, Pointer addr, Pointer addrlen, int flags);

    int connect(int sockfd, @In byte[] addr, int addrlen);

    int getsockname(int sockfd, @Out byte[] addr, @In @Out int[] addrlen);

    int getpeername(int sockfd, @Out byte[] addr, @In @Out int[] addrlen);

    int getsockopt(int sockfd, int level, int optname, @Out int[] optval, @In @Out int[] optlen);

    int setsockopt(int sockfd, int level, int optname, @In int[] optval, int optlen);

    @ssize_t long send(int sockfd, @Pinned @In ByteBuffer buf, @size_t long len, int flags);

    @ssize_t long recv(int sockfd, @Pinned @Out ByteBuffer buf, @size_t long len, int flags);

    @ssize_t long sendmsg(int sockfd, Pointer msg, int flags);

    @ssize_t long recvmsg(int sockfd, Pointer msg, int flags);

    @ssize_t long preadv2(int fd, Pointer iov, int iovcnt, long offset, int flags);

    @ssize_t long pwritev2(int fd, Pointer iov, int iovcnt, long offset, int flags);

    int shutdown(int sockfd, int how);
}
