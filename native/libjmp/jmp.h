/*
 * libjmp: the native layer under dev.jmp.posix.JniPosix.
 *
 * Every function here is the C half of one static native method of
 * dev.jmp.posix.LibJmp and is named like the C function it wraps. The convention:
 * a function returns what the C call returns on success (0, an fd, a count, a
 * pointer as a jlong) and -errno on failure, with errno read right after the call
 * that failed. Nothing here throws a Java exception: JniPosix turns a negative
 * result into the same PosixException as the jnr-ffi backend, so both backends
 * pass one contract.
 *
 * Two results of the waiting calls (sem_acquire, mq_send, mq_receive) mean
 * something other than a failure: -ETIMEDOUT, the caller's deadline has passed;
 * -EAGAIN, this slice of the wait ended with the deadline still ahead, so that the
 * Java caller can look at its thread's interrupt flag and call again
 * (Thread.interrupt() does not wake a thread blocked in the kernel).
 *
 * Deadlines are absolute nanoseconds on CLOCK_MONOTONIC (System.nanoTime() on
 * Linux), JMP_NEVER for none.
 */
#ifndef JMP_H
#define JMP_H

#define _GNU_SOURCE
#include <errno.h>
#include <jni.h>
#include <stdint.h>
#include <time.h>

#define JMP_NEVER INT64_MAX

/* Room for any name the C library may take (its own leading "/" and NAME_MAX bytes after it,
 * with the NUL); a longer one is the C library's ENAMETOOLONG, not a truncation here. */
#define JMP_NAME_MAX 512

/* Heap arrays that a call may block on are copied through a buffer of this size on
 * the stack; longer ones through malloc. */
#define JMP_STACK_BUFFER 8192

/* Bytes outside the Java heap: on the stack if small, else malloc'd (jmp_buffer_free). */
struct jmp_buffer {
    char stack[JMP_STACK_BUFFER];
    char *p;
};

char *jmp_buffer_get(struct jmp_buffer *b, size_t len);

void jmp_buffer_free(struct jmp_buffer *b);

static inline int64_t jmp_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t) t.tv_sec * 1000000000 + t.tv_nsec;
}

static inline struct timespec jmp_timespec(int64_t nanos) {
    struct timespec t;
    t.tv_sec = (time_t) (nanos / 1000000000);
    t.tv_nsec = (long) (nanos % 1000000000);
    if (t.tv_nsec < 0) {
        t.tv_sec -= 1;
        t.tv_nsec += 1000000000;
    }
    return t;
}

/*
 * The end of this call's wait: the deadline, or one slice from now if that comes
 * first. *last says whether it is the deadline.
 */
static inline int64_t jmp_slice_end(int64_t deadline, int64_t slice, int *last) {
    int64_t now = jmp_now();
    if (deadline == JMP_NEVER || deadline - now > slice) {
        *last = 0;
        return now + slice;
    }
    *last = 1;
    return deadline;
}

/* Whether the deadline has passed (never for JMP_NEVER). */
static inline int jmp_expired(int64_t deadline) {
    return deadline != JMP_NEVER && deadline - jmp_now() <= 0;
}

/*
 * Copies a Java string of ASCII (a kernel object's name) into buf, NUL-terminated.
 * 0, or -ENAMETOOLONG / -EINVAL (null).
 */
int jmp_name(JNIEnv *env, jstring s, char buf[JMP_NAME_MAX]);

/* poll() on one fd for events until end (monotonic nanos): 1 ready, 0 timed out, -errno (EINTR too). */
int jmp_poll_until(int fd, short events, int64_t end);

#endif
