/*
 * POSIX named semaphores, and a SemLock's acquire and release as one call each, as
 * CPython's Modules/_multiprocessing/semaphore.c does them.
 *
 * A sem_t * travels to Java as a jlong. SEM_FAILED is NULL on glibc, and no user
 * address is negative, so a negative result is always -errno.
 */
#include "jmp.h"

#include <fcntl.h>
#include <limits.h>
#include <semaphore.h>

static sem_t *sem(jlong handle) {
    return (sem_t *) (intptr_t) handle;
}

JNIEXPORT jlong JNICALL Java_dev_jmp_posix_LibJmp_sem_1open(JNIEnv *env, jclass c, jstring name, jint oflag, jint mode,
        jint value, jboolean create) {
    (void) c;
    char n[JMP_NAME_MAX];
    int bad = jmp_name(env, name, n);
    if (bad) {
        return bad;
    }
    sem_t *s = create ? sem_open(n, oflag, (mode_t) mode, (unsigned) value) : sem_open(n, oflag);
    return s == SEM_FAILED ? -errno : (jlong) (intptr_t) s;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_sem_1close(JNIEnv *env, jclass c, jlong s) {
    (void) env, (void) c;
    return sem_close(sem(s)) == 0 ? 0 : -errno;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_sem_1unlink(JNIEnv *env, jclass c, jstring name) {
    (void) c;
    char n[JMP_NAME_MAX];
    int bad = jmp_name(env, name, n);
    return bad ? bad : sem_unlink(n) == 0 ? 0 : -errno;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_sem_1wait(JNIEnv *env, jclass c, jlong s) {
    (void) env, (void) c;
    int r;
    do {
        r = sem_wait(sem(s));
    } while (r < 0 && errno == EINTR);
    return r == 0 ? 0 : -errno;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_sem_1trywait(JNIEnv *env, jclass c, jlong s) {
    (void) env, (void) c;
    return sem_trywait(sem(s)) == 0 ? 0 : -errno;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_sem_1clockwait(JNIEnv *env, jclass c, jlong s, jint clockid,
        jlong abstime) {
    (void) env, (void) c;
    struct timespec t = jmp_timespec(abstime);
    return sem_clockwait(sem(s), clockid, &t) == 0 ? 0 : -errno;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_sem_1post(JNIEnv *env, jclass c, jlong s) {
    (void) env, (void) c;
    return sem_post(sem(s)) == 0 ? 0 : -errno;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_sem_1getvalue(JNIEnv *env, jclass c, jlong s) {
    (void) env, (void) c;
    int value;
    if (sem_getvalue(sem(s), &value) != 0) {
        return -errno;
    }
    /* glibc reports 0 while waiters sleep; never negative. */
    return value < 0 ? 0 : value;
}

/*
 * A SemLock acquire: 1 if decremented; -ETIMEDOUT if the deadline passed first;
 * -EAGAIN if this call's slice ended first (slice 0: one sem_trywait and no wait);
 * -errno on failure. First a sem_trywait (no clock read: the uncontended path), then
 * sem_clockwait on CLOCK_MONOTONIC until the end of the slice or the deadline, going
 * on after EINTR with the same end.
 */
JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_sem_1acquire(JNIEnv *env, jclass c, jlong handle, jlong deadline,
        jlong slice) {
    (void) env, (void) c;
    sem_t *s = sem(handle);
    if (sem_trywait(s) == 0) {
        return 1;
    }
    if (errno != EAGAIN && errno != EINTR) {
        return -errno;
    }
    if (jmp_expired(deadline)) {
        return -ETIMEDOUT;
    }
    if (slice <= 0) {
        return -EAGAIN;
    }
    int last;
    struct timespec end = jmp_timespec(jmp_slice_end(deadline, slice, &last));
    while (sem_clockwait(s, CLOCK_MONOTONIC, &end) != 0) {
        if (errno == ETIMEDOUT) {
            return last ? -ETIMEDOUT : -EAGAIN;
        }
        if (errno != EINTR) {
            return -errno;
        }
    }
    return 1;
}

/*
 * A SemLock release: 0 if posted; 1 if the semaphore is already at maxvalue (a Lock
 * or BoundedSemaphore released too many times: nothing is posted); -errno on failure
 * (EOVERFLOW past SEM_VALUE_MAX). As CPython on Linux, the value is read with
 * sem_getvalue first; like CPython's, the check does not guard against two releases
 * racing from different processes.
 */
JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_sem_1release(JNIEnv *env, jclass c, jlong handle, jint maxvalue) {
    (void) env, (void) c;
    sem_t *s = sem(handle);
    if (maxvalue != INT_MAX) {
        int value;
        if (sem_getvalue(s, &value) != 0) {
            return -errno;
        }
        if (value >= maxvalue) {
            return 1;
        }
    }
    return sem_post(s) == 0 ? 0 : -errno;
}

/*
 * The sem_t itself, as a direct ByteBuffer: glibc's sem_open maps /dev/shm/sem.NAME
 * and returns that mapping, so this is a view of the very bytes every process of the
 * semaphore shares, made without a system call. Java reads and swaps them only after
 * checking their layout (dev.jmp.sync.SemDescriptor); it stays valid until sem_close.
 */
JNIEXPORT jobject JNICALL Java_dev_jmp_posix_LibJmp_sem_1memory(JNIEnv *env, jclass c, jlong handle) {
    (void) c;
    return (*env)->NewDirectByteBuffer(env, sem(handle), (jlong) sizeof(sem_t));
}
