package dev.jmp.bench;

import dev.jmp.spawn.FdHandover;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * The write end of a pipe, carried into a child by its Process target: the child's
 * first line writes one byte on it, and the parent's clock stops when it reads that
 * byte. Both timestamps are taken in the parent on one monotonic clock, so nothing
 * compares clocks across processes; the only extra is one pipe wake-up (a few us
 * against tens of ms).
 *
 * <p>It rides on the same fd hand-over as jmp's own fd-backed objects
 * ({@link FdHandover}: posix_spawn dup2s the fd into the child). Once jmp's Connection
 * exists, {@code Pipe.open(false)} and {@code sendBytes} do this through the public API
 * (as the CPython side does with {@code Pipe(duplex=False)}). It makes the Process cold
 * under the warm start method: start-up rows use {@link FirstLineFifo} instead.
 */
final class InheritedFd implements Serializable {
    private static final long serialVersionUID = 1L;

    private final transient int parentFd;
    private int childFd = -1;

    InheritedFd(int parentFd) {
        this.parentFd = parentFd;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        childFd = FdHandover.inherit(parentFd).orElseThrow(
                () -> new IOException("InheritedFd travels only inside a Process being started"));
        out.defaultWriteObject();
    }

    /** In the child: one byte to the parent. */
    void signal() {
        try (FileOutputStream out = new FileOutputStream("/proc/self/fd/" + childFd)) {
            out.write('x');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
