/*
 * Processes: getpid, _exit, kill, waitpid, and a child's whole start in one call.
 *
 * spawn() is ChildSpawn's recipe done in C: the child sees fds 0-2 (inherited),
 * sources[i] at firstTarget + i, and nothing else; its signal mask is empty and every
 * disposition default. Why the copies: the file actions' dup2s run one after another
 * in the child, so a source whose number is itself a lower target would be
 * overwritten before it is copied; every source below the first free target is first
 * copied above it (F_DUPFD_CLOEXEC) and the copy closed once the child is started.
 */
#include "jmp.h"

#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_getpid(JNIEnv *env, jclass c) {
    (void) env, (void) c;
    return getpid();
}

/* A child's end, as CPython's os._exit: no JVM shutdown (see dev.jmp.ChildSide). */
JNIEXPORT void JNICALL Java_dev_jmp_posix_LibJmp__1exit(JNIEnv *env, jclass c, jint status) {
    (void) env, (void) c;
    _exit(status);
}

/*
 * Gives back to the kernel the memory malloc holds free (every thread's arena): an
 * idle warm child calls it once before it says it is ready, so that its exit has
 * fewer pages to free (see dev.jmp.spawn.Bootstrap). glibc's; elsewhere nothing.
 */
JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_malloc_1trim(JNIEnv *env, jclass c, jlong pad) {
    (void) env, (void) c;
#ifdef __GLIBC__
    return malloc_trim((size_t) pad);
#else
    (void) pad;
    return 0;
#endif
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_kill(JNIEnv *env, jclass c, jint pid, jint sig) {
    (void) env, (void) c;
    return kill(pid, sig) == 0 ? 0 : -errno;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_waitpid(JNIEnv *env, jclass c, jint pid, jintArray status, jint options) {
    (void) c;
    int st = 0;
    int r;
    do {
        r = waitpid(pid, &st, options);
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
        return -errno;
    }
    if (status != NULL && (*env)->GetArrayLength(env, status) > 0) {
        jint v = st;
        (*env)->SetIntArrayRegion(env, status, 0, 1, &v);
    }
    return r;
}

static void release_strings(char **array) {
    if (array != NULL) {
        for (char **p = array; *p != NULL; p++) {
            free(*p);
        }
        free(array);
    }
}

/* argv/envp: a NULL-terminated array of the strings' modified UTF-8 (freed by release_strings); NULL if out of memory. */
static char **strings(JNIEnv *env, jobjectArray array) {
    jsize n = (*env)->GetArrayLength(env, array);
    char **out = calloc((size_t) n + 1, sizeof(char *));
    for (jsize i = 0; out != NULL && i < n; i++) {
        jstring s = (jstring) (*env)->GetObjectArrayElement(env, array, i);
        const char *chars = s == NULL ? NULL : (*env)->GetStringUTFChars(env, s, NULL);
        if (chars != NULL) {
            size_t len = (size_t) (*env)->GetStringUTFLength(env, s);
            out[i] = malloc(len + 1);
            if (out[i] != NULL) {
                memcpy(out[i], chars, len);
                out[i][len] = '\0';
            }
            (*env)->ReleaseStringUTFChars(env, s, chars);
        }
        if (s != NULL) {
            (*env)->DeleteLocalRef(env, s);
        }
        if (out[i] == NULL) {           /* out of memory, or a null the caller let through */
            release_strings(out);
            out = NULL;
        }
    }
    return out;
}

JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_spawn(JNIEnv *env, jclass c, jstring path, jobjectArray argv,
        jobjectArray envp, jintArray sources, jint firstTarget) {
    (void) c;
    jsize n = (*env)->GetArrayLength(env, sources);
    jint *src = malloc(((size_t) n + 1) * sizeof(jint));
    int *copies = malloc(((size_t) n + 1) * sizeof(int));
    char **cargv = strings(env, argv);
    char **cenvp = strings(env, envp);
    const char *cpath = (*env)->GetStringUTFChars(env, path, NULL);
    int result = -ENOMEM;
    int ncopies = 0;
    int firstFree = firstTarget + n;
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    int have_actions = 0, have_attr = 0;
    if (src == NULL || copies == NULL || cargv == NULL || cenvp == NULL || cpath == NULL) {
        goto out;
    }
    (*env)->GetIntArrayRegion(env, sources, 0, n, src);
    if ((result = -posix_spawn_file_actions_init(&actions)) != 0) {
        goto out;
    }
    have_actions = 1;
    for (jsize i = 0; i < n; i++) {
        int fd = src[i];
        if (fd < firstFree) {
            fd = fcntl(fd, F_DUPFD_CLOEXEC, firstFree);
            if (fd < 0) {
                result = -errno;
                goto out;
            }
            copies[ncopies++] = fd;
        }
        if ((result = -posix_spawn_file_actions_adddup2(&actions, fd, firstTarget + i)) != 0) {
            goto out;
        }
    }
    if ((result = -posix_spawn_file_actions_addclosefrom_np(&actions, firstFree)) != 0) {
        goto out;
    }
    if ((result = -posix_spawnattr_init(&attr)) != 0) {
        goto out;
    }
    have_attr = 1;
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    if ((result = -posix_spawnattr_setsigmask(&attr, &none)) != 0
            || (result = -posix_spawnattr_setsigdefault(&attr, &all)) != 0
            || (result = -posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) != 0) {
        goto out;
    }
    pid_t pid;
    /* posix_spawn returns its error number; errno is not set. */
    int err = posix_spawn(&pid, cpath, &actions, &attr, cargv, cenvp);
    result = err != 0 ? -err : pid;
out:
    if (have_attr) {
        posix_spawnattr_destroy(&attr);
    }
    if (have_actions) {
        posix_spawn_file_actions_destroy(&actions);
    }
    for (int i = 0; i < ncopies; i++) {
        close(copies[i]);
    }
    if (cpath != NULL) {
        (*env)->ReleaseStringUTFChars(env, path, cpath);
    }
    release_strings(cargv);
    release_strings(cenvp);
    free(src);
    free(copies);
    return result;
}
