/* POSIX shared memory: the name and the size; mapping is Java's (FileChannel.map). */
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
