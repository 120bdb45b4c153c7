/*
 * POSIX named semaphores, and a SemLock's acquire and release as one call each, as
 * CPython's Modules/_multiprocessing/semaphore.c does them.
 *
 * A semaphore travels to Java as a jlong: the address of a struct handle (below),
 * never negative, so a negative result is always -errno.
 */
#include "jmp.h"

#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>


/*
 * Opening and closing: glibc's file, not glibc's sem_open.
 *
 * Why: glibc's sem_close finds the mapping it closes by walking every semaphore the
 * process has open (a twalk of its mapping tree), so each close costs as much as the
 * number of semaphores still open. A program that makes and drops Locks quickly
 * closes them in batches, after each collection, while thousands are open: the closes
 * then cost more than everything else a Lock does, in the cleaner thread, competing
 * for the CPU with the code making new Locks. And each open semaphore is one mapping
 * of its own, so a process that makes Locks faster than its collector drops them runs
 * into the kernel's limit on mappings per process (vm.max_map_count), after which the
 * JVM itself can no longer map memory.
 *
 * So libjmp opens a named semaphore as glibc does, with the same file in the same
 * place holding the same bytes (a sem_t initialized as shared, in /dev/shm/sem.NAME),
 * which C's and CPython's sem_open open as their own; closing is one munmap. What
 * glibc's tree adds, one mapping shared by every sem_open of a name in a process, jmp
 * does itself: one handle per name per process (dev.jmp.resource.HandleTable).
 *
 * Creating, as glibc does: the sem_t is written to a file under a temporary name, and
 * that file is linked to the real name, so no process ever opens a half-made
 * semaphore; link(2) failing with EEXIST is O_EXCL. Unlike glibc, the creator does not
 * map the file yet: it keeps the descriptor and maps at the first operation, so a
 * semaphore made and dropped unused (the Lock a program makes "just in case") costs no
 * mapping at all, and at most one of a descriptor or a mapping is held per semaphore.
 * The descriptor, not the name, is what the first operation maps: the name may be
 * gone by then (unlinked, as at exit), the semaphore not.
 *
 * The handle: a struct whose sem is set once, with a release store, by whichever
 * thread maps first (under a lock; the others then see it with an acquire load).
 */
struct handle {
    sem_t *_Atomic sem;     /* NULL until mapped */
    int fd;                 /* the created file until it is mapped, then -1 */
};

static pthread_mutex_t mapping = PTHREAD_MUTEX_INITIALIZER;

#define SEM_PREFIX "/dev/shm/sem."
#define SEM_PATH_MAX (sizeof SEM_PREFIX + NAME_MAX)

static sem_t *map(int fd) {
    void *m = mmap(NULL, sizeof(sem_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    return m == MAP_FAILED ? NULL : (sem_t *) m;
}

/* The handle's sem_t, mapped at the first call; NULL with errno set if it cannot be mapped. */
static sem_t *sem(jlong handle) {
    struct handle *h = (struct handle *) (intptr_t) handle;
    sem_t *s = atomic_load_explicit(&h->sem, memory_order_acquire);
    if (s != NULL) {
        return s;
    }
    pthread_mutex_lock(&mapping);
    s = atomic_load_explicit(&h->sem, memory_order_relaxed);
    if (s == NULL && (s = map(h->fd)) != NULL) {
        close(h->fd);
        h->fd = -1;
        atomic_store_explicit(&h->sem, s, memory_order_release);
    }
    int err = errno;
    pthread_mutex_unlock(&mapping);
    errno = err;
    return s;
}

/* The one sem() call of a function, returning -errno from it if the mapping fails. */
#define SEM_OR_FAIL(var, handle) \
    sem_t *var = sem(handle); \
    if (var == NULL) { \
        return -errno; \
    }

static jlong new_handle(sem_t *s, int fd) {
    struct handle *h = malloc(sizeof *h);
    if (h == NULL) {
        return -ENOMEM;
    }
    atomic_init(&h->sem, s);
    h->fd = fd;
    return (jlong) (intptr_t) h;
}

/* "/dev/shm/sem.NAME" for "/NAME": glibc's checks (leading slashes skipped, no other slash). */
static int sem_path(const char *name, char *path) {
    while (*name == '/') {
        name++;
    }
    size_t len = strlen(name);
    if (len == 0 || strchr(name, '/') != NULL) {
        return -EINVAL;
    }
    if (len >= NAME_MAX - 4) {
        return -ENAMETOOLONG;
    }
    memcpy(path, SEM_PREFIX, sizeof SEM_PREFIX - 1);
    memcpy(path + sizeof SEM_PREFIX - 1, name, len + 1);
    return 0;
}

/* An existing semaphore, mapped now (a receiver opens at its first operation): a handle, or -errno. */
static jlong open_existing(const char *path, int oflag) {
    int fd;
    do {
        fd = open(path, (oflag & ~(O_CREAT | O_EXCL | O_ACCMODE)) | O_NOFOLLOW | O_RDWR | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        return -errno;
    }
    sem_t *s = map(fd);
    int err = errno;
    close(fd);
    if (s == NULL) {
        return -err;
    }
    jlong h = new_handle(s, -1);
    if (h < 0) {
        munmap(s, sizeof(sem_t));
    }
    return h;
}

/* A new semaphore at path, not mapped yet: a handle, or -errno (-EEXIST if the name is taken). */
static jlong create(const char *path, mode_t mode, unsigned value) {
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
    jlong result;
    ssize_t w;
    do {
        w = write(fd, init.bytes, sizeof init.bytes);
    } while (w < 0 && errno == EINTR);
    if (w != (ssize_t) sizeof init.bytes) {
        result = w < 0 ? -errno : -EIO;
    } else if (link(tmp, path) != 0) {
        result = -errno;
    } else if ((result = new_handle(NULL, fd)) < 0) {
        unlink(path);
    }
    unlink(tmp);
    if (result < 0) {
        close(fd);
    }
    return result;
}

JNIEXPORT jlong JNICALL Java_dev_jmp_posix_LibJmp_sem_1open(JNIEnv *env, jclass c, jstring name, jint oflag, jint mode,
        jint value, jboolean create_form) {
    (void) c;
    char n[JMP_NAME_MAX];
    int bad = jmp_name(env, name, n);
    if (bad) {
        return bad;
    }
    char path[SEM_PATH_MAX];
    if ((bad = sem_path(n, path)) != 0) {
        return bad;
    }
    if (!create_form || !(oflag & O_CREAT)) {
        return open_existing(path, oflag);
    }
    if ((unsigned) value > SEM_VALUE_MAX) {
        return -EINVAL;
    }
    for (;;) {
        if (!(oflag & O_EXCL)) {
            jlong r = open_existing(path, oflag);
            if (r != -ENOENT) {
                return r;
            }
        }
        jlong r = create(path, (mode_t) mode, (unsigned) value);
        if (r != -EEXIST || (oflag & O_EXCL)) {
            return r;
        }
        /* Without O_EXCL, someone made it first: open theirs. */
    }
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_sem_1close(JNIEnv *env, jclass c, jlong handle) {
    (void) env, (void) c;
    struct handle *h = (struct handle *) (intptr_t) handle;
    sem_t *s = atomic_load_explicit(&h->sem, memory_order_acquire);
    int r = s != NULL ? munmap(s, sizeof(sem_t)) : close(h->fd);
    int err = errno;
    free(h);
    return r == 0 ? 0 : -err;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_sem_1unlink(JNIEnv *env, jclass c, jstring name) {
    (void) c;
    char n[JMP_NAME_MAX];
    int bad = jmp_name(env, name, n);
    return bad ? bad : sem_unlink(n) == 0 ? 0 : -errno;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_sem_1wait(JNIEnv *env, jclass c, jlong s) {
    (void) env, (void) c;
    SEM_OR_FAIL(m, s)
    int r;
    do {
        r = sem_wait(m);
    } while (r < 0 && errno == EINTR);
    return r == 0 ? 0 : -errno;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_sem_1trywait(JNIEnv *env, jclass c, jlong s) {
    (void) env, (void) c;
    SEM_OR_FAIL(m, s)
    return sem_trywait(m) == 0 ? 0 : -errno;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_sem_1clockwait(JNIEnv *env, jclass c, jlong s, jint clockid,
        jlong abstime) {
    (void) env, (void) c;
    struct timespec t = jmp_timespec(abstime);
    SEM_OR_FAIL(m, s)
    return sem_clockwait(m, clockid, &t) == 0 ? 0 : -errno;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_sem_1post(JNIEnv *env, jclass c, jlong s) {
    (void) env, (void) c;
    SEM_OR_FAIL(m, s)
    return sem_post(m) == 0 ? 0 : -errno;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_sem_1getvalue(JNIEnv *env, jclass c, jlong s) {
    (void) env, (void) c;
    int value;
    SEM_OR_FAIL(m, s)
    if (sem_getvalue(m, &value) != 0) {
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
    SEM_OR_FAIL(s, handle)
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
    SEM_OR_FAIL(s, handle)
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
 * The sem_t itself, as a direct ByteBuffer: a view of the mapping of /dev/shm/sem.NAME
 * (made now if this is the creator's first operation), so of the very bytes every
 * process of the semaphore shares; NULL if it cannot be mapped. Java reads and swaps them only after
 * checking their layout (dev.jmp.sync.SemDescriptor); it stays valid until sem_close.
 */
JNIEXPORT jobject JNICALL Java_dev_jmp_posix_LibJmp_sem_1memory(JNIEnv *env, jclass c, jlong handle) {
    (void) c;
    sem_t *s = sem(handle);
    return s == NULL ? NULL : (*env)->NewDirectByteBuffer(env, s, (jlong) sizeof(sem_t));
}
