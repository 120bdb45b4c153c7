/*
 * POSIX named semaphores, and a SemLock's acquire and release as one call each, as
 * CPython's Modules/_multiprocessing/semaphore.c does them.
 *
 * A sem_t * travels to Java as a jlong. SEM_FAILED is NULL on glibc, and no user
 * address is negative, so a negative result is always -errno.
 */
#include "jmp.h"

#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

static sem_t *sem(jlong handle) {
    return (sem_t *) (intptr_t) handle;
}

/*
 * Creating, opening and closing: glibc's file, not glibc's sem_open.
 *
 * Why: glibc's sem_close finds the mapping it closes by walking every semaphore the
 * process has open (a twalk of its mapping tree), so each close costs as much as the
 * number of semaphores still open. A program that makes and drops Locks quickly
 * closes them in batches, after each collection, while thousands are open: the closes
 * then cost more than everything else a Lock does, in the cleaner thread, competing
 * for the CPU with the code making new Locks. So libjmp makes and opens a named
 * semaphore as glibc does, the same file in the same place holding the same bytes (a
 * sem_t initialized as shared, in /dev/shm/sem.NAME), which C's and CPython's sem_open
 * open as their own; closing is one munmap. What glibc's tree adds, one mapping shared
 * by every sem_open of a name in a process, jmp does itself: one handle per name per
 * process (dev.jmp.resource.HandleTable). A mapping made here must never be given to
 * glibc's sem_close (it is not in glibc's tree), nor one of glibc's to munmap.
 *
 * Creating, as glibc does: the sem_t is written to a file under a temporary name, and
 * that file is linked to the real name, so no process ever opens a half-made
 * semaphore; link(2) failing with EEXIST is O_EXCL. sem_create stops there, with no
 * mapping: jmp's creator opens its semaphore at the first operation, as a receiver
 * does, so a Lock made and dropped unused (a program that makes them faster than its
 * collector drops them) holds neither a mapping nor a descriptor, of which a process
 * has only so many (vm.max_map_count, RLIMIT_NOFILE).
 */
#define SEM_PREFIX "/dev/shm/sem."
#define SEM_PATH_MAX (sizeof SEM_PREFIX + NAME_MAX)

/* "/dev/shm/sem.NAME" for "/NAME", with glibc's checks (leading slashes skipped, no other slash). */
static int sem_path(JNIEnv *env, jstring name, char *path) {
    char n[JMP_NAME_MAX];
    int bad = jmp_name(env, name, n);
    if (bad) {
        return bad;
    }
    const char *p = n;
    while (*p == '/') {
        p++;
    }
    size_t len = strlen(p);
    if (len == 0 || strchr(p, '/') != NULL) {
        return -EINVAL;
    }
    if (len >= NAME_MAX - 4) {
        return -ENAMETOOLONG;
    }
    memcpy(path, SEM_PREFIX, sizeof SEM_PREFIX - 1);
    memcpy(path + sizeof SEM_PREFIX - 1, p, len + 1);
    return 0;
}

/* An existing semaphore, mapped: its sem_t * as a jlong, or -errno. */
static jlong open_existing(const char *path, int oflag) {
    int fd;
    do {
        fd = open(path, (oflag & ~(O_CREAT | O_EXCL | O_ACCMODE)) | O_NOFOLLOW | O_RDWR | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        return -errno;
    }
    void *m = mmap(NULL, sizeof(sem_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    int err = errno;
    close(fd);
    return m == MAP_FAILED ? -err : (jlong) (intptr_t) m;
}

/*
 * A new semaphore at path: 0, or -errno (-EEXIST if the name is taken). Mapped into
 * *mapped if that is not NULL (through the file written, as glibc does), else not at all.
 */
static int create(const char *path, mode_t mode, unsigned value, void **mapped) {
    if (value > SEM_VALUE_MAX) {
        return -EINVAL;
    }
    union {
        sem_t sem;
        char bytes[sizeof(sem_t)];
    } init;
    memset(&init, 0, sizeof init);
    if (sem_init(&init.sem, 1, value) != 0) {
        return -errno;
    }
    char tmp[sizeof SEM_PREFIX + 24];
    int fd = -1;
    for (int attempt = 0; fd < 0; attempt++) {
        uint64_t r;
        if (getrandom(&r, sizeof r, GRND_NONBLOCK) != sizeof r) {
            r = (uint64_t) jmp_now() ^ ((uint64_t) getpid() << 32);
        }
        snprintf(tmp, sizeof tmp, SEM_PREFIX "%016" PRIx64, r);
        fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (fd < 0 && (errno != EEXIST || attempt >= 50)) {
            return -errno;
        }
    }
    int result = 0;
    ssize_t w;
    do {
        w = write(fd, init.bytes, sizeof init.bytes);
    } while (w < 0 && errno == EINTR);
    if (w != (ssize_t) sizeof init.bytes) {
        result = w < 0 ? -errno : -EIO;
    } else if (mapped != NULL
            && (*mapped = mmap(NULL, sizeof(sem_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED) {
        result = -errno;
    } else if (link(tmp, path) != 0) {
        result = -errno;
        if (mapped != NULL) {
            munmap(*mapped, sizeof(sem_t));
        }
    }
    unlink(tmp);
    close(fd);
    return result;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_sem_1create(JNIEnv *env, jclass c, jstring name, jint mode,
        jint value) {
    (void) c;
    char path[SEM_PATH_MAX];
    int bad = sem_path(env, name, path);
    return bad ? bad : create(path, (mode_t) mode, (unsigned) value, NULL);
}

JNIEXPORT jlong JNICALL Java_dev_jmp_posix_LibJmp_sem_1open(JNIEnv *env, jclass c, jstring name, jint oflag, jint mode,
        jint value, jboolean create_form) {
    (void) c;
    char path[SEM_PATH_MAX];
    int bad = sem_path(env, name, path);
    if (bad) {
        return bad;
    }
    if (!create_form || !(oflag & O_CREAT)) {
        return open_existing(path, oflag);
    }
    for (;;) {
        if (!(oflag & O_EXCL)) {
            jlong r = open_existing(path, oflag);
            if (r != -ENOENT) {
                return r;
            }
        }
        void *m;
        int r = create(path, (mode_t) mode, (unsigned) value, &m);
        if (r == 0) {
            return (jlong) (intptr_t) m;
        }
        if (r != -EEXIST || (oflag & O_EXCL)) {
            return r;
        }
        /* Without O_EXCL, someone made it first: open theirs. */
    }
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_sem_1close(JNIEnv *env, jclass c, jlong s) {
    (void) env, (void) c;
    return munmap(sem(s), sizeof(sem_t)) == 0 ? 0 : -errno;
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
 * The sem_t itself, as a direct ByteBuffer: sem_open maps /dev/shm/sem.NAME and
 * returns that mapping, so this is a view of the very bytes every process of the
 * semaphore shares, made without a system call. Java reads and swaps them only after
 * checking their layout (dev.jmp.sync.SemDescriptor); it stays valid until sem_close.
 */
JNIEXPORT jobject JNICALL Java_dev_jmp_posix_LibJmp_sem_1memory(JNIEnv *env, jclass c, jlong handle) {
    (void) c;
    return (*env)->NewDirectByteBuffer(env, sem(handle), (jlong) sizeof(sem_t));
}
