/* The JNI glue: the version check at load and the helpers every family uses. */
#include "jmp.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
    (void) reserved;
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **) &env, JNI_VERSION_1_8) != JNI_OK) {
        return JNI_ERR;
    }
    return JNI_VERSION_1_8;
}

int jmp_name(JNIEnv *env, jstring s, char buf[JMP_NAME_MAX]) {
    if (s == NULL) {
        return -EINVAL;
    }
    jsize chars = (*env)->GetStringLength(env, s);
    jsize bytes = (*env)->GetStringUTFLength(env, s);
    if (bytes >= JMP_NAME_MAX) {
        return -ENAMETOOLONG;
    }
    (*env)->GetStringUTFRegion(env, s, 0, chars, buf);
    buf[bytes] = '\0';
    return 0;
}

int jmp_poll_until(int fd, short events, int64_t end) {
    struct pollfd p = {.fd = fd, .events = events, .revents = 0};
    int64_t left = end - jmp_now();
    if (left <= 0) {
        return 0;
    }
    /* Rounded up: a poll that returns a little early would cost a useless round. */
    int64_t ms = (left + 999999) / 1000000;
    int r = poll(&p, 1, ms > 0x7fffffff ? 0x7fffffff : (int) ms);
    return r < 0 ? -errno : r;
}

char *jmp_buffer_get(struct jmp_buffer *b, size_t len) {
    b->p = len <= sizeof b->stack ? b->stack : malloc(len);
    return b->p;
}

void jmp_buffer_free(struct jmp_buffer *b) {
    if (b->p != b->stack) {
        free(b->p);
    }
}
