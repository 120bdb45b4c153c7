/*
 * Sockets, descriptor passing (SCM_RIGHTS) and non-blocking reads and writes on
 * shared blocking pipes (preadv2/pwritev2 with RWF_NOWAIT).
 *
 * A socket address is the raw bytes of its C struct, made and read in Java
 * (dev.jmp.connection.SockAddr); here it is only (struct sockaddr *) bytes, length.
 * Bytes move as in fd.c: heap arrays of sendmsg/recvmsg are copied (the socket may
 * block); the ByteBuffer calls are for calls that never block (MSG_DONTWAIT,
 * RWF_NOWAIT), so a heap buffer's array is pinned and a direct one passed by address.
 */
#include "jmp.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define ADDR_MAX ((jsize) sizeof(struct sockaddr_storage))

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_socket(JNIEnv *env, jclass c, jint domain, jint type, jint protocol) {
    (void) env, (void) c;
    int fd = socket(domain, type, protocol);
    return fd < 0 ? -errno : fd;
}

/* bind and connect: the address copied out of its Java array. */
static int with_addr(JNIEnv *env, jbyteArray addr, struct sockaddr_storage *sa, socklen_t *len) {
    jsize n = (*env)->GetArrayLength(env, addr);
    if (n > ADDR_MAX) {
        return -EINVAL;
    }
    memset(sa, 0, sizeof *sa);
    (*env)->GetByteArrayRegion(env, addr, 0, n, (jbyte *) sa);
    *len = (socklen_t) n;
    return 0;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_bind(JNIEnv *env, jclass c, jint fd, jbyteArray addr) {
    (void) c;
    struct sockaddr_storage sa;
    socklen_t len;
    int bad = with_addr(env, addr, &sa, &len);
    return bad ? bad : bind(fd, (struct sockaddr *) &sa, len) == 0 ? 0 : -errno;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_listen(JNIEnv *env, jclass c, jint fd, jint backlog) {
    (void) env, (void) c;
    return listen(fd, backlog) == 0 ? 0 : -errno;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_accept4(JNIEnv *env, jclass c, jint fd, jint flags) {
    (void) env, (void) c;
    int r;
    do {
        r = accept4(fd, NULL, NULL, flags);
    } while (r < 0 && errno == EINTR);
    return r < 0 ? -errno : r;
}

/* Not retried on EINTR: the connection goes on, and a second connect would say EALREADY. */
JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_connect(JNIEnv *env, jclass c, jint fd, jbyteArray addr) {
    (void) c;
    struct sockaddr_storage sa;
    socklen_t len;
    int bad = with_addr(env, addr, &sa, &len);
    return bad ? bad : connect(fd, (struct sockaddr *) &sa, len) == 0 ? 0 : -errno;
}

/* getsockname (peer 0) or getpeername (peer 1): the address's length, its bytes in out (ADDR_MAX long). */
JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_getname(JNIEnv *env, jclass c, jint fd, jboolean peer, jbyteArray out) {
    (void) c;
    struct sockaddr_storage sa;
    socklen_t len = sizeof sa;
    memset(&sa, 0, sizeof sa);
    int r = peer ? getpeername(fd, (struct sockaddr *) &sa, &len) : getsockname(fd, (struct sockaddr *) &sa, &len);
    if (r != 0) {
        return -errno;
    }
    jsize n = len > sizeof sa ? ADDR_MAX : (jsize) len;
    (*env)->SetByteArrayRegion(env, out, 0, n, (const jbyte *) &sa);
    return n;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_getsockopt(JNIEnv *env, jclass c, jint fd, jint level, jint name,
        jintArray value) {
    (void) c;
    int v = 0;
    socklen_t len = sizeof v;
    if (getsockopt(fd, level, name, &v, &len) != 0) {
        return -errno;
    }
    jint out = v;
    (*env)->SetIntArrayRegion(env, value, 0, 1, &out);
    return 0;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_setsockopt(JNIEnv *env, jclass c, jint fd, jint level, jint name,
        jint value) {
    (void) env, (void) c;
    int v = value;
    return setsockopt(fd, level, name, &v, sizeof v) == 0 ? 0 : -errno;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_shutdown(JNIEnv *env, jclass c, jint fd, jint how) {
    (void) env, (void) c;
    return shutdown(fd, how) == 0 ? 0 : -errno;
}

/* send/recv (and preadv2/pwritev2 below) on a direct buffer's address or a pinned array. */
static ssize_t sendrecv(int fd, char *p, size_t len, int flags, int out) {
    ssize_t n;
    do {
        n = out ? send(fd, p, len, flags) : recv(fd, p, len, flags);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_sendDirect(JNIEnv *env, jclass c, jint fd, jobject buf, jint pos,
        jint len, jint flags) {
    (void) c;
    char *base = (*env)->GetDirectBufferAddress(env, buf);
    return base == NULL ? -EINVAL : (jint) sendrecv(fd, base + pos, (size_t) len, flags, 1);
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_recvDirect(JNIEnv *env, jclass c, jint fd, jobject buf, jint pos,
        jint len, jint flags) {
    (void) c;
    char *base = (*env)->GetDirectBufferAddress(env, buf);
    return base == NULL ? -EINVAL : (jint) sendrecv(fd, base + pos, (size_t) len, flags, 0);
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_sendPinned(JNIEnv *env, jclass c, jint fd, jbyteArray buf, jint off,
        jint len, jint flags) {
    (void) c;
    jbyte *base = (*env)->GetPrimitiveArrayCritical(env, buf, NULL);
    if (base == NULL) {
        return -ENOMEM;
    }
    ssize_t n = sendrecv(fd, (char *) base + off, (size_t) len, flags, 1);
    (*env)->ReleasePrimitiveArrayCritical(env, buf, base, JNI_ABORT);
    return (jint) n;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_recvPinned(JNIEnv *env, jclass c, jint fd, jbyteArray buf, jint off,
        jint len, jint flags) {
    (void) c;
    jbyte *base = (*env)->GetPrimitiveArrayCritical(env, buf, NULL);
    if (base == NULL) {
        return -ENOMEM;
    }
    ssize_t n = sendrecv(fd, (char *) base + off, (size_t) len, flags, 0);
    (*env)->ReleasePrimitiveArrayCritical(env, buf, base, 0);
    return (jint) n;
}

static ssize_t vectored(int fd, char *p, size_t len, jlong offset, int flags, int out) {
    struct iovec v = {.iov_base = p, .iov_len = len};
    ssize_t n;
    do {
        n = out ? pwritev2(fd, &v, 1, (off_t) offset, flags) : preadv2(fd, &v, 1, (off_t) offset, flags);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_preadv2Direct(JNIEnv *env, jclass c, jint fd, jobject buf, jint pos,
        jint len, jlong offset, jint flags) {
    (void) c;
    char *base = (*env)->GetDirectBufferAddress(env, buf);
    return base == NULL ? -EINVAL : (jint) vectored(fd, base + pos, (size_t) len, offset, flags, 0);
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_pwritev2Direct(JNIEnv *env, jclass c, jint fd, jobject buf, jint pos,
        jint len, jlong offset, jint flags) {
    (void) c;
    char *base = (*env)->GetDirectBufferAddress(env, buf);
    return base == NULL ? -EINVAL : (jint) vectored(fd, base + pos, (size_t) len, offset, flags, 1);
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_preadv2Pinned(JNIEnv *env, jclass c, jint fd, jbyteArray buf, jint off,
        jint len, jlong offset, jint flags) {
    (void) c;
    jbyte *base = (*env)->GetPrimitiveArrayCritical(env, buf, NULL);
    if (base == NULL) {
        return -ENOMEM;
    }
    ssize_t n = vectored(fd, (char *) base + off, (size_t) len, offset, flags, 0);
    (*env)->ReleasePrimitiveArrayCritical(env, buf, base, 0);
    return (jint) n;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_pwritev2Pinned(JNIEnv *env, jclass c, jint fd, jbyteArray buf, jint off,
        jint len, jlong offset, jint flags) {
    (void) c;
    jbyte *base = (*env)->GetPrimitiveArrayCritical(env, buf, NULL);
    if (base == NULL) {
        return -ENOMEM;
    }
    ssize_t n = vectored(fd, (char *) base + off, (size_t) len, offset, flags, 1);
    (*env)->ReleasePrimitiveArrayCritical(env, buf, base, JNI_ABORT);
    return (jint) n;
}

/* Room for this many descriptors in one control message on the stack; more through malloc. */
#define FDS_STACK 16

/* A msghdr with one iovec over a copy of the bytes, and control room for nfds descriptors. */
struct message {
    struct jmp_buffer data;
    union {
        struct cmsghdr align;
        char bytes[CMSG_SPACE(FDS_STACK * sizeof(int))];
    } cstack;
    char *control;
    struct iovec iov;
    struct msghdr m;
};

static int message_init(struct message *msg, size_t len, jsize nfds) {
    size_t room = nfds > 0 ? CMSG_SPACE((size_t) nfds * sizeof(int)) : 0;
    char *data = jmp_buffer_get(&msg->data, len);
    msg->control = room <= sizeof msg->cstack.bytes ? msg->cstack.bytes : malloc(room);
    if (data == NULL || msg->control == NULL) {
        return -ENOMEM;
    }
    memset(msg->control, 0, room);
    msg->iov.iov_base = data;
    msg->iov.iov_len = len;
    memset(&msg->m, 0, sizeof msg->m);
    msg->m.msg_iov = &msg->iov;
    msg->m.msg_iovlen = 1;
    if (room > 0) {
        msg->m.msg_control = msg->control;
        msg->m.msg_controllen = room;
    }
    return 0;
}

static void message_free(struct message *msg) {
    jmp_buffer_free(&msg->data);
    if (msg->control != msg->cstack.bytes) {
        free(msg->control);
    }
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_sendmsg(JNIEnv *env, jclass c, jint fd, jbyteArray buf, jint off,
        jint len, jintArray fds, jint flags) {
    (void) c;
    jsize nfds = (*env)->GetArrayLength(env, fds);
    struct message msg;
    ssize_t n = message_init(&msg, (size_t) len, nfds);
    if (n == 0) {
        (*env)->GetByteArrayRegion(env, buf, off, len, (jbyte *) msg.iov.iov_base);
        if (nfds > 0) {
            struct cmsghdr *h = CMSG_FIRSTHDR(&msg.m);
            h->cmsg_level = SOL_SOCKET;
            h->cmsg_type = SCM_RIGHTS;
            h->cmsg_len = CMSG_LEN((size_t) nfds * sizeof(int));
            (*env)->GetIntArrayRegion(env, fds, 0, nfds, (jint *) CMSG_DATA(h));
        }
        do {
            n = sendmsg(fd, &msg.m, flags);
        } while (n < 0 && errno == EINTR);
        if (n < 0) {
            n = -errno;
        }
    }
    message_free(&msg);
    return (jint) n;
}

/*
 * The descriptors of the SCM_RIGHTS messages into out[0..nfds), the rest -1. If the
 * kernel cut the control data, or more came than there was room for, every one that
 * arrived is closed: -EMSGSIZE; else 0.
 */
static int take_fds(struct msghdr *m, jint *out, jsize nfds) {
    jsize received = 0;
    int overflow = (m->msg_flags & MSG_CTRUNC) != 0;
    for (jsize i = 0; i < nfds; i++) {
        out[i] = -1;
    }
    for (struct cmsghdr *h = nfds > 0 ? CMSG_FIRSTHDR(m) : NULL; h != NULL; h = CMSG_NXTHDR(m, h)) {
        if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS) {
            continue;
        }
        size_t count = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        int *in = (int *) CMSG_DATA(h);
        for (size_t i = 0; i < count; i++) {
            if (received < nfds) {
                out[received++] = in[i];
            } else {
                close(in[i]);
                overflow = 1;
            }
        }
    }
    if (!overflow) {
        return 0;
    }
    for (jsize i = 0; i < received; i++) {
        close(out[i]);
        out[i] = -1;
    }
    return -EMSGSIZE;
}

/*
 * recvmsg into buf[off, off+len) with room for fds.length descriptors, which come back
 * in fds (the rest -1); -EMSGSIZE, every descriptor closed, if they did not fit.
 */
JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_recvmsg(JNIEnv *env, jclass c, jint fd, jbyteArray buf, jint off,
        jint len, jintArray fds, jint flags) {
    (void) c;
    jsize nfds = (*env)->GetArrayLength(env, fds);
    struct message msg;
    jint got[FDS_STACK];
    jint *out = nfds <= FDS_STACK ? got : malloc((size_t) nfds * sizeof(jint));
    ssize_t n = message_init(&msg, (size_t) len, nfds);
    if (n == 0 && out == NULL) {
        n = -ENOMEM;
    }
    if (n == 0) {
        do {
            n = recvmsg(fd, &msg.m, flags);
        } while (n < 0 && errno == EINTR);
        if (n < 0) {
            n = -errno;
        } else {
            int cut = take_fds(&msg.m, out, nfds);
            if (cut) {
                n = cut;
            } else if (n > 0) {
                (*env)->SetByteArrayRegion(env, buf, off, (jsize) n, (const jbyte *) msg.iov.iov_base);
            }
            (*env)->SetIntArrayRegion(env, fds, 0, nfds, out);
        }
    }
    message_free(&msg);
    if (out != got) {
        free(out);
    }
    return (jint) n;
}
