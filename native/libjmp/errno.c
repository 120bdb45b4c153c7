/*
 * Errno names and descriptions for PosixException, from the C library itself, so
 * that the JNI backend needs no table in Java (the jnr-ffi backend takes them from
 * jnr-constants, whose classes a JNI child must not load).
 */
#include "jmp.h"

#include <string.h>

/* glibc 2.32+; weak, so that an older C library loads the library and gives no name. */
extern const char *strerrorname_np(int errnum) __attribute__((weak));

JNIEXPORT jstring JNICALL Java_dev_jmp_posix_LibJmp_strerrorname_1np(JNIEnv *env, jclass c, jint errnum) {
    (void) c;
    const char *name = strerrorname_np != NULL ? strerrorname_np(errnum) : NULL;
    return name == NULL ? NULL : (*env)->NewStringUTF(env, name);
}

JNIEXPORT jstring JNICALL Java_dev_jmp_posix_LibJmp_strerror(JNIEnv *env, jclass c, jint errnum) {
    (void) c;
    char buf[256];
    /* The GNU strerror_r: returns the message, in buf or static. */
    const char *text = strerror_r(errnum, buf, sizeof buf);
    return (*env)->NewStringUTF(env, text);
}
