package dev.jmp.posix;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;

/** jnr-ffi binding of libc's POSIX shared memory; bound only when first used. */
@SaveError
public interface LibShm {
    int shm_open(String name, int oflag, int mode);

    int shm_unlink(String name);

    int ftruncate(int fd, long length);

    /** The address as a Pointer: declared as a long, the call failed with EINVAL. */
    Pointer mmap(Pointer addr, @size_t long length, int prot, int flags, int fd, @off_t long offset);

    int munmap(Pointer addr, @size_t long length);
}
