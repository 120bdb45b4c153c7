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
    struct jmp_buffer b;
    char *p = jmp_buffer_get(&b, (size_t) len);
    if (p == NULL) {
        return -ENOMEM;
    }
    (*env)->GetByteArrayRegion(env, msg, off, len, (jbyte *) p);
    struct timespec t;
    int r = timedsend(q, p, (size_t) len, (unsigned) prio, abstime(at, &t));
    jmp_buffer_free(&b);
    return r;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_mq_1timedreceive(JNIEnv *env, jclass c, jint q, jbyteArray buf, jint off,
        jint len, jlong at) {
    (void) c;
    struct jmp_buffer b;
    char *p = jmp_buffer_get(&b, (size_t) len);
    if (p == NULL) {
        return -ENOMEM;
    }
    struct timespec t;
    ssize_t n = timedreceive(q, p, (size_t) len, abstime(at, &t));
    if (n > 0) {
        (*env)->SetByteArrayRegion(env, buf, off, (jsize) n, (const jbyte *) p);
    }
    jmp_buffer_free(&b);
    return (jint) n;
}

/* One try of a composite call: >= 0 done (its result), -EAGAIN full (empty), else -errno. */
struct attempt {
    mqd_t q;
    char *p;
    size_t len;
    unsigned prio;
};

static ssize_t try_send(struct attempt *a) {
    int r = timedsend(a->q, a->p, a->len, a->prio, NULL);
    return r == 0 ? 1 : r;
}

static ssize_t try_receive(struct attempt *a) {
    return timedreceive(a->q, a->p, a->len, NULL);
}

/*
 * Tries, and while the queue is full (empty) sleeps in poll for events until the end
 * of the slice or the deadline, EINTR going on with the same end: the try's result;
 * -ETIMEDOUT (deadline passed); -EAGAIN (slice ended; slice 0: one try); -errno.
 */
static ssize_t until(struct attempt *a, ssize_t (*attempt)(struct attempt *), short events, int64_t deadline,
        int64_t slice) {
    int last = 0;
    int64_t end = 0;
    for (int round = 0;; round++) {
        ssize_t r = attempt(a);
        if (r >= 0 || (r != -EAGAIN && r != -EINTR)) {
            return r;
        }
        if (r == -EINTR) {
            continue;
        }
        if (jmp_expired(deadline)) {
            return -ETIMEDOUT;
        }
        if (slice <= 0) {
            return -EAGAIN;
        }
        if (round == 0) {
            end = jmp_slice_end(deadline, slice, &last);
        }
        int w = jmp_poll_until(a->q, events, end);
        if (w == 0) {
            return last ? -ETIMEDOUT : -EAGAIN;
        }
        if (w < 0 && w != -EINTR) {
            return w;
        }
    }
}

/* One call: 1 if sent; -ETIMEDOUT; -EAGAIN (slice ended; slice 0: one try); -errno. */
JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_mq_1send(JNIEnv *env, jclass c, jint q, jbyteArray msg, jint off,
        jint len, jint prio, jlong deadline, jlong slice) {
    (void) c;
    struct jmp_buffer b;
    if (jmp_buffer_get(&b, (size_t) len) == NULL) {
        return -ENOMEM;
    }
    (*env)->GetByteArrayRegion(env, msg, off, len, (jbyte *) b.p);
    struct attempt a = {.q = q, .p = b.p, .len = (size_t) len, .prio = (unsigned) prio};
    ssize_t r = until(&a, try_send, POLLOUT, deadline, slice);
    jmp_buffer_free(&b);
    return (jint) r;
}

/* One call: the message's length; -ETIMEDOUT; -EAGAIN (slice ended; slice 0: one try); -errno. */
JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_mq_1receive(JNIEnv *env, jclass c, jint q, jbyteArray buf, jint off,
        jint len, jlong deadline, jlong slice) {
    (void) c;
    struct jmp_buffer b;
    if (jmp_buffer_get(&b, (size_t) len) == NULL) {
        return -ENOMEM;
    }
    struct attempt a = {.q = q, .p = b.p, .len = (size_t) len, .prio = 0};
    ssize_t r = until(&a, try_receive, POLLIN, deadline, slice);
    if (r > 0) {
        (*env)->SetByteArrayRegion(env, buf, off, (jsize) r, (const jbyte *) b.p);
    }
    jmp_buffer_free(&b);
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
