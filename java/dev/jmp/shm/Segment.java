package dev.jmp.shm;

import dev.jmp.PosixException;
import dev.jmp.posix.Errno;
import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import dev.jmp.resource.Cleanup;
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
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * This process's view of one POSIX shared-memory object: its name, its size and its
 * mapping. The common part of {@code SharedMemory}, {@code Value}, {@code Array} and
 * the Barrier's {@link dev.jmp.sync.SharedInts}.
 *
 * <h2>Creating: shm_open, ftruncate, mmap</h2>
 * The creator calls {@code shm_open(name, O_CREAT|O_EXCL|O_RDWR, 0600)},
 * {@code ftruncate} and {@code mmap(fd)} through the posix layer, so that a taken name
 * fails with EEXIST and every error carries the errno CPython's {@code _posixshmem}
 * would show; mapping the fd rather than the name means the mapping is of the object
 * just created, even if the name were unlinked and taken again in between. Not
 * {@link FileChannel#map}: a young JVM's first one loads and links far more than the
 * mmap (on JDK 25, method handles spun at run time), and a program's first Condition
 * or Event makes a Segment.
 *
 * <h2>Attaching: mmap, or plain Java</h2>
 * A process attaches the same way, {@code shm_open(name, O_RDWR)} and mmap, when its
 * native layer is bound or would be libjmp ({@link Posix#cheap()}): loading that small
 * library costs a young JVM less than its first FileChannel.map (on JDK 25 by far). One
 * whose native layer is jnr-ffi's, not yet bound (the fallback, expensive to bind)
 * maps {@code /dev/shm/<name>} with a FileChannel instead. The name follows glibc's {@code shm_open}: leading slashes
 * dropped, then non-empty and without {@code /} (else EINVAL); symbolic links are not
 * followed (glibc opens with O_NOFOLLOW). A missing object is ENOENT and a foreign one
 * EACCES, as {@code shm_open} says; for any rarer failure of the FileChannel the object
 * is asked once more through {@code shm_open}, so the exception names the real errno.
 *
 * <h2>Lazy, and never unmapped by hand</h2>
 * A Segment that arrives by serialization (a handle: name and size) maps at its first
 * {@link #buffer()}, as semaphores are opened at first use ({@link KernelHandle}). The
 * mapping is released when the last {@code ByteBuffer} over it is collected (an mmap's
 * by {@link Cleanup}, once its buffer is unreachable: every duplicate or slice of a
 * direct buffer keeps the original reachable), never by {@link #close()}:
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
        this.mapping = new KernelHandle<>("shared memory", name, mapped, new MapExisting(this), LeaveMapped.INSTANCE);
    }

    /*
     * Named classes, not lambdas: every child that receives a Condition or an Event
     * makes a Segment, and a young JVM's first lambdas cost it the bootstrap of
     * java.lang.invoke (as NamedSemaphore's say).
     */

    /** A receiver's first {@link #buffer()}. */
    private static final class MapExisting implements Function<String, ByteBuffer> {
        private final Segment segment;

        MapExisting(Segment segment) {
            this.segment = segment;
        }

        @Override
        public ByteBuffer apply(String name) {
            return segment.mapExisting();
        }
    }

    /** Closing never unmaps: the buffer may still be in use (see the class comment). */
    private static final class LeaveMapped implements Consumer<ByteBuffer> {
        static final LeaveMapped INSTANCE = new LeaveMapped();

        @Override
        public void accept(ByteBuffer b) {
        }
    }

    private static final class ShmUnlink implements Consumer<String> {
        static final ShmUnlink INSTANCE = new ShmUnlink();

        @Override
        public void accept(String name) {
            shmUnlink(name);
        }
    }

    private static final class Create implements Function<String, Segment> {
        private final int size;
        private final Unlink unlink;

        Create(int size, Unlink unlink) {
            this.size = size;
            this.unlink = unlink;
        }

        @Override
        public Segment apply(String name) {
            return create(name, size, unlink);
        }
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
                ? KernelNames.createCounted(new Create(size, unlink))
                : KernelNames.createFresh(new Create(size, unlink));
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
            s = new Segment(name, size, map(posix, fd, size));
            s.owned = unlink == Unlink.WHEN_UNREACHABLE
                    ? Lifetime.hold(s, name, ShmUnlink.INSTANCE)
                    : Lifetime.ownUntilExit(name, ShmUnlink.INSTANCE);
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

    // ---- mapping an existing object ---------------------------------------------------

    private ByteBuffer mapExisting() {
        return Posix.cheap() ? mapNatively() : mapInJava();
    }

    private ByteBuffer mapNatively() {
        devShmPath(name);       // EINVAL, worded as the FileChannel path words it
        Posix posix = Posix.libc();
        int fd;
        try {
            fd = posix.shm_open(name, Linux.O_RDWR | Linux.O_CLOEXEC, 0);
        } catch (PosixException e) {
            if (e.errno() == Linux.ENOENT) {
                throw missing(e);
            }
            throw e.errno() == Linux.EACCES ? failure(Linux.EACCES, "Permission denied: " + name, e) : e;
        }
        try {
            // fstat through the fd: the size of the object opened, not of whatever the name is now.
            int actual = checkedSize(Files.size(Path.of("/proc/self/fd/" + fd)));
            ByteBuffer b = map(posix, fd, actual);
            size = actual;
            return b;
        } catch (IOException e) {
            throw failure(Linux.EIO, "Input/output error: " + name + ": " + e, e);
        } finally {
            posix.close(fd);
        }
    }

    /**
     * mmap of the whole object: the buffer, whose collection unmaps it. The unmapping
     * action keeps the address, not the buffer, or the buffer would never be unreachable.
     */
    private static ByteBuffer map(Posix posix, int fd, int size) {
        long address = posix.mmap(fd, size);
        ByteBuffer b;
        try {
            b = posix.memory(address, size);
        } catch (RuntimeException | Error e) {
            posix.munmap(address, size);
            throw e;
        }
        Cleanup.onUnreachable(b, new Unmap(address, size));
        return b;
    }

    /** A named class, not a lambda: a child's first wait on a Condition it received comes through here. */
    private static final class Unmap implements Runnable {
        private final long address;
        private final int size;

        Unmap(long address, int size) {
            this.address = address;
            this.size = size;
        }

        @Override
        public void run() {
            Posix.libc().munmap(address, size);
        }
    }

    /** The size of an object found to be {@code actual} bytes, if it can be mapped whole as this Segment. */
    private int checkedSize(long actual) {
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
        return (int) actual;
    }

    private PosixException missing(Exception cause) {
        return failure(Linux.ENOENT, "No such file or directory: " + name
                + (name.startsWith("/jmp.") ? " no longer exists (the process that created it has"
                + " unlinked it or exited)" : ""), cause);
    }

    private ByteBuffer mapInJava() {
        Path path = devShmPath(name);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            int actual = checkedSize(ch.size());
            ByteBuffer b = map(ch, actual);
            size = actual;
            return b;
        } catch (NoSuchFileException e) {
            throw missing(e);
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

    private static ByteBuffer map(FileChannel ch, int size) throws IOException {
        return ch.map(FileChannel.MapMode.READ_WRITE, 0, size).order(ByteOrder.nativeOrder());
    }

    private static PosixException failure(int errno, String text, Exception cause) {
        return Errno.exception("shm_open", errno, text, cause);
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
