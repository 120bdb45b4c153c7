/*
 * Calling a static Java method from C: JNI's CallStaticVoidMethodA and
 * CallStaticObjectMethodA.
 *
 * Why a JNI library calls back into Java: from JDK 18 on, core reflection is built
 * on method handles (JEP 416), and a lambda is linked by spinning a class, so a
 * fresh JVM's first call of a lambda's body by either way first generates and loads
 * code for it. JNI's call goes through the VM's own call stub: nothing is generated.
 * A spawned child whose target is a lambda over a static method (dev.jmp.spawn.StaticCall)
 * calls it this way once and is done; so does a young pool worker with its first
 * functions that return a value (Pool.apply's).
 *
 * Unlike the rest of libjmp these functions may return with a Java exception pending:
 * the one the called method threw, which Java then sees thrown by the native method,
 * unwrapped, as if the method had been called directly.
 */
#include "jmp.h"

#include <stdlib.h>
#include <string.h>

/* The parameter types of descriptor s ("(IJLjava/lang/String;[D)V"), one per call. */
static const char *next_param(const char *q) {
    while (*q == '[') {
        q++;
    }
    if (*q == 'L') {
        q = strchr(q, ';');
        if (q == NULL) {
            return NULL;
        }
    }
    return q + 1;
}

/*
 * Calls static method name+sig of target with argument i taken from prims[i] (a
 * primitive parameter: its value, a float's or double's raw bits) or refs[i] (a
 * reference): a void method if object is 0, else one returning a reference, which
 * *result receives. Returns 0, or -EINVAL for a descriptor that does not have count
 * parameters (nothing called); NoSuchMethodError or the method's own exception is left
 * pending.
 */
static jint call_static(JNIEnv *env, jclass target, jstring name, jstring sig, jlongArray prims,
        jobjectArray refs, int object, jobject *result) {
    jint r = 0;
    jsize count = (*env)->GetArrayLength(env, prims);
    if ((*env)->GetArrayLength(env, refs) != count || (*env)->EnsureLocalCapacity(env, count + 4) != 0) {
        return -EINVAL;
    }
    const char *n = (*env)->GetStringUTFChars(env, name, NULL);
    const char *s = n == NULL ? NULL : (*env)->GetStringUTFChars(env, sig, NULL);
    jvalue small[16];
    jvalue *v = count <= 16 ? small : malloc(sizeof(jvalue) * (size_t) count);
    jlong *p = s == NULL || v == NULL ? NULL : (*env)->GetLongArrayElements(env, prims, NULL);
    if (p == NULL) {
        r = -ENOMEM;        /* or OutOfMemoryError pending */
        goto out;
    }
    const char *q = s[0] == '(' ? s + 1 : NULL;
    jsize i = 0;
    for (; q != NULL && *q != ')' && *q != '\0' && i < count; i++) {
        switch (*q) {
        case 'Z': v[i].z = (jboolean) p[i]; break;
        case 'B': v[i].b = (jbyte) p[i]; break;
        case 'C': v[i].c = (jchar) p[i]; break;
        case 'S': v[i].s = (jshort) p[i]; break;
        case 'I': v[i].i = (jint) p[i]; break;
        case 'J': v[i].j = p[i]; break;
        case 'F': { jint bits = (jint) p[i]; memcpy(&v[i].f, &bits, sizeof bits); break; }
        case 'D': memcpy(&v[i].d, &p[i], sizeof v[i].d); break;
        case 'L':
        case '[': v[i].l = (*env)->GetObjectArrayElement(env, refs, i); break;
        default: q = NULL; continue;
        }
        q = next_param(q);
    }
    (*env)->ReleaseLongArrayElements(env, prims, p, JNI_ABORT);
    /* The return type: void, or a reference, as the caller asked. */
    if (q == NULL || *q != ')' || i != count || (object ? (q[1] != 'L' && q[1] != '[') : q[1] != 'V')) {
        r = -EINVAL;
        goto out;
    }
    jmethodID m = (*env)->GetStaticMethodID(env, target, n, s);
    if (m != NULL) {
        if (object) {
            *result = (*env)->CallStaticObjectMethodA(env, target, m, v);
        } else {
            (*env)->CallStaticVoidMethodA(env, target, m, v);
        }
    }
out:
    if (v != small) {
        free(v);
    }
    if (s != NULL) {
        (*env)->ReleaseStringUTFChars(env, sig, s);
    }
    if (n != NULL) {
        (*env)->ReleaseStringUTFChars(env, name, n);
    }
    return r;
}

/* A static void method: 0, or -EINVAL (see call_static). */
JNIEXPORT jint JNICALL Java_dev_jmp_posix_LibJmp_callStaticVoid(JNIEnv *env, jclass c, jclass target,
        jstring name, jstring sig, jlongArray prims, jobjectArray refs) {
    (void) c;
    return call_static(env, target, name, sig, prims, refs, 0, NULL);
}

/*
 * A static method returning a reference: what it returned. A descriptor that does not
 * fit leaves an IllegalArgumentException pending (nothing called), a failed allocation
 * an OutOfMemoryError.
 */
JNIEXPORT jobject JNICALL Java_dev_jmp_posix_LibJmp_callStaticObject(JNIEnv *env, jclass c, jclass target,
        jstring name, jstring sig, jlongArray prims, jobjectArray refs) {
    (void) c;
    jobject result = NULL;
    jint r = call_static(env, target, name, sig, prims, refs, 1, &result);
    if (r != 0 && !(*env)->ExceptionCheck(env)) {
        jclass e = (*env)->FindClass(env, r == -EINVAL ? "java/lang/IllegalArgumentException" : "java/lang/OutOfMemoryError");
        if (e != NULL) {
            (*env)->ThrowNew(env, e, r == -EINVAL ? "the descriptor does not fit the arguments, or returns no reference"
                    : "no memory for the call's arguments");
        }
    }
    return result;
}
