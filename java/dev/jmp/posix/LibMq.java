package dev.jmp.posix;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.annotations.Variadic;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/** jnr-ffi binding of libc's POSIX message queues; bound only when first used. */
@SaveError
public interface LibMq {
    /** Creating form; {@code attr} is struct mq_attr as 8 longs (4 fields, 4 reserved). */
    @Variadic(fixedCount = 2)
    int mq_open(String name, int oflag, int mode, @In long[] attr);

    int mq_open(String name, int oflag);

    int mq_close(int mqdes);

    int mq_unlink(String name);

    /** {@code abstime}: struct timespec {tv_sec, tv_nsec} on CLOCK_REALTIME, or null. */
    int mq_timedsend(int mqdes, @In byte[] msg, @size_t long len, int prio, @In long[] abstime);

    @ssize_t long mq_timedreceive(int mqdes, @Out byte[] msg, @size_t long len, @Out int[] prio, @In long[] abstime);

    int mq_getattr(int mqdes, @Out long[] attr);

    int mq_setattr(int mqdes, @In long[] newattr, @Out long[] oldattr);
}
