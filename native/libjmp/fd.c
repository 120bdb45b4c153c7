/*
 * File descriptors: pipes, reads and writes, fcntl, poll, socketpair.
 *
 * Three ways to move bytes, chosen by the Java caller:
 * - a heap array on a call that may block (read, write): copied through a buffer
 *   (Get/SetByteArrayRegion), never pinned, because a thread that holds a critical
 *   region holds off the garbage collector of the whole JVM while it sleeps;
 * - a heap array on a descriptor that never blocks (O_NONBLOCK): pinned with
 *   GetPrimitiveArrayCritical for the call, no copy;
 * - a direct buffer: its address, no copy.
 * EINTR is retried everywhere except in poll, whose caller recomputes its deadline.
 */
#include "jmp.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_pipe2(JNIEnv *env, jclass c, jintArray fds, jint flags) {
    (void) c;
    int p[2];
    if (pipe2(p, flags) != 0) {
        return -errno;
    }
    jint out[2] = {p[0], p[1]};
    (*env)->SetIntArrayRegion(env, fds, 0, 2, out);
    return 0;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_socketpair(JNIEnv *env, jclass c, jint domain, jint type, jint protocol,
        jintArray sv) {
    (void) c;
    int p[2];
    if (socketpair(domain, type, protocol, p) != 0) {
        return -errno;
    }
    jint out[2] = {p[0], p[1]};
    (*env)->SetIntArrayRegion(env, sv, 0, 2, out);
    return 0;
}

static ssize_t read_retrying(int fd, void *buf, size_t len) {
    ssize_t n;
    do {
        n = read(fd, buf, len);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
}

static ssize_t write_retrying(int fd, const void *buf, size_t len) {
    ssize_t n;
    do {
        n = write(fd, buf, len);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
}

/* A read may return fewer bytes than asked: one that might block reads at most this much at once. */
#define COPY_MAX (1 << 20)

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_read(JNIEnv *env, jclass c, jint fd, jbyteArray buf, jint off, jint len) {
    (void) c;
    struct jmp_buffer b;
    size_t want = len > COPY_MAX ? COPY_MAX : (size_t) len;
    if (jmp_buffer_get(&b, want) == NULL) {
        return -ENOMEM;
    }
    ssize_t n = read_retrying(fd, b.p, want);
    if (n > 0) {
        (*env)->SetByteArrayRegion(env, buf, off, (jsize) n, (const jbyte *) b.p);
    }
    jmp_buffer_free(&b);
    return (jint) n;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_write(JNIEnv *env, jclass c, jint fd, jbyteArray buf, jint off, jint len) {
    (void) c;
    struct jmp_buffer b;
    size_t want = len > COPY_MAX ? COPY_MAX : (size_t) len;
    if (jmp_buffer_get(&b, want) == NULL) {
        return -ENOMEM;
    }
    (*env)->GetByteArrayRegion(env, buf, off, (jsize) want, (jbyte *) b.p);
    ssize_t n = write_retrying(fd, b.p, want);
    jmp_buffer_free(&b);
    return (jint) n;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_readDirect(JNIEnv *env, jclass c, jint fd, jobject buf, jint pos, jint len) {
    (void) c;
    char *base = (*env)->GetDirectBufferAddress(env, buf);
    return base == NULL ? -EINVAL : (jint) read_retrying(fd, base + pos, (size_t) len);
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_writeDirect(JNIEnv *env, jclass c, jint fd, jobject buf, jint pos, jint len) {
    (void) c;
    char *base = (*env)->GetDirectBufferAddress(env, buf);
    return base == NULL ? -EINVAL : (jint) write_retrying(fd, base + pos, (size_t) len);
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_readPinned(JNIEnv *env, jclass c, jint fd, jbyteArray buf, jint off, jint len) {
    (void) c;
    jbyte *base = (*env)->GetPrimitiveArrayCritical(env, buf, NULL);
    if (base == NULL) {
        return -ENOMEM;
    }
    ssize_t n = read_retrying(fd, base + off, (size_t) len);
    (*env)->ReleasePrimitiveArrayCritical(env, buf, base, 0);
    return (jint) n;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_writePinned(JNIEnv *env, jclass c, jint fd, jbyteArray buf, jint off, jint len) {
    (void) c;
    jbyte *base = (*env)->GetPrimitiveArrayCritical(env, buf, NULL);
    if (base == NULL) {
        return -ENOMEM;
    }
    ssize_t n = write_retrying(fd, base + off, (size_t) len);
    (*env)->ReleasePrimitiveArrayCritical(env, buf, base, JNI_ABORT);
    return (jint) n;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_close(JNIEnv *env, jclass c, jint fd) {
    (void) env, (void) c;
    /* Not retried on EINTR: on Linux the fd is released whatever close returns. */
    return close(fd) == 0 || errno == EINTR ? 0 : -errno;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_fcntl(JNIEnv *env, jclass c, jint fd, jint cmd, jint arg) {
    (void) env, (void) c;
    int r = fcntl(fd, cmd, arg);
    return r < 0 ? -errno : r;
}

/* Up to this many fds on the stack; more through malloc. */
#define POLL_STACK 16

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_poll(JNIEnv *env, jclass c, jintArray fds, jshortArray events,
        jshortArray revents, jint timeout) {
    (void) c;
    jsize n = (*env)->GetArrayLength(env, fds);
    struct pollfd stack[POLL_STACK];
    jint fdstack[POLL_STACK];
    jshort evstack[POLL_STACK];
    struct pollfd *p = n <= POLL_STACK ? stack : malloc((size_t) n * sizeof *p);
    jint *f = n <= POLL_STACK ? fdstack : malloc((size_t) n * sizeof *f);
    jshort *e = n <= POLL_STACK ? evstack : malloc((size_t) n * sizeof *e);
    int r = -ENOMEM;
    if (p != NULL && f != NULL && e != NULL) {
        (*env)->GetIntArrayRegion(env, fds, 0, n, f);
        (*env)->GetShortArrayRegion(env, events, 0, n, e);
        for (jsize i = 0; i < n; i++) {
            p[i].fd = f[i];
            p[i].events = e[i];
            p[i].revents = 0;
        }
        r = poll(p, (nfds_t) n, timeout);
        if (r < 0) {
            r = -errno;
        } else {
            for (jsize i = 0; i < n; i++) {
                e[i] = p[i].revents;
            }
            (*env)->SetShortArrayRegion(env, revents, 0, n, e);
        }
    }
    if (p != stack) {
        free(p);
    }
    if (f != fdstack) {
        free(f);
    }
    if (e != evstack) {
        free(e);
    }
    return r;
}
