/*
 * POSIX message queues, and a send or receive with a deadline as one call.
 *
 * mq_send/mq_receive (the composite calls) are for a descriptor opened O_NONBLOCK:
 * each tries once, and while the queue is full (empty) sleeps in poll(2) on the
 * descriptor (an mqd_t is an fd on Linux) until the end of the slice or the deadline.
 * Not mq_timedsend's own timeout: it is an absolute CLOCK_REALTIME time, which a
 * wall-clock step stretches or cuts; poll's timeout runs on the monotonic clock.
 *
 * A message is copied through a buffer, never pinned: these calls may sleep, and a
 * pinned array holds off the garbage collector while it is pinned.
 */
#include "jmp.h"

#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <stdlib.h>

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_mq_1open(JNIEnv *env, jclass c, jstring name, jint oflag, jint mode,
        jlong maxmsg, jlong msgsize, jboolean create) {
    (void) c;
    char n[JMP_NAME_MAX];
    int bad = jmp_name(env, name, n);
    if (bad) {
        return bad;
    }
    mqd_t q;
    if (create) {
        struct mq_attr attr = {.mq_flags = 0, .mq_maxmsg = maxmsg, .mq_msgsize = msgsize, .mq_curmsgs = 0};
        q = mq_open(n, oflag, (mode_t) mode, &attr);
    } else {
        q = mq_open(n, oflag);
    }
    return q == (mqd_t) -1 ? -errno : q;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_mq_1close(JNIEnv *env, jclass c, jint q) {
    (void) env, (void) c;
    return mq_close(q) == 0 ? 0 : -errno;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_mq_1unlink(JNIEnv *env, jclass c, jstring name) {
    (void) c;
    char n[JMP_NAME_MAX];
    int bad = jmp_name(env, name, n);
    return bad ? bad : mq_unlink(n) == 0 ? 0 : -errno;
}

static struct timespec *abstime(jlong nanos, struct timespec *t) {
    if (nanos < 0) {
        return NULL;
    }
    *t = jmp_timespec(nanos);
    return t;
}

/* A message's bytes outside the Java heap: on the stack if small, else malloc'd. */
struct msgbuf {
    char stack[JMP_STACK_BUFFER];
    char *p;
};

static char *msgbuf_get(struct msgbuf *b, size_t len) {
    b->p = len <= sizeof b->stack ? b->stack : malloc(len);
    return b->p;
}

static void msgbuf_free(struct msgbuf *b) {
    if (b->p != b->stack) {
        free(b->p);
    }
}

static int timedsend(mqd_t q, const char *msg, size_t len, unsigned prio, struct timespec *at) {
    return (at == NULL ? mq_send(q, msg, len, prio) : mq_timedsend(q, msg, len, prio, at)) == 0 ? 0 : -errno;
}

static ssize_t timedreceive(mqd_t q, char *buf, size_t len, struct timespec *at) {
    ssize_t n = at == NULL ? mq_receive(q, buf, len, NULL) : mq_timedreceive(q, buf, len, NULL, at);
    return n < 0 ? -errno : n;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_mq_1timedsend(JNIEnv *env, jclass c, jint q, jbyteArray msg, jint off,
        jint len, jint prio, jlong at) {
    (void) c;
    struct msgbuf b;
    char *p = msgbuf_get(&b, (size_t) len);
    if (p == NULL) {
        return -ENOMEM;
    }
    (*env)->GetByteArrayRegion(env, msg, off, len, (jbyte *) p);
    struct timespec t;
    int r = timedsend(q, p, (size_t) len, (unsigned) prio, abstime(at, &t));
    msgbuf_free(&b);
    return r;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_mq_1timedreceive(JNIEnv *env, jclass c, jint q, jbyteArray buf, jint off,
        jint len, jlong at) {
    (void) c;
    struct msgbuf b;
    char *p = msgbuf_get(&b, (size_t) len);
    if (p == NULL) {
        return -ENOMEM;
    }
    struct timespec t;
    ssize_t n = timedreceive(q, p, (size_t) len, abstime(at, &t));
    if (n > 0) {
        (*env)->SetByteArrayRegion(env, buf, off, (jsize) n, (const jbyte *) p);
    }
    msgbuf_free(&b);
    return (jint) n;
}

/*
 * The wait of a composite call after a full (empty) queue: -EAGAIN to try again now
 * (woken, or EINTR), -ETIMEDOUT (deadline passed) or -EAGAIN with *over set (slice
 * ended), or -errno.
 */
static int await(mqd_t q, short events, int64_t end, int last, int *over) {
    int r = jmp_poll_until(q, events, end);
    if (r == 0) {
        *over = 1;
        return last ? -ETIMEDOUT : -EAGAIN;
    }
    return r > 0 || r == -EINTR ? -EAGAIN : r;
}

/*
 * One call: 1 if sent; -ETIMEDOUT if the deadline passed; -EAGAIN if the slice ended
 * (slice 0: one try); -errno on failure.
 */
JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_mq_1send(JNIEnv *env, jclass c, jint q, jbyteArray msg, jint off,
        jint len, jint prio, jlong deadline, jlong slice) {
    (void) c;
    struct msgbuf b;
    char *p = msgbuf_get(&b, (size_t) len);
    if (p == NULL) {
        return -ENOMEM;
    }
    (*env)->GetByteArrayRegion(env, msg, off, len, (jbyte *) p);
    int last = 0, over = 0, r;
    int64_t end = 0;
    for (int round = 0;; round++) {
        r = timedsend(q, p, (size_t) len, (unsigned) prio, NULL);
        if (r == 0) {
            r = 1;
            break;
        }
        if (r == -EINTR) {
            continue;
        }
        if (r != -EAGAIN) {
            break;
        }
        if (jmp_expired(deadline)) {
            r = -ETIMEDOUT;
            break;
        }
        if (slice <= 0) {
            break;
        }
        if (round == 0) {
            end = jmp_slice_end(deadline, slice, &last);
        }
        r = await(q, POLLOUT, end, last, &over);
        if (over || r != -EAGAIN) {
            break;
        }
    }
    msgbuf_free(&b);
    return r;
}

/*
 * One call: the message's length if received; -ETIMEDOUT if the deadline passed;
 * -EAGAIN if the slice ended (slice 0: one try); -errno on failure.
 */
JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_mq_1receive(JNIEnv *env, jclass c, jint q, jbyteArray buf, jint off,
        jint len, jlong deadline, jlong slice) {
    (void) c;
    struct msgbuf b;
    char *p = msgbuf_get(&b, (size_t) len);
    if (p == NULL) {
        return -ENOMEM;
    }
    int last = 0, over = 0;
    ssize_t r;
    int64_t end = 0;
    for (int round = 0;; round++) {
        r = timedreceive(q, p, (size_t) len, NULL);
        if (r >= 0) {
            if (r > 0) {
                (*env)->SetByteArrayRegion(env, buf, off, (jsize) r, (const jbyte *) p);
            }
            break;
        }
        if (r == -EINTR) {
            continue;
        }
        if (r != -EAGAIN) {
            break;
        }
        if (jmp_expired(deadline)) {
            r = -ETIMEDOUT;
            break;
        }
        if (slice <= 0) {
            break;
        }
        if (round == 0) {
            end = jmp_slice_end(deadline, slice, &last);
        }
        r = await(q, POLLIN, end, last, &over);
        if (over || r != -EAGAIN) {
            break;
        }
    }
    msgbuf_free(&b);
    return (jint) r;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_mq_1getattr(JNIEnv *env, jclass c, jint q, jlongArray out) {
    (void) c;
    struct mq_attr a;
    if (mq_getattr(q, &a) != 0) {
        return -errno;
    }
    jlong v[4] = {a.mq_flags, a.mq_maxmsg, a.mq_msgsize, a.mq_curmsgs};
    (*env)->SetLongArrayRegion(env, out, 0, 4, v);
    return 0;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_mq_1setattr(JNIEnv *env, jclass c, jint q, jlong flags, jlongArray old) {
    (void) c;
    struct mq_attr a = {.mq_flags = flags, .mq_maxmsg = 0, .mq_msgsize = 0, .mq_curmsgs = 0};
    struct mq_attr was;
    if (mq_setattr(q, &a, &was) != 0) {
        return -errno;
    }
    jlong v[4] = {was.mq_flags, was.mq_maxmsg, was.mq_msgsize, was.mq_curmsgs};
    (*env)->SetLongArrayRegion(env, old, 0, 4, v);
    return 0;
}
