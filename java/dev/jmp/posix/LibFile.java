package dev.jmp.posix;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.Pinned;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/** jnr-ffi binding of libc's regular-file calls (a queue's spilled items); bound only when first used. */
@SaveError
public interface LibFile {
    int open(String path, int flags, int mode);

    int unlink(String path);

    int renameat2(int olddirfd, String oldpath, int newdirfd, String newpath, int flags);

    @ssize_t long pwrite(int fd, @Pinned @In java.nio.ByteBuffer buf, @size_t long count, long offset);

    @ssize_t long pread(int fd, @Pinned @Out java.nio.ByteBuffer buf, @size_t long count, long offset);
}
