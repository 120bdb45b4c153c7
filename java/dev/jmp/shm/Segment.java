package dev.jmp.shm;

import dev.jmp.PosixException;
import dev.jmp.posix.Errno;
import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import dev.jmp.resource.Holds;
import dev.jmp.resource.KernelHandle;
import dev.jmp.resource.KernelNames;
import dev.jmp.resource.Lifetime;
import dev.jmp.resource.OwnedName;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * This process's view of one POSIX shared-memory object: its name, its size and its
 * mapping. The common part of {@code SharedMemory}, {@code Value}, {@code Array} and
 * the Barrier's {@link dev.jmp.sync.SharedInts}.
 *
 * <h2>Creating: shm_open, ftruncate, then FileChannel.map</h2>
 * The creator calls {@code shm_open(name, O_CREAT|O_EXCL|O_RDWR, 0600)} and
 * {@code ftruncate} through the posix layer, so that a taken name fails with EEXIST
 * and every error carries the errno CPython's {@code _posixshmem} would show. It then
 * maps the object with {@link FileChannel#map} of {@code /proc/self/fd/<fd>}: the
 * same memory {@code mmap(fd)} gives, with no native binding and no
 * {@code ByteBuffer} made by hand over a raw address; going through the fd rather
 * than the name means the mapping is of the object just created, even if the name
 * were unlinked and taken again in between.
 *
 * <h2>Attaching: plain Java</h2>
 * A process that only attaches (the usual child) maps {@code /dev/shm/<name>} with a
 * FileChannel and binds nothing native: binding jnr-ffi costs a cold child JVM far
 * more than the mapping. The name follows glibc's {@code shm_open}: leading slashes
 * dropped, then non-empty and without {@code /} (else EINVAL); symbolic links are not
 * followed (glibc opens with O_NOFOLLOW). A missing object is ENOENT and a foreign one
 * EACCES, as {@code shm_open} says; for any rarer failure the object is asked once
 * more through {@code shm_open}, so the exception names the real errno.
 *
 * <h2>Lazy, and never unmapped by hand</h2>
 * A Segment that arrives by serialization (a handle: name and size) maps at its first
 * {@link #buffer()}, as semaphores are opened at first use ({@link KernelHandle}). The
 * mapping is released when the last {@code ByteBuffer} over it is collected, never by
 * {@link #close()}:
 * unmapping memory that a thread may still read through a buffer would crash the JVM
 * (a SIGSEGV, not an exception), and a buffer someone kept cannot be recalled. So
 * close() only makes this Segment refuse to hand out the buffer again.
 *
 * <h2>Native byte order</h2>
 * {@code FileChannel.map} returns a big-endian buffer; every buffer here is switched
 * to {@link ByteOrder#nativeOrder()} (a Python peer, and C, read native order).
 */
public final class Segment implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Longest file name under /dev/shm (NAME_MAX). */
    private static final int NAME_MAX = 255;

    private final String name;          // what shm_open gets: "/" + the user's name
    private volatile int size;          // of an attached object: its size when mapped
    private final transient KernelHandle<ByteBuffer> mapping;
    private transient OwnedName owned;  // null unless this process created it

    /** {@code mapped}: the creator's mapping; null in a receiver, which maps at first use. */
    private Segment(String name, int size, ByteBuffer mapped) {
        this.name = name;
        this.size = size;
        this.mapping = new KernelHandle<>("shared memory", name, mapped, n -> mapExisting(), Segment::leaveMapped);
    }

    /** Closing never unmaps: the buffer may still be in use (see the class comment). */
    private static void leaveMapped(ByteBuffer b) {
    }

    /** Who unlinks what this process creates; see {@link Lifetime}. */
    public enum Unlink {
        /**
         * When no process holds a Segment on it any more (with a resource tracker,
         * {@link Holds}), else when it becomes unreachable here or at exit: the name is jmp's own.
         */
        WHEN_UNREACHABLE,
        /**
         * Only at {@link #unlink()} or at exit: the name is public (a Python peer may
         * attach by name while no Java object refers to it any more), as CPython's
         * resource tracker unlinks a SharedMemory at its creator's exit.
         */
        AT_EXIT
    }

    /** A new object of {@code size} zero bytes under a fresh {@code /jmp.<pid>.<random>} name. */
    public static Segment createFresh(int size, Unlink unlink) {
        return unlink == Unlink.WHEN_UNREACHABLE
                ? KernelNames.createCounted(name -> create(name, size, unlink))
                : KernelNames.createFresh(name -> create(name, size, unlink));
    }

    /**
     * A new object of {@code size} zero bytes named {@code name} (shm_open's argument,
     * with its leading slash): EEXIST if the name is taken.
     */
    public static Segment create(String name, int size, Unlink unlink) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be > 0, not " + size);
        }
        checkNoNul(name);
        Posix posix = Posix.libc();
        int fd = posix.shm_open(name, Linux.O_CREAT | Linux.O_EXCL | Linux.O_RDWR | Linux.O_CLOEXEC, 0600);
        Segment s;
        try {
            posix.ftruncate(fd, size);      // zero-filled
            ByteBuffer buf;
            try (FileChannel ch = FileChannel.open(Path.of("/proc/self/fd/" + fd),
                    StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                buf = map(ch, size, name);
            } catch (IOException e) {
                throw ioFailure("mmap", e);
            }
            s = new Segment(name, size, buf);
            s.owned = unlink == Unlink.WHEN_UNREACHABLE
                    ? Lifetime.hold(s, name, Segment::shmUnlink)
                    : Lifetime.ownUntilExit(name, Segment::shmUnlink);
        } catch (RuntimeException | Error e) {
            try {
                posix.shm_unlink(name);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            posix.close(fd);
        }
        return s;
    }

    /**
     * The existing object {@code name} (shm_open's argument), mapped now, whole: its
     * size is the object's ({@code fstat}), as CPython's attach.
     */
    public static Segment attach(String name) {
        checkNoNul(name);
        Segment s = new Segment(name, 0, null);
        s.buffer();
        return s;
    }

    private static void shmUnlink(String name) {
        Posix.libc().shm_unlink(name);
    }

    /** shm_open's name, with its leading slash. */
    public String name() {
        return name;
    }

    /** Bytes mapped (for a handle not mapped yet: the size it had when it was sent). */
    public int size() {
        return size;
    }

    /** True in the process that created the object. */
    public boolean creator() {
        return owned != null;
    }

    /**
     * The whole mapping, in native byte order (the same instance each time: callers
     * that hand it out should duplicate it). Maps it first in a process that received
     * this Segment. IllegalStateException after {@link #close()}.
     */
    public ByteBuffer buffer() {
        return mapping.get();
    }

    /**
     * Drops this process's use of the mapping (the memory goes once every buffer over
     * it is collected, see the class comment). Later {@link #buffer()} calls throw.
     */
    public void close() {
        mapping.close();
    }

    public boolean closed() {
        return mapping.closed();
    }

    /**
     * {@code shm_unlink}: the name goes now (PosixException ENOENT if it is gone
     * already, as CPython's second unlink); mappings stay valid. Any process may call it;
     * in the creator it also ends the Lifetime's duty.
     */
    public void unlink() {
        OwnedName o = owned;
        try {
            shmUnlink(name);
        } catch (PosixException e) {
            if (e.errno() == Linux.ENOENT && o != null) {
                o.disown();     // someone else unlinked it: nothing left for us at exit
            }
            throw e;
        }
        if (o != null) {
            o.disown();
        }
    }

    // ---- mapping an existing object in plain Java ------------------------------------

    private ByteBuffer mapExisting() {
        Path path = devShmPath(name);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            long actual = ch.size();
            if (actual > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shared memory " + name + " is " + actual
                        + " bytes; a ByteBuffer spans at most " + Integer.MAX_VALUE);
            }
            if (actual == 0) {
                throw new IllegalArgumentException("cannot map an empty shared memory object: " + name);
            }
            if (actual < size) {
                // Only a foreign truncate does this; touching the missing part would be SIGBUS.
                throw new IllegalStateException("shared memory " + name + " is " + actual
                        + " bytes, expected " + size);
            }
            ByteBuffer b = map(ch, (int) actual, name);
            size = (int) actual;
            return b;
        } catch (NoSuchFileException e) {
            throw failure(Linux.ENOENT, "No such file or directory: " + name
                    + (name.startsWith("/jmp.") ? " no longer exists (the process that created it has"
                    + " unlinked it or exited)" : ""), e);
        } catch (AccessDeniedException e) {
            throw failure(Linux.EACCES, "Permission denied: " + name, e);
        } catch (IOException e) {
            throw realErrno(e);
        }
    }

    /** The file glibc's shm_open opens for {@code name}; EINVAL where shm_open says so. */
    static Path devShmPath(String name) {
        int start = 0;
        while (start < name.length() && name.charAt(start) == '/') {
            start++;
        }
        String file = name.substring(start);
        if (file.isEmpty() || file.indexOf('/') >= 0) {
            throw failure(Linux.EINVAL, "Invalid argument: " + name, null);
        }
        try {
            return Path.of("/dev/shm", file);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("bad shared memory name: " + name, e);
        }
    }

    /** An IOException without a clear errno: ask shm_open itself what is wrong. */
    private PosixException realErrno(IOException e) {
        try {
            Posix posix = Posix.libc();
            posix.close(posix.shm_open(name, Linux.O_RDWR | Linux.O_CLOEXEC, 0));
        } catch (PosixException p) {
            p.initCause(e);
            return p;
        } catch (RuntimeException | LinkageError ignored) {
            // No native access at all: report what Java saw.
        }
        return failure(Linux.EIO, "Input/output error: " + name + ": " + e, e);
    }

    /**
     * Links what a receiver's first {@link #buffer()} runs in a young JVM (FileChannel's
     * classes, its native library, the lambda its first map links) on a read-only
     * mapping of a file of the JDK's own, no kernel object: for a warm child and a
     * start-up archive's training child, since a child's first wait on a Condition or
     * Event it received maps that Condition's sleeper table.
     */
    public static void warmUp() {
        Path release = Path.of(System.getProperty("java.home"), "release");
        try (FileChannel ch = FileChannel.open(release, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = Math.min(ch.size(), 8);
            if (size > 0) {
                ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.nativeOrder());
            }
        } catch (IOException | RuntimeException e) {
            // Nothing to warm here: the first real mapping pays for it.
        }
    }

    private static ByteBuffer map(FileChannel ch, int size, String name) throws IOException {
        return ch.map(FileChannel.MapMode.READ_WRITE, 0, size).order(ByteOrder.nativeOrder());
    }

    private static PosixException failure(int errno, String text, Exception cause) {
        return Errno.exception("shm_open", errno, text, cause);
    }

    /** FileChannel.map says "Map failed" with an OutOfMemoryError cause when mmap gives ENOMEM. */
    private static PosixException ioFailure(String function, IOException e) {
        PosixException p = Errno.exception(function,
                e.getCause() instanceof OutOfMemoryError ? Linux.ENOMEM : Linux.EIO);
        p.initCause(e);
        return p;
    }

    private static void checkNoNul(String name) {
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("embedded null character in shared memory name");
        }
    }

    // ---- serialization: name and size travel, the receiver maps at first use -------------

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        // What arrives may come from a pipe: only a flat name under /dev/shm, never a path.
        if (name == null || name.isEmpty() || name.length() > NAME_MAX + 1 || name.indexOf('\0') >= 0) {
            throw new InvalidObjectException("shared memory: bad name");
        }
        String file = name.replaceFirst("^/+", "");
        if (file.isEmpty() || file.indexOf('/') >= 0 || file.equals(".") || file.equals("..")) {
            throw new InvalidObjectException("shared memory: bad name");
        }
        if (size < 1) {
            throw new InvalidObjectException("shared memory: bad size " + size);
        }
    }

    /** A copy of the name leaves in a message: counted in flight until it arrives ({@link Holds}). */
    private void writeObject(ObjectOutputStream out) throws IOException {
        Holds.sending(name);
        out.defaultWriteObject();
    }

    /**
     * A handle that arrives is a new view of the object in this process, mapped at first
     * use, and a hold on the name while it is reachable ({@link Holds}).
     */
    private Object readResolve() {
        Segment s = new Segment(name, size, null);
        Holds.arrived(s, name);
        return s;
    }

    @Override
    public String toString() {
        return name;
    }
}
