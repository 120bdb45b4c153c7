/*
 * Regular files: a queue's spilled items in /dev/shm (tmpfs).
 *
 * A spilled item is written once from the caller's primitive array and read once
 * into the array that becomes the received item, with no buffer between: the array
 * is pinned (GetPrimitiveArrayCritical) for each call. That is safe here although it
 * is not for a pipe (see fd.c): a read or write of a regular file on tmpfs never
 * waits for another process, only copies between the page cache and the array. The
 * array is pinned one slice at a time, so that a huge item holds off the garbage
 * collector for one slice's copy, never for the whole item.
 *
 * The file offset is given (pread/pwrite): the caller knows where every byte goes,
 * and no call depends on another's side effect. Offsets and lengths are in bytes of
 * the array, in the machine's byte order.
 */
#include "jmp.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

/* The most one pinned call copies. */
#define PIN_SLICE (1 << 20)

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_open(JNIEnv *env, jclass c, jstring path, jint flags, jint mode) {
    (void) c;
    char p[JMP_NAME_MAX];
    int bad = jmp_name(env, path, p);
    if (bad) {
        return bad;
    }
    int fd;
    do {
        fd = open(p, flags, (mode_t) mode);
    } while (fd < 0 && errno == EINTR);
    return fd < 0 ? -errno : fd;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_unlink(JNIEnv *env, jclass c, jstring path) {
    (void) c;
    char p[JMP_NAME_MAX];
    int bad = jmp_name(env, path, p);
    return bad ? bad : unlink(p) == 0 ? 0 : -errno;
}

/* renameat2(AT_FDCWD, from, AT_FDCWD, to, flags): 0 or -errno (glibc's wrapper, 2.28 and later). */
JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_renameat2(JNIEnv *env, jclass c, jstring from, jstring to,
        jint flags) {
    (void) c;
    char f[JMP_NAME_MAX];
    char t[JMP_NAME_MAX];
    int bad = jmp_name(env, from, f);
    if (!bad) {
        bad = jmp_name(env, to, t);
    }
    return bad ? bad : renameat2(AT_FDCWD, f, AT_FDCWD, t, (unsigned) flags) == 0 ? 0 : -errno;
}

/* One slice of an array at file offset pos: bytes moved (0: end of file), or -errno. */
static ssize_t slice(JNIEnv *env, int fd, jarray array, jlong off, size_t len, jlong pos, int write) {
    char *base = (*env)->GetPrimitiveArrayCritical(env, array, NULL);
    if (base == NULL) {
        return -ENOMEM;
    }
    ssize_t n;
    do {
        n = write ? pwrite(fd, base + off, len, (off_t) pos) : pread(fd, base + off, len, (off_t) pos);
    } while (n < 0 && errno == EINTR);
    int err = errno;
    (*env)->ReleasePrimitiveArrayCritical(env, array, base, write ? JNI_ABORT : 0);
    return n < 0 ? -err : n;
}

/* All of [off, off + len) of the array, slice by slice: bytes moved (fewer only at end of file), or -errno. */
static jlong transfer(JNIEnv *env, int fd, jarray array, jlong off, jlong len, jlong pos, int write) {
    jlong done = 0;
    while (done < len) {
        jlong left = len - done;
        ssize_t n = slice(env, fd, array, off + done, left > PIN_SLICE ? PIN_SLICE : (size_t) left, pos + done, write);
        if (n < 0) {
            return n;
        }
        if (n == 0) {
            break;
        }
        done += n;
    }
    return done;
}

JNIEXPORT jlong JNICALL Java_dev_jmp_posix_LibJmp_pwrite(JNIEnv *env, jclass c, jint fd, jarray array, jlong off,
        jlong len, jlong pos) {
    (void) c;
    jlong n = transfer(env, fd, array, off, len, pos, 1);
    return n >= 0 && n < len ? -EIO : n;
}

JNIEXPORT jlong JNICALL Java_dev_jmp_posix_LibJmp_pread(JNIEnv *env, jclass c, jint fd, jarray array, jlong off,
        jlong len, jlong pos) {
    (void) c;
    return transfer(env, fd, array, off, len, pos, 0);
}
