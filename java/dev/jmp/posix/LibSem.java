package dev.jmp.posix;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.annotations.Variadic;

/** jnr-ffi binding of libc's POSIX named semaphores; bound only when first used. */
@SaveError
public interface LibSem {
    /** Creating form: the variadic mode and value follow the two fixed arguments. */
    @Variadic(fixedCount = 2)
    Pointer sem_open(String name, int oflag, int mode, int value);

    Pointer sem_open(String name, int oflag);

    int sem_close(Pointer sem);

    int sem_unlink(String name);

    int sem_wait(Pointer sem);

    /** No errno saved: see JnrPosix.sem_trywait. */
    @IgnoreError
    int sem_trywait(Pointer sem);

    /** {@code abstime}: struct timespec as {tv_sec, tv_nsec}. */
    int sem_clockwait(Pointer sem, int clockid, @In long[] abstime);

    /** No errno saved: see JnrPosix.sem_post. */
    @IgnoreError
    int sem_post(Pointer sem);

    int sem_getvalue(Pointer sem, @Out int[] sval);
}
