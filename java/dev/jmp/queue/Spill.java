package dev.jmp.queue;

import dev.jmp.ProcessError;
import dev.jmp.posix.Errno;
import dev.jmp.posix.Linux;
import dev.jmp.resource.KernelNames;
import dev.jmp.resource.Lifetime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Items larger than a queue message: the payload goes into a one-shot file in shared
 * memory and the message queue carries only a reference to it, one message per item,
 * so there is no interleaving between producers and no reassembly state in consumers.
 *
 * <h2>Where</h2>
 * Each queue has a spill directory {@code /dev/shm/jmp.<creator pid>.<random>} (the
 * queue's own name; mode 0700), made by the creator with the queue. A spilled item is
 * a file in it, {@code jmp.<producer pid>.<random>} (O_EXCL, mode 0600), written with
 * plain file I/O (tmpfs: memory speed, and no native binding for it).
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
 * <li><b>The consumer that receives it</b> opens the file and unlinks it at once,
 *     before it reads: a consumer killed while reading (the long part, for a large
 *     item) leaves nothing, since the kernel frees an unlinked file with its last
 *     descriptor.</li>
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

    private static final Path SHM = Path.of("/dev/shm");
    private static final int CHUNK = 1 << 20;
    private static final Set<java.nio.file.attribute.PosixFilePermission> FILE_MODE =
            PosixFilePermissions.fromString("rw-------");
    private static final Set<java.nio.file.attribute.PosixFilePermission> DIR_MODE =
            PosixFilePermissions.fromString("rwx------");

    static Path directory(String queueName) {
        return SHM.resolve(queueName.substring(1));
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
     * The producer's side: writes {@code data[0..length)} into a new file of the
     * queue's spill directory and returns the reference message, owned by this
     * process until it is sent (see the class comment).
     */
    static Outgoing write(String queueName, byte[] data, int length) {
        SpillEvent event = new SpillEvent();
        event.begin();
        Outgoing out = writeFile(queueName, data, length);
        if (event.isEnabled()) {
            event.queue = queueName;
            event.bytes = length;
            event.commit();
        }
        return out;
    }

    private static Outgoing writeFile(String queueName, byte[] data, int length) {
        Path dir = directory(queueName);
        while (true) {
            String file = KernelNames.fresh().substring(1);
            Path path = dir.resolve(file);
            try (FileChannel ch = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(FILE_MODE))) {
                try {
                    for (int off = 0; off < length; ) {
                        // Chunks: the JDK copies a heap buffer through a temporary direct one
                        // of the same size, which for a 100 MiB item would be 100 MiB more.
                        off += ch.write(ByteBuffer.wrap(data, off, Math.min(CHUNK, length - off)));
                    }
                } catch (IOException | RuntimeException | Error e) {
                    deleteQuietly(path);
                    throw e;
                }
            } catch (FileAlreadyExistsException taken) {
                continue;
            } catch (NoSuchFileException e) {
                throw new ProcessError("cannot put a " + length + "-byte item: the spill directory of queue " + queueName
                        + " no longer exists (the process that created the queue has dropped it or exited)", e);
            } catch (IOException e) {
                throw new ProcessError("cannot put a " + length + "-byte item: writing it to " + path
                        + " failed (is /dev/shm full?): " + e.getMessage(), e);
            }
            byte[] ref = reference(length, file);
            Outgoing out = new Outgoing(ref, ref.length);
            out.own(Lifetime.own(out, path.toString(), Spill::unlinkPath));
            return out;
        }
    }

    private static void unlinkPath(String path) {
        try {
            Files.deleteIfExists(Path.of(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] reference(long length, String file) {
        byte[] name = file.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] ref = new byte[9 + name.length];
        ref[0] = REFERENCE;
        for (int i = 0; i < 8; i++) {
            ref[1 + i] = (byte) (length >>> (56 - 8 * i));
        }
        System.arraycopy(name, 0, ref, 9, name.length);
        return ref;
    }

    /**
     * The consumer's side: the payload a reference message {@code ref[0..n)} names.
     * The file is unlinked as soon as it is open, before it is read.
     */
    static byte[] read(String queueName, byte[] ref, int n, long maxBytes) {
        if (n < 10 || n > 9 + 80) {
            throw new ProcessError("get: malformed spill reference (" + n + " bytes) in queue " + queueName);
        }
        long length = 0;
        for (int i = 0; i < 8; i++) {
            length = (length << 8) | (ref[1 + i] & 0xff);
        }
        String file = new String(ref, 9, n - 9, java.nio.charset.StandardCharsets.US_ASCII);
        if (!MessageQueue.validName("/" + file)) {
            throw new ProcessError("get: spill reference names a bad file in queue " + queueName);
        }
        if (length < 0 || length > maxBytes) {
            throw new ProcessError("get: an item of " + length + " bytes, more than jmp.connection.maxMessageBytes="
                    + maxBytes + " allows (queue " + queueName + ")");
        }
        Path path = directory(queueName).resolve(file);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            Files.delete(path);
            if (ch.size() != length) {
                throw new ProcessError("get: spilled item " + path + " is " + ch.size() + " bytes, its reference says "
                        + length);
            }
            byte[] data = new byte[(int) length];
            for (int off = 0; off < data.length; ) {
                int r = ch.read(ByteBuffer.wrap(data, off, Math.min(CHUNK, data.length - off)));
                if (r < 0) {
                    throw new ProcessError("get: spilled item " + path + " ended early");
                }
                off += r;
            }
            return data;
        } catch (NoSuchFileException e) {
            throw new ProcessError("get: the spilled item " + path + " no longer exists (the queue's creator has"
                    + " dropped the queue or exited, or its producer exited after cancelJoinThread())", e);
        } catch (AccessDeniedException e) {
            throw new ProcessError("get: the spilled item " + path + " is not readable by this process", e);
        } catch (IOException e) {
            throw new ProcessError("get: reading the spilled item " + path + " failed: " + e, e);
        }
    }
}
