package dev.jmp.posix;

import jnr.ffi.annotations.SaveError;

/** jnr-ffi binding of libc's POSIX shared memory; bound only when first used. */
@SaveError
public interface LibShm {
    int shm_open(String name, int oflag, int mode);

    int shm_unlink(String name);

    int ftruncate(int fd, long length);
}
