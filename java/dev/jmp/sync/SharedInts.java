package dev.jmp.sync;

import dev.jmp.PosixException;
import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import dev.jmp.resource.KernelNames;
import dev.jmp.resource.Lifetime;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A few ints in POSIX shared memory, seen by every process that has the object: the
 * Barrier's {@code state} and {@code count}, which CPython keeps in a
 * {@code BufferWrapper} on its heap.
 *
 * <p>The creator makes {@code /dev/shm/jmp.<pid>.<random>} with {@code shm_open}
 * ({@code O_CREAT|O_EXCL}, mode 0600) and {@code ftruncate}, and owns its unlink
 * ({@link Lifetime}). Every process then maps the file with
 * {@link FileChannel#map}, in native byte order: the same memory {@code mmap} of
 * the shm fd would give, without a native binding, so a receiver maps it with plain
 * Java. Receivers map lazily, at first use, as semaphores are opened lazily. The
 * mapping goes away when its buffer is collected.
 *
 * <p>Accesses are volatile (a VarHandle view): callers mostly read and write under a
 * lock, whose semaphore calls already order memory across processes, but a few
 * reads (as Barrier's {@code nWaiting}) take no lock and must still see a fresh value.
 */
public final class SharedInts implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private final String name;
    private final int length;
    private transient volatile ByteBuffer buf;

    private SharedInts(String name, int length, ByteBuffer buf) {
        this.name = name;
        this.length = length;
        this.buf = buf;
    }

    /** {@code length} ints, all 0, in a new shared-memory object owned by this process. */
    public static SharedInts create(int length) {
        Posix posix = Posix.libc();
        long size = 4L * length;
        return KernelNames.createFresh(name -> {
            int fd = posix.shm_open(name, Linux.O_CREAT | Linux.O_EXCL | Linux.O_RDWR | Linux.O_CLOEXEC, 0600);
            try {
                posix.ftruncate(fd, size);      // zero-filled
                ByteBuffer mapped = map(name, size);
                SharedInts ints = new SharedInts(name, length, mapped);
                Lifetime.own(ints, name, n -> Posix.libc().shm_unlink(n));
                return ints;
            } catch (RuntimeException | Error e) {
                posix.shm_unlink(name);
                throw e;
            } finally {
                posix.close(fd);
            }
        });
    }

    public String name() {
        return name;
    }

    public int get(int i) {
        return (int) INT.getVolatile(buffer(), index(i));
    }

    public void set(int i, int value) {
        INT.setVolatile(buffer(), index(i), value);
    }

    private int index(int i) {
        if (i < 0 || i >= length) {
            throw new IndexOutOfBoundsException(i);
        }
        return 4 * i;
    }

    private ByteBuffer buffer() {
        ByteBuffer b = buf;
        if (b == null) {
            synchronized (this) {
                b = buf;
                if (b == null) {
                    b = map(name, 4L * length);
                    buf = b;
                }
            }
        }
        return b;
    }

    private static ByteBuffer map(String name, long size) {
        Path path = Path.of("/dev/shm", name.substring(1));
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (ch.size() < size) {
                throw new IllegalStateException("shared memory " + name + " is " + ch.size()
                        + " bytes, expected " + size);
            }
            return ch.map(FileChannel.MapMode.READ_WRITE, 0, size).order(ByteOrder.nativeOrder());
        } catch (NoSuchFileException e) {
            throw failure(name, Linux.ENOENT, "No such file or directory: " + name
                    + " no longer exists (the process that created it has dropped it or exited)", "ENOENT", e);
        } catch (AccessDeniedException e) {
            throw failure(name, 13, "Permission denied: " + name, "EACCES", e);
        } catch (IOException e) {
            throw failure(name, 5, "Input/output error: " + name + ": " + e.getMessage(), "EIO", e);
        }
    }

    private static PosixException failure(String name, int errno, String text, String errnoName, Exception cause) {
        PosixException p = new PosixException("shm_open", errno, text, errnoName);
        p.initCause(cause);
        return p;
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (name == null || name.length() < 2 || name.length() > 251 || name.charAt(0) != '/'
                || name.indexOf('/', 1) >= 0 || name.indexOf('\0') >= 0 || name.startsWith("/.")) {
            throw new InvalidObjectException("SharedInts: bad name");
        }
        if (length < 1 || length > 1024) {
            throw new InvalidObjectException("SharedInts: bad length " + length);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
