/*
 * POSIX shared memory: the name, the size, and the mapping. Mapping here rather than
 * with Java's FileChannel.map: a young JVM's first FileChannel.map loads and links far
 * more than the mmap it makes (on JDK 25, method handles spun at run time), and a child
 * maps at its first use of a Condition, Event or Value it received.
 */
#include "jmp.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_shm_1open(JNIEnv *env, jclass c, jstring name, jint oflag, jint mode) {
    (void) c;
    char n[JMP_NAME_MAX];
    int bad = jmp_name(env, name, n);
    if (bad) {
        return bad;
    }
    int fd = shm_open(n, oflag, (mode_t) mode);
    return fd < 0 ? -errno : fd;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_shm_1unlink(JNIEnv *env, jclass c, jstring name) {
    (void) c;
    char n[JMP_NAME_MAX];
    int bad = jmp_name(env, name, n);
    return bad ? bad : shm_unlink(n) == 0 ? 0 : -errno;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_ftruncate(JNIEnv *env, jclass c, jint fd, jlong length) {
    (void) env, (void) c;
    return ftruncate(fd, (off_t) length) == 0 ? 0 : -errno;
}

/* mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0): the address, or -errno. */
JNIEXPORT jlong JNICALL Java_dev_jmp_posix_LibJmp_mmap(JNIEnv *env, jclass c, jint fd, jlong length) {
    (void) env, (void) c;
    void *m = mmap(NULL, (size_t) length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    return m == MAP_FAILED ? -errno : (jlong) (intptr_t) m;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_munmap(JNIEnv *env, jclass c, jlong address, jlong length) {
    (void) env, (void) c;
    return munmap((void *) (intptr_t) address, (size_t) length) == 0 ? 0 : -errno;
}

/* The bytes at address as a direct ByteBuffer (no copy, no system call): a view of a mapping. */
JNIEXPORT jobject JNICALL Java_dev_jmp_posix_LibJmp_memory(JNIEnv *env, jclass c, jlong address, jlong length) {
    (void) c;
    return (*env)->NewDirectByteBuffer(env, (void *) (intptr_t) address, length);
}
