package dev.jmp.queue;

import dev.jmp.PosixException;
import dev.jmp.ProcessError;
import dev.jmp.posix.Errno;
import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import dev.jmp.resource.KernelNames;
import dev.jmp.resource.Lifetime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Items larger than a queue message: the payload goes into a one-shot file in shared
 * memory and the message queue carries only a reference to it, one message per item,
 * so there is no interleaving between producers and no reassembly state in consumers.
 *
 * <h2>Where</h2>
 * Each queue has a spill directory {@code /dev/shm/jmp.<creator pid>.<random>} (the
 * queue's own name; mode 0700), made by the creator with the queue. A spilled item is
 * a file in it, {@code jmp.<producer pid>.<random>} (O_EXCL, mode 0600).
 *
 * <h2>Written once, read once</h2>
 * The file holds the item's body only: the bytes of a {@code byte[]}, the elements of a
 * {@code double[]} (or long[], int[], a String's chars) in the machine's byte order, or
 * a serialized object's stream. What the body is (its kind, an {@link Items} tag) and
 * its length travel in the reference, so the consumer allocates the item's own array
 * before it reads and reads the file straight into it: one {@code pwrite} from the
 * producer's array, one {@code pread} into the consumer's, each pinned by libjmp (no
 * buffer between, no {@code fstat}: the reference carries the length). Per item that
 * is rename (or a fresh file's open), open, pwrite, close in the producer and open,
 * pread, close, rename (or unlink) in the consumer, beside the message queue's send and
 * receive (benchmarks/README.md, "Big data: Queue and Pool", has the measured breakdown).
 *
 * <h2>Recycled files</h2>
 * A fresh tmpfs file costs the kernel more than the copy into it: every page is
 * allocated, zeroed and charged on the write, and freed again at the consumer's last
 * close. So a consumer that has read an item of at most {@code jmp.queue.spillFileBytes}
 * does not unlink its file: it renames it to a free slot of the directory,
 * {@code free.<n>} for n below {@code jmp.queue.spillFiles}, with
 * {@code renameat2(RENAME_NOREPLACE)} (it never replaces another free file; when the
 * slots it tries are taken it unlinks). A producer renames a free file to its item's own
 * new name and writes over it, from offset 0: the pages are there already, and what
 * the file held behind the new item is never read (the reference carries the length).
 * Each rename is atomic, so one process at a time owns a file, whoever wins the race
 * for it; which slots a process tries first are per-process hints ({@link Cursors}).
 * A free file holds no item and belongs to the directory: it goes with it (rule 4).
 * Files of larger items are not recycled (their pages would be held for a queue that
 * rarely needs them).
 *
 * <pre>
 * reference message
 *   REFERENCE:1  kind:1  length:8 (big-endian)  file name (ASCII, the rest of the message)
 * </pre>
 *
 * <h2>Who unlinks it, and when</h2>
 * <ol>
 * <li><b>The producer, while the item is its own.</b> put() writes the file in the
 *     calling thread and registers it with the producer's {@link Lifetime}: if the
 *     item never reaches the message queue (the put fails, or the process exits with
 *     it still buffered after {@code cancelJoinThread()}), the producer unlinks it,
 *     at the latest at its exit.</li>
 * <li><b>The message, once sent.</b> When the reference is in the message queue the
 *     producer hands the name over ({@link dev.jmp.resource.OwnedName#disown()}):
 *     the item now outlives its producer, as bytes written into CPython's pipe do, so
 *     a child can put a 100 MiB result and exit before its parent gets it.</li>
 * <li><b>The consumer that receives it.</b> A file too large to be recycled is
 *     opened and unlinked at once, before it is read: a consumer killed while reading
 *     (the long part, for a large item) leaves nothing, since the kernel frees an
 *     unlinked file with its last descriptor. A smaller one is read, then renamed to
 *     a free slot (see Recycled files) or unlinked; a consumer killed while reading it
 *     leaves it under the item's name until rule 4.</li>
 * <li><b>Whoever removes the queue, for anything left.</b> The directory lives with
 *     the message queue's name: when the resource tracker removes the queue (its last
 *     holder let it go, see {@link dev.jmp.resource.Holds}), or its creator unlinks it
 *     (explicitly, at its exit, or without a tracker when the queue is unreachable),
 *     the spill directory goes with whatever is in it: items nobody
 *     received, a file whose consumer was SIGKILLed in the microseconds between
 *     receiving the reference and unlinking it, a SIGKILLed producer's half-written
 *     file.</li>
 * </ol>
 * So after a program has ended nothing remains, however it ended (see Lifetime).
 */
final class Spill {
    private Spill() {
    }

    /** First byte of a reference message (a serialized Java object starts with 0xAC). */
    static final byte REFERENCE = 0x01;

    private static final int HEADER = 1 + 1 + 8;
    private static final int MAX_FILE_NAME = 80;
    private static final String SHM = "/dev/shm/";
    private static final int FILE_MODE = 0600;
    private static final Set<java.nio.file.attribute.PosixFilePermission> DIR_MODE =
            PosixFilePermissions.fromString("rwx------");

    /**
     * Recycled files a queue keeps at most ({@code jmp.queue.spillFiles}; 0: none). A
     * steady stream needs few (a message queue holds 10 items); more would hold
     * {@code /dev/shm}, which a container may size at 64 MiB for everything.
     */
    private static final int SLOTS = Math.max(0, Integer.getInteger("jmp.queue.spillFiles", 16));
    /** The largest item whose file is recycled ({@code jmp.queue.spillFileBytes}). */
    private static final long RECYCLE_BYTES = SLOTS == 0 ? -1 : Long.getLong("jmp.queue.spillFileBytes", 1L << 20);
    /** Slots tried before a producer makes a fresh file, or a consumer unlinks its file. */
    private static final int TRIES = 3;
    /** A recycled file's name, {@code free.<slot>}: never a reference's (those start with "jmp."). */
    private static final String SLOT = "free.";
    /**
     * The slots a process tries first in one queue's directory, when it takes a file and
     * when it hands one back. A cursor moves past a slot it used, never past one it
     * missed: with one producer and one consumer the slots then work as a ring (the
     * producer takes the oldest file handed back), and items put and got one at a time
     * reuse one file. Hints only (each process has its own, threads race on them): the
     * renames decide who gets a file.
     */
    static final class Cursors {
        final AtomicInteger take = new AtomicInteger();
        final AtomicInteger handBack = new AtomicInteger();
    }

    static Path directory(String queueName) {
        return Path.of(directoryPath(queueName));
    }

    private static String directoryPath(String queueName) {
        return SHM + queueName.substring(1);
    }

    /** The creator's side: a new spill directory for a new queue. */
    static void createDirectory(String queueName) {
        Path dir = directory(queueName);
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        } catch (FileAlreadyExistsException e) {
            throw Errno.exception("mkdir", Linux.EEXIST, "File exists: " + dir, e);     // KernelNames tries another name
        } catch (IOException e) {
            throw Errno.exception("mkdir", Linux.EIO, "cannot create the spill directory " + dir + ": " + e, e);
        }
    }

    /** The creator's side, when the queue goes: the directory and everything left in it. */
    static void removeDirectory(String queueName) {
        Path dir = directory(queueName);
        for (int attempt = 0; attempt < 3; attempt++) {
            try (Stream<Path> files = Files.list(dir)) {
                files.forEach(Spill::deleteQuietly);
            } catch (NoSuchFileException e) {
                return;
            } catch (IOException | UncheckedIOException e) {
                // listed what could be listed; try the directory anyway
            }
            try {
                Files.deleteIfExists(dir);
                return;
            } catch (DirectoryNotEmptyException raced) {
                // a producer spilled meanwhile: list again
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the spill directory " + dir, e);
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the directory's removal reports what is left
        }
    }

    /**
     * The producer's side: writes bytes {@code [off, off + length)} of {@code body} (a
     * primitive array) into a new file of the queue's spill directory and returns the
     * reference message, carrying {@code kind}; owned by this process until it is sent
     * (see the class comment).
     */
    static Outgoing write(MessageQueue mq, byte kind, Object body, long off, long length) {
        SpillEvent event = new SpillEvent();
        event.begin();
        Outgoing out = writeFile(mq.name(), mq.spillCursors, kind, body, off, length);
        if (event.isEnabled()) {
            event.queue = mq.name();
            event.bytes = length;
            event.commit();
        }
        return out;
    }

    private static Outgoing writeFile(String queueName, Cursors cursors, byte kind, Object body, long off,
            long length) {
        Posix posix = Posix.libc();
        String dir = directoryPath(queueName);
        while (true) {
            String file = KernelNames.fresh().substring(1);
            String path = dir + "/" + file;
            boolean recycled = length <= RECYCLE_BYTES && takeRecycled(posix, cursors.take, dir, path);
            int fd;
            try {
                fd = recycled
                        ? posix.open(path, Linux.O_WRONLY | Linux.O_CLOEXEC, 0)
                        : posix.open(path, Linux.O_WRONLY | Linux.O_CREAT | Linux.O_EXCL | Linux.O_CLOEXEC, FILE_MODE);
            } catch (PosixException e) {
                if (recycled) {
                    unlinkQuietly(posix, path);     // taken, and of no use now
                }
                if (e.errno() == Linux.EEXIST) {
                    continue;
                }
                if (e.errno() == Linux.ENOENT) {
                    throw new ProcessError("cannot put a " + length + "-byte item: the spill directory of queue "
                            + queueName + " no longer exists (the process that created the queue has dropped it or"
                            + " exited)", e);
                }
                throw new ProcessError("cannot put a " + length + "-byte item: creating " + path + " failed: "
                        + e.getMessage(), e);
            }
            try {
                posix.pwrite(fd, body, off, length, 0);
            } catch (PosixException e) {
                unlinkQuietly(posix, path);
                throw new ProcessError("cannot put a " + length + "-byte item: writing it to " + path
                        + " failed (is /dev/shm full?): " + e.getMessage(), e);
            } catch (RuntimeException | Error e) {
                unlinkQuietly(posix, path);
                throw e;
            } finally {
                posix.close(fd);
            }
            byte[] ref = reference(kind, length, file);
            Outgoing out = new Outgoing(ref, ref.length);
            out.own(Lifetime.own(out, path, Spill::unlinkPath));
            return out;
        }
    }

    private static void unlinkQuietly(Posix posix, String path) {
        try {
            posix.unlink(path);
        } catch (PosixException ignored) {
            // the queue's creator removes what is left with the directory
        }
    }

    private static void unlinkPath(String path) {
        try {
            Posix.libc().unlink(path);
        } catch (PosixException e) {
            if (e.errno() != Linux.ENOENT) {
                throw e;
            }
        }
    }

    private static byte[] reference(byte kind, long length, String file) {
        byte[] name = file.getBytes(StandardCharsets.US_ASCII);
        byte[] ref = new byte[HEADER + name.length];
        ref[0] = REFERENCE;
        ref[1] = kind;
        for (int i = 0; i < 8; i++) {
            ref[2 + i] = (byte) (length >>> (56 - 8 * i));
        }
        System.arraycopy(name, 0, ref, HEADER, name.length);
        return ref;
    }

    /** A received reference message: the body's kind and length, its file, and its queue's cursors. */
    record Reference(byte kind, long length, String path, Cursors cursors) {
    }

    /** The consumer's side: the reference a message {@code ref[0..n)} of {@code mq} holds, checked. */
    static Reference reference(MessageQueue mq, byte[] ref, int n, long maxBytes) {
        String queueName = mq.name();
        if (n <= HEADER || n > HEADER + MAX_FILE_NAME) {
            throw new ProcessError("get: malformed spill reference (" + n + " bytes) in queue " + queueName);
        }
        long length = 0;
        for (int i = 0; i < 8; i++) {
            length = (length << 8) | (ref[2 + i] & 0xff);
        }
        String file = new String(ref, HEADER, n - HEADER, StandardCharsets.US_ASCII);
        if (!MessageQueue.validName("/" + file)) {
            throw new ProcessError("get: spill reference names a bad file in queue " + queueName);
        }
        if (length < 0 || length > maxBytes) {
            throw new ProcessError("get: an item of " + length + " bytes, more than jmp.connection.maxMessageBytes="
                    + maxBytes + " allows (queue " + queueName + ")");
        }
        return new Reference(ref[1], length, directoryPath(queueName) + "/" + file, mq.spillCursors);
    }

    /**
     * The consumer's side: opens the file {@code r} names, reads it into bytes
     * {@code [off, off + r.length())} of the array {@code allocate} makes, and returns
     * that array. The array is made only once the file is open, so a reference to a file
     * that is not there costs no allocation. A file small enough to be recycled is handed
     * back to the queue's producers once read (or unlinked, when every slot tried is
     * taken); a larger one is unlinked before it is read.
     */
    static Object read(Reference r, Supplier<Object> allocate, long off) {
        return read(r, new Whole(allocate, off));
    }

    /** {@link #read(Reference, Supplier, long)}'s reader: the whole body into one new array. */
    private static final class Whole implements Items.BodyReader {
        private final Supplier<Object> allocate;
        private final long off;

        Whole(Supplier<Object> allocate, long off) {
            this.allocate = allocate;
            this.off = off;
        }

        @Override
        public Object read(Items.Body body, long length) {
            Object array = allocate.get();
            body.readFully(array, off, length, 0);
            return array;
        }
    }

    /**
     * The consumer's side, as {@link #read(Reference, Supplier, long)}, the body read by
     * {@code reader} (which may read it piece by piece into several arrays).
     */
    static Object read(Reference r, Items.BodyReader reader) {
        Posix posix = Posix.libc();
        int fd;
        try {
            fd = posix.open(r.path(), Linux.O_RDONLY | Linux.O_CLOEXEC, 0);
        } catch (PosixException e) {
            if (e.errno() == Linux.ENOENT) {
                throw new ProcessError("get: the spilled item " + r.path() + " no longer exists (the queue's creator"
                        + " has dropped the queue or exited, or its producer exited after cancelJoinThread())", e);
            }
            throw new ProcessError("get: the spilled item " + r.path() + " cannot be opened: " + e.getMessage(), e);
        }
        boolean recycle = r.length() <= RECYCLE_BYTES;
        boolean read = false;
        try {
            if (!recycle) {
                unlinkQuietly(posix, r.path());
            }
            Object item = reader.read(new OpenFile(posix, fd, r), r.length());
            read = true;
            return item;
        } catch (PosixException e) {
            throw new ProcessError("get: reading the spilled item " + r.path() + " failed: " + e.getMessage(), e);
        } finally {
            posix.close(fd);
            if (recycle && !(read && handBack(posix, r.cursors().handBack, r.path()))) {
                unlinkQuietly(posix, r.path());
            }
        }
    }

    /** A spilled item's open file, for a {@link Items.BodyReader}. */
    private static final class OpenFile implements Items.Body {
        private final Posix posix;
        private final int fd;
        private final Reference r;

        OpenFile(Posix posix, int fd, Reference r) {
            this.posix = posix;
            this.fd = fd;
            this.r = r;
        }

        @Override
        public void readFully(Object array, long off, long len, long pos) {
            if (pos < 0 || len < 0 || pos + len > r.length()) {
                throw new ProcessError("get: a read of bytes " + pos + ".." + (pos + len) + " of spilled item "
                        + r.path() + ", which is " + r.length() + " bytes");
            }
            long got = posix.pread(fd, array, off, len, pos);
            if (got != len) {
                throw new ProcessError("get: spilled item " + r.path() + " ends at " + (pos + got)
                        + " bytes, its reference says " + r.length());
            }
        }
    }

    // ---- recycled files -------------------------------------------------------------

    /**
     * The producer's side: renames one of the recycled files of directory {@code dir}
     * to {@code path} (the item's own new name). False if the slots tried were empty.
     */
    private static boolean takeRecycled(Posix posix, AtomicInteger cursor, String dir, String path) {
        int first = cursor.get();
        for (int i = 0; i < TRIES; i++) {
            int k = Math.floorMod(first + i, SLOTS);
            try {
                posix.renameat2(dir + "/" + SLOT + k, path, Linux.RENAME_NOREPLACE);
                cursor.set(k + 1);
                return true;
            } catch (PosixException e) {
                if (e.errno() != Linux.ENOENT) {
                    return false;       // the directory's problem: the fresh file's open reports it
                }
            }
        }
        return false;
    }

    /**
     * The consumer's side, after reading the item at {@code path}: renames the file to a
     * free slot of its directory (never replacing one). False if the slots tried were
     * taken, or the file system cannot rename without replacing: the caller unlinks it.
     */
    private static boolean handBack(Posix posix, AtomicInteger cursor, String path) {
        String dir = path.substring(0, path.lastIndexOf('/') + 1);
        int first = cursor.get();
        for (int i = 0; i < TRIES; i++) {
            int k = Math.floorMod(first + i, SLOTS);
            try {
                posix.renameat2(path, dir + SLOT + k, Linux.RENAME_NOREPLACE);
                cursor.set(k + 1);
                return true;
            } catch (PosixException e) {
                if (e.errno() != Linux.EEXIST) {
                    return false;
                }
            }
        }
        return false;
    }
}
