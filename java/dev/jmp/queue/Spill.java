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
 * <h2>Into the queue's arena, or a file</h2>
 * An item of up to a slot's size goes into a free slot of the queue's
 * {@link SpillArena}, which every process using the queue keeps mapped: one copy in,
 * one copy out, no system call. A larger item, or one that finds every slot taken,
 * goes into a file of its own.
 *
 * <h2>A file: written once, read once</h2>
 * The file holds the item's body only: the bytes of a {@code byte[]}, the elements of a
 * {@code double[]} (or long[], int[], a String's chars) in the machine's byte order, or
 * a serialized object's stream. What the body is (its kind, an {@link Items} tag) and
 * its length travel in the reference (as for a slot), so the consumer allocates the
 * item's own array before it reads and reads the file straight into it: one
 * {@code pwrite} from the producer's array, one {@code pread} into the consumer's, each
 * pinned by libjmp (no buffer between, no {@code fstat}: the reference carries the
 * length). Per item that is open, pwrite, close in the producer and open, unlink,
 * pread, close in the consumer, beside the message queue's send and receive
 * (benchmarks/README.md, "Big data: Queue and Pool", has the measured breakdown).
 *
 * <pre>
 * reference message
 *   REFERENCE:1  kind:1  length:8 (big-endian)  name (ASCII, the rest of the message):
 *                                                a file's, or "arena.&lt;slot&gt;"
 * </pre>
 *
 * <h2>Who unlinks it, and when</h2>
 * <ol>
 * <li><b>The producer, while the item is its own.</b> put() writes the file (or the
 *     slot) in the calling thread and registers it with the producer's
 *     {@link Lifetime}: if the item never reaches the message queue (the put fails,
 *     or the process exits with it still buffered after {@code cancelJoinThread()}),
 *     the producer unlinks it (frees the slot), at the latest at its exit.</li>
 * <li><b>The message, once sent.</b> When the reference is in the message queue the
 *     producer hands the name over ({@link dev.jmp.resource.OwnedName#disown()}):
 *     the item now outlives its producer, as bytes written into CPython's pipe do, so
 *     a child can put a 100 MiB result and exit before its parent gets it.</li>
 * <li><b>The consumer that receives it.</b> A file is opened and unlinked at once,
 *     before it is read: a consumer killed while reading (the long part, for a large
 *     item) leaves nothing, since the kernel frees an unlinked file with its last
 *     descriptor. A slot is freed once read (even if reading failed: the item is gone
 *     either way); a consumer killed while reading it leaves it taken until rule 4.</li>
 * <li><b>Whoever removes the queue, for anything left.</b> The directory lives with
 *     the message queue's name: when the resource tracker removes the queue (its last
 *     holder let it go, see {@link dev.jmp.resource.Holds}), or its creator unlinks it
 *     (explicitly, at its exit, or without a tracker when the queue is unreachable),
 *     the spill directory goes with whatever is in it: the arena, items nobody
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

    /** A reference's name for slot k of the queue's arena: never a file's (those start with "jmp."). */
    private static final String SLOT_NAME = SpillArena.FILE + ".";

    /**
     * This process's mapping of one queue's arena, made at the first spill that fits a
     * slot (or the first reference to a slot) and kept as long as the queue's handle.
     */
    static final class ArenaHolder {
        private volatile SpillArena arena;

        /** The arena of queue {@code queueName}; null if there is none ({@code create}: and none could be made). */
        SpillArena get(String queueName, boolean create) {
            SpillArena a = arena;
            if (a == null) {
                synchronized (this) {
                    a = arena;
                    if (a == null) {
                        a = SpillArena.open(directoryPath(queueName), create);
                        arena = a;
                    }
                }
            }
            return a;
        }
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
        Outgoing out = writeSlot(mq, kind, body, off, length);
        if (out == null) {
            out = writeFile(mq.name(), kind, body, off, length);
        }
        if (event.isEnabled()) {
            event.queue = mq.name();
            event.bytes = length;
            event.commit();
        }
        return out;
    }

    /** Into a free slot of the queue's arena: the reference, or null if the item is too long or no slot is free. */
    private static Outgoing writeSlot(MessageQueue mq, byte kind, Object body, long off, long length) {
        if (length > SpillArena.NEW_SLOT_BYTES) {
            return null;        // no slot of this process's arenas holds it: not worth mapping one
        }
        SpillArena arena = mq.spillArena.get(mq.name(), true);
        int k = arena == null ? -1 : arena.claim(length);
        if (k < 0) {
            return null;
        }
        try {
            arena.write(k, body, off, length);
        } catch (PosixException e) {
            arena.release(k);
            return null;        // no page for it (ENOSPC): a file, which reports what is wrong
        } catch (RuntimeException | Error e) {
            arena.release(k);
            throw e;
        }
        byte[] ref = reference(kind, length, SLOT_NAME + k);
        Outgoing out = new Outgoing(ref, ref.length);
        out.own(Lifetime.own(out, directoryPath(mq.name()) + "/" + SLOT_NAME + k, new Release(arena, k)));
        return out;
    }

    /** An unsent item's slot, freed by its Lifetime entry: a class, since it is kept with the entry. */
    private static final class Release implements java.util.function.Consumer<String> {
        private final SpillArena arena;
        private final int slot;

        Release(SpillArena arena, int slot) {
            this.arena = arena;
            this.slot = slot;
        }

        @Override
        public void accept(String name) {
            arena.release(slot);
        }
    }

    private static Outgoing writeFile(String queueName, byte kind, Object body, long off, long length) {
        Posix posix = Posix.libc();
        String dir = directoryPath(queueName);
        while (true) {
            String file = KernelNames.fresh().substring(1);
            String path = dir + "/" + file;
            int fd;
            try {
                fd = posix.open(path, Linux.O_WRONLY | Linux.O_CREAT | Linux.O_EXCL | Linux.O_CLOEXEC, FILE_MODE);
            } catch (PosixException e) {
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

    /**
     * A received reference message: the body's kind and length, and where it is: a file
     * ({@code slot} -1) or slot {@code slot} of {@code arena}; {@code path} names either.
     */
    record Reference(byte kind, long length, String path, int slot, SpillArena arena) {
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
        if (length < 0 || length > maxBytes) {
            throw new ProcessError("get: an item of " + length + " bytes, more than jmp.connection.maxMessageBytes="
                    + maxBytes + " allows (queue " + queueName + ")");
        }
        String path = directoryPath(queueName) + "/" + file;
        if (file.startsWith(SLOT_NAME)) {
            int slot = slotNumber(file.substring(SLOT_NAME.length()));
            SpillArena arena = mq.spillArena.get(queueName, false);
            if (slot < 0 || arena == null || slot >= arena.slots() || length > arena.slotBytes()) {
                throw new ProcessError("get: spill reference to " + path + (arena == null
                        ? ", which does not exist (the queue's creator has dropped the queue or exited)"
                        : ", not a slot of the queue's arena, or shorter than " + length + " bytes"));
            }
            return new Reference(ref[1], length, path, slot, arena);
        }
        if (!MessageQueue.validName("/" + file)) {
            throw new ProcessError("get: spill reference names a bad file in queue " + queueName);
        }
        return new Reference(ref[1], length, path, -1, null);
    }

    /** A slot's decimal number, or -1. */
    private static int slotNumber(String digits) {
        if (digits.isEmpty() || digits.length() > 4) {
            return -1;
        }
        int k = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            k = k * 10 + (c - '0');
        }
        return k;
    }

    /**
     * The consumer's side: reads the item {@code r} names into bytes
     * {@code [off, off + r.length())} of the array {@code allocate} makes, and returns
     * that array. A file's array is made only once the file is open, so a reference to
     * a file that is not there costs no allocation. A slot is freed once read, a file
     * unlinked before it is read.
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
        if (r.slot() >= 0) {
            try {
                return reader.read(r.arena().body(r.slot(), r.length()), r.length());
            } finally {
                r.arena().release(r.slot());
            }
        }
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
        try {
            unlinkQuietly(posix, r.path());
            return reader.read(new OpenFile(posix, fd, r), r.length());
        } catch (PosixException e) {
            throw new ProcessError("get: reading the spilled item " + r.path() + " failed: " + e.getMessage(), e);
        } finally {
            posix.close(fd);
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
}
