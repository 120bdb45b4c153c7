package dev.jmp;

import dev.jmp.shm.Segment;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A block of POSIX shared memory that any process can attach to by name: Python's
 * {@code multiprocessing.shared_memory.SharedMemory}, and the same object: a block
 * named {@code "n"} is {@code /dev/shm/n}, so {@code SharedMemory("n", false, 0)} in
 * Java and {@code SharedMemory("n")} in Python see the same bytes.
 *
 * <pre>
 * try (SharedMemory shm = new SharedMemory(null, true, 4096)) {
 *     shm.buf().putInt(0, 42);                    // native byte order
 *     Process p = new Process(() -&gt; System.out.println(shm.buf().getInt(0)));
 *     p.start();
 *     p.join();
 *     shm.unlink();
 * }
 * </pre>
 *
 * <h2>Creating and attaching</h2>
 * {@code new SharedMemory(name, true, size)} creates the block ({@code shm_open} with
 * {@code O_CREAT|O_EXCL}, mode 0600, then {@code ftruncate}): a name already taken is
 * a {@link PosixException} with errno EEXIST; a {@code null} name means a fresh one,
 * {@code jmp.<pid>.<random>}; {@code size <= 0} is an IllegalArgumentException.
 * {@code new SharedMemory(name, false, ignored)} attaches to an existing block (a
 * missing one: PosixException ENOENT) and maps all of it: {@link #size()} is then the
 * block's real size, whatever was asked, as in CPython. As in CPython the name is
 * given without a leading slash ({@code shm_open} gets {@code "/" + name}) and
 * {@link #name()} returns it that way. A name that is not one file name under
 * {@code /dev/shm} (empty, {@code "."}, {@code ".."}, with a {@code '/'}, longer than 255
 * bytes of UTF-8) is an IllegalArgumentException that names it.
 *
 * <h2>buf()</h2>
 * Each call returns a new {@link ByteBuffer} over the whole block: position 0, limit
 * {@link #size()}, native byte order, so that Java, C and Python agree on multi-byte
 * values. Views are independent (their positions do not interfere); the bytes are
 * the same. Use absolute gets and puts, or the buffer's own position, as you like.
 *
 * <h2>close() and unlink()</h2>
 * {@link #close()} ends this handle's use of the block: {@code buf()} then throws
 * IllegalStateException (CPython's {@code buf} becomes {@code None}). Unlike CPython,
 * the memory is not unmapped at once: a ByteBuffer obtained earlier stays valid until
 * it is garbage-collected, because Java cannot take a buffer back from code that
 * holds it, and unmapping under it would crash the JVM. {@link #unlink()} removes the
 * name (any process may call it, as in CPython; a second call finds it gone: ENOENT);
 * processes that have the block mapped keep it, and the memory is freed when the last
 * mapping goes.
 *
 * <h2>Who unlinks</h2>
 * The creating process does, at the latest: at {@link #unlink()}, or at its exit
 * (normal end, uncaught exception, System.exit, SIGTERM), after joining its children,
 * whether or not the object is still referenced, as CPython's resource tracker unlinks
 * its creator's blocks at exit. It does <em>not</em> unlink when the Java object is
 * merely dropped: the name may be in use by a process that attached by name (a
 * Python peer, a child given the string). Processes that attached only close. Call
 * {@link #unlink()} when you are done, as in Python, to free the memory before exit.
 *
 * <p><b>Processes.</b> A SharedMemory given to a child (captured by its target, or sent
 * through a Pipe or Queue) travels as its name and attaches there at the first
 * {@link #buf()} or {@link #size()}.
 */
public final class SharedMemory implements AutoCloseable, Serializable {
    private static final long serialVersionUID = 1L;

    /** The block, travelling as its name. */
    private final Segment segment;

    /**
     * Creates or attaches to the block {@code /dev/shm/<name>}: Python's
     * {@code SharedMemory(name, create, size)}.
     *
     * @param name the block's name, without a leading slash; null (only with create): a
     *        fresh unique one
     * @param create true: make a new block; false: attach to an existing one
     * @param size the new block's size in bytes (> 0); when attaching it is ignored (but
     *        must not be negative)
     */
    public SharedMemory(String name, boolean create, int size) {
        if (size < 0) {
            throw new IllegalArgumentException("'size' must be a positive integer, not " + size);
        }
        if (name != null) {
            checkName(name);
        }
        if (create) {
            if (size == 0) {
                throw new IllegalArgumentException("'size' must be a positive number different from zero");
            }
            segment = name == null
                    ? Segment.createFresh(size, Segment.Unlink.AT_EXIT)
                    : Segment.create("/" + name, size, Segment.Unlink.AT_EXIT);
        } else {
            if (name == null) {
                throw new IllegalArgumentException("'name' can only be null if create is true");
            }
            segment = Segment.attach("/" + name);
        }
    }

    /** Longest name: a file name under /dev/shm, in bytes of UTF-8 (NAME_MAX). */
    private static final int NAME_MAX = 255;

    /**
     * The name must be a file name of /dev/shm: not empty, not "." or "..", no '/' and no
     * NUL, at most {@value #NAME_MAX} bytes of UTF-8. Checked here so that a bad name is
     * an IllegalArgumentException that names it and the rule, not an EINVAL of
     * shm_open (or, for "..", an EEXIST of the directory above).
     */
    private static void checkName(String name) {
        String rule = null;
        if (name.isEmpty()) {
            rule = "it is empty";
        } else if (name.equals(".") || name.equals("..")) {
            rule = "'.' and '..' are directories, not names";
        } else if (name.indexOf('/') >= 0) {
            rule = "it contains '/' (the name is one file name under /dev/shm; give it without a leading slash)";
        } else if (name.indexOf('\0') >= 0) {
            rule = "it contains a NUL character";
        } else if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > NAME_MAX) {
            rule = "it is longer than " + NAME_MAX + " bytes of UTF-8 (NAME_MAX)";
        }
        if (rule != null) {
            String shown = name.length() > 40 ? name.substring(0, 40) + "... (" + name.length() + " characters)" : name;
            throw new IllegalArgumentException("bad SharedMemory name '" + shown + "': " + rule);
        }
    }

    /**
     * Attaches to an existing block: Python's {@code SharedMemory(name)}.
     *
     * @param name the block's name, without a leading slash
     */
    public SharedMemory(String name) {
        this(name, false, 0);
    }

    /**
     * Python's {@code name}.
     *
     * @return the block's name, without the leading slash
     */
    public String name() {
        return segment.name().substring(1);
    }

    /**
     * Python's {@code size}.
     *
     * @return the size in bytes: what was created, or for an attached block its real size
     */
    public int size() {
        if (!segment.closed() && !segment.creator()) {
            segment.buffer();       // a handle that arrived: attach to learn the real size
        }
        return segment.size();
    }

    /**
     * Python's {@code buf} (a memoryview there).
     *
     * @return a new view of the whole block: position 0, limit {@link #size()}, native
     *         byte order
     * @throws IllegalStateException after {@link #close()}
     */
    public ByteBuffer buf() {
        // duplicate() forgets the byte order: set it again, or ints come out big-endian.
        return segment.buffer().duplicate().order(ByteOrder.nativeOrder());
    }

    /** Ends this handle's use of the block (see the class comment): Python's {@code close()}; the name stays. Idempotent. */
    @Override
    public void close() {
        segment.close();
    }

    /**
     * Removes the name {@code /dev/shm/<name>}: Python's {@code unlink()}; mappings stay
     * valid. From any process; PosixException ENOENT if it is already gone.
     */
    public void unlink() {
        segment.unlink();
    }

    /**
     * Checks what arrived.
     *
     * @param in the stream
     * @throws IOException if the stream fails, or what arrived is not a SharedMemory's handle
     * @throws ClassNotFoundException if a class of it is missing here
     */
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (segment == null) {
            throw new InvalidObjectException("SharedMemory: no segment");
        }
    }

    /** As Python's repr: {@code SharedMemory('name', size=4096)}. */
    @Override
    public String toString() {
        return "SharedMemory('" + name() + "', size=" + segment.size() + ")";
    }
}
