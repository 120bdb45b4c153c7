package dev.jmp.queue;

import static dev.jmp.queue.SpillArenaDescriptor.BACKED;
import static dev.jmp.queue.SpillArenaDescriptor.MAGIC;
import static dev.jmp.queue.SpillArenaDescriptor.MAGIC_OFFSET;
import static dev.jmp.queue.SpillArenaDescriptor.OWNER;
import static dev.jmp.queue.SpillArenaDescriptor.SLOTS_OFFSET;
import static dev.jmp.queue.SpillArenaDescriptor.SLOT_BYTES_OFFSET;
import static dev.jmp.queue.SpillArenaDescriptor.line;

import dev.jmp.PosixException;
import dev.jmp.ProcessError;
import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Slots of shared memory that every process using a queue keeps mapped, for spilled
 * items of up to a slot's size: a producer copies the item into a free slot and sends
 * the slot's number, the consumer copies it out and frees the slot. Per item that is
 * two copies and no system call beside the message queue's own.
 *
 * <h2>Why not a file per item</h2>
 * A spill file is opened, written and closed by its producer and opened, read, closed
 * and unlinked (or handed back for reuse) by its consumer; and {@code pwrite} into
 * tmpfs costs per page about as much again as its copy, even over pages that exist
 * (benchmarks/README.md, "Big data: Queue and Pool"). A copy into a mapping whose pages
 * are already there costs the copy. A file per item remains for items larger than a
 * slot and for the moments when every slot is taken ({@link Spill}).
 *
 * <h2>Claiming and freeing</h2>
 * A slot's owner word ({@link SpillArenaDescriptor}) is 0 when it is free. A producer
 * claims the lowest free slot with a compare-and-set to its pid, so a stream that keeps
 * few items in flight reuses the same few slots (and their pages stay in the cache);
 * a burst takes as many as it needs and leaves their pages behind for the next. The
 * consumer that received the slot's number reads the item, then stores 0 with release
 * semantics: its reads come before the slot can be claimed again, and the producer's
 * next claim (a volatile compare-and-set) sees the store. The item's bytes themselves
 * are published by the message: the producer writes them before {@code mq_send} and
 * the consumer reads them after {@code mq_receive}, and the kernel orders the two.
 *
 * <h2>What a crash costs</h2>
 * A process killed between claiming a slot and sending its number, or between
 * receiving it and freeing the slot, leaves the slot owned: one slot fewer for the
 * queue's life (later items take another slot or a file). The memory goes with the
 * spill directory, as everything in it does (rule 4 of {@link Spill}); a process that
 * still has the arena mapped keeps its pages until its mapping is collected.
 *
 * <h2>Size</h2>
 * The creator (the first process to spill a small enough item) decides the slots and
 * their size ({@code jmp.queue.spillSlots}, {@code jmp.queue.spillSlotBytes}); the
 * others read them from the header. The file is sparse, and a slot's pages are
 * allocated by its first item (with {@code pwrite}, so a full {@code /dev/shm} is an
 * ENOSPC and the item goes to a file, which fails as clearly, never a SIGBUS), so a
 * queue holds at most the bytes of its largest burst, up to slots x slotBytes.
 */
final class SpillArena {
    static final String FILE = "arena";

    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int FILE_MODE = 0600;

    /** The bytes of a new arena's slot ({@code jmp.queue.spillSlotBytes}, rounded up to a page). */
    static final long NEW_SLOT_BYTES = SpillArenaDescriptor.roundToPage(
            Math.max(0, Long.getLong("jmp.queue.spillSlotBytes", 1L << 20)));
    /** A new arena's slots ({@code jmp.queue.spillSlots}; 0: no arena, every spill is a file). */
    static final int NEW_SLOTS = Math.min(SpillArenaDescriptor.MAX_SLOTS,
            Math.max(0, Integer.getInteger("jmp.queue.spillSlots", defaultSlots())));

    /**
     * One slot per 1/64 of {@code /dev/shm}'s size, between 4 and 64: a burst of 1 MiB
     * items keeps the pages it needed, but no queue holds more than a small part of a
     * container's {@code /dev/shm}, which may be 64 MiB for everything.
     */
    private static int defaultSlots() {
        try {
            long total = java.nio.file.Files.getFileStore(Path.of("/dev/shm")).getTotalSpace();
            return (int) Math.max(4, Math.min(64, total / 64 / Math.max(SpillArenaDescriptor.PAGE, NEW_SLOT_BYTES)));
        } catch (IOException | RuntimeException e) {
            return 16;
        }
    }

    private final String path;
    private final ByteBuffer map;
    private final int slots;
    private final long slotBytes;
    private final long pid;

    private SpillArena(String path, ByteBuffer map, int slots, long slotBytes) {
        this.path = path;
        this.map = map;
        this.slots = slots;
        this.slotBytes = slotBytes;
        this.pid = ProcessHandle.current().pid();
    }

    /** The largest item a slot holds. */
    long slotBytes() {
        return slotBytes;
    }

    int slots() {
        return slots;
    }

    /**
     * This process's mapping of the arena in spill directory {@code dir}: the existing
     * one, or if there is none and {@code create}, a new one. Null if there is none (or
     * its creator has not finished it), or the directory is gone.
     */
    static SpillArena open(String dir, boolean create) {
        String path = dir + "/" + FILE;
        if (create && NEW_SLOTS > 0 && NEW_SLOT_BYTES > 0) {
            SpillArena made = create(path);
            if (made != null) {
                return made;
            }
        }
        return attach(path);
    }

    private static SpillArena create(String path) {
        Posix posix = Posix.libc();
        long fileBytes = SpillArenaDescriptor.fileBytes(NEW_SLOTS, NEW_SLOT_BYTES);
        if (fileBytes > Integer.MAX_VALUE) {
            return null;
        }
        int fd;
        try {
            fd = posix.open(path, Linux.O_RDWR | Linux.O_CREAT | Linux.O_EXCL | Linux.O_CLOEXEC, FILE_MODE);
        } catch (PosixException e) {
            return null;        // there is one (attach to it), or the directory is gone (the put reports it)
        }
        try {
            posix.ftruncate(fd, fileBytes);
        } catch (PosixException e) {
            posix.close(fd);
            return null;        // left as it is: not an arena (no magic), so nobody uses it
        }
        posix.close(fd);
        ByteBuffer map = map(path);
        if (map == null) {
            return null;
        }
        LONG.setVolatile(map, SLOTS_OFFSET, (long) NEW_SLOTS);
        LONG.setVolatile(map, SLOT_BYTES_OFFSET, NEW_SLOT_BYTES);
        LONG.setRelease(map, MAGIC_OFFSET, MAGIC);
        return new SpillArena(path, map, NEW_SLOTS, NEW_SLOT_BYTES);
    }

    private static SpillArena attach(String path) {
        ByteBuffer map = map(path);
        if (map == null || (long) LONG.getAcquire(map, MAGIC_OFFSET) != MAGIC) {
            return null;
        }
        long slots = (long) LONG.getVolatile(map, SLOTS_OFFSET);
        long slotBytes = (long) LONG.getVolatile(map, SLOT_BYTES_OFFSET);
        if (slots < 1 || slots > SpillArenaDescriptor.MAX_SLOTS || slotBytes < 1
                || slotBytes % SpillArenaDescriptor.PAGE != 0
                || SpillArenaDescriptor.fileBytes((int) slots, slotBytes) != map.capacity()) {
            return null;
        }
        return new SpillArena(path, map, (int) slots, slotBytes);
    }

    /**
     * The whole file mapped shared; null if it is gone, or shorter than a header page or
     * longer than one mapping. Unmapped when the buffer is collected.
     */
    private static ByteBuffer map(String path) {
        try (FileChannel ch = FileChannel.open(Path.of(path), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size < SpillArenaDescriptor.PAGE || size > Integer.MAX_VALUE) {
                return null;
            }
            return ch.map(FileChannel.MapMode.READ_WRITE, 0, size).order(NATIVE);
        } catch (IOException e) {
            return null;
        }
    }

    /** Claims the lowest free slot for an item of {@code length} bytes: its number, or -1 if none is free. */
    int claim(long length) {
        if (length > slotBytes) {
            return -1;
        }
        for (int k = 0; k < slots; k++) {
            int owner = line(k) + OWNER;
            if ((long) LONG.getVolatile(map, owner) == 0 && LONG.compareAndSet(map, owner, 0L, pid)) {
                return k;
            }
        }
        return -1;
    }

    /**
     * Writes bytes {@code [off, off + length)} of a primitive array into claimed slot
     * {@code k}: through the mapping where the slot has pages, else with pwrite, which
     * allocates them (PosixException, ENOSPC when {@code /dev/shm} is full).
     */
    void write(int k, Object body, long off, long length) {
        int backed = line(k) + BACKED;
        long start = slotStart(k);
        if (length <= (long) LONG.getVolatile(map, backed)) {
            copy(body, off, length, start, true);
            return;
        }
        Posix posix = Posix.libc();
        int fd = posix.open(path, Linux.O_WRONLY | Linux.O_CLOEXEC, 0);
        try {
            posix.pwrite(fd, body, off, length, start);
        } finally {
            posix.close(fd);
        }
        LONG.setVolatile(map, backed, length);     // only the slot's owner writes it
    }

    /** Frees slot {@code k}, after its item was read (or never sent). */
    void release(int k) {
        LONG.setRelease(map, line(k) + OWNER, 0L);
    }

    /** True if slot {@code k} is free (for tests and checks). */
    boolean isFree(int k) {
        return (long) LONG.getVolatile(map, line(k) + OWNER) == 0;
    }

    /** Slot {@code k}'s first {@code length} bytes, for a consumer's reader. */
    Items.Body body(int k, long length) {
        if (k < 0 || k >= slots || length < 0 || length > slotBytes) {
            throw new ProcessError("get: a spill reference to bytes 0.." + length + " of slot " + k + " of " + path
                    + ", which has " + slots + " slots of " + slotBytes + " bytes");
        }
        return new SlotBody(this, k, length);
    }

    private long slotStart(int k) {
        return SpillArenaDescriptor.slot(slots, slotBytes, k);
    }

    private static final class SlotBody implements Items.Body {
        private final SpillArena arena;
        private final int k;
        private final long length;

        SlotBody(SpillArena arena, int k, long length) {
            this.arena = arena;
            this.k = k;
            this.length = length;
        }

        @Override
        public void readFully(Object array, long off, long len, long pos) {
            if (pos < 0 || len < 0 || pos + len > length) {
                throw new ProcessError("get: a read of bytes " + pos + ".." + (pos + len) + " of a spilled item of "
                        + length + " bytes (slot " + k + " of " + arena.path + ")");
            }
            arena.copy(array, off, len, arena.slotStart(k) + pos, false);
        }
    }

    /**
     * Copies bytes {@code [off, off + len)} of a primitive array to ({@code in}) or from
     * the mapping at {@code at}: a bulk copy in the machine's byte order.
     */
    private void copy(Object array, long off, long len, long at, boolean in) {
        ByteBuffer b = map.slice(Math.toIntExact(at), Math.toIntExact(len)).order(NATIVE);
        int o = Math.toIntExact(off);
        int n = Math.toIntExact(len);
        if (array instanceof byte[] a) {
            if (in) {
                b.put(a, o, n);
            } else {
                b.get(a, o, n);
            }
        } else if (array instanceof double[] a) {
            checkWhole(o, n, Double.BYTES);
            if (in) {
                b.asDoubleBuffer().put(a, o / 8, n / 8);
            } else {
                b.asDoubleBuffer().get(a, o / 8, n / 8);
            }
        } else if (array instanceof long[] a) {
            checkWhole(o, n, Long.BYTES);
            if (in) {
                b.asLongBuffer().put(a, o / 8, n / 8);
            } else {
                b.asLongBuffer().get(a, o / 8, n / 8);
            }
        } else if (array instanceof int[] a) {
            checkWhole(o, n, Integer.BYTES);
            if (in) {
                b.asIntBuffer().put(a, o / 4, n / 4);
            } else {
                b.asIntBuffer().get(a, o / 4, n / 4);
            }
        } else if (array instanceof char[] a) {
            checkWhole(o, n, Character.BYTES);
            if (in) {
                b.asCharBuffer().put(a, o / 2, n / 2);
            } else {
                b.asCharBuffer().get(a, o / 2, n / 2);
            }
        } else if (array instanceof float[] a) {
            checkWhole(o, n, Float.BYTES);
            if (in) {
                b.asFloatBuffer().put(a, o / 4, n / 4);
            } else {
                b.asFloatBuffer().get(a, o / 4, n / 4);
            }
        } else if (array instanceof short[] a) {
            checkWhole(o, n, Short.BYTES);
            if (in) {
                b.asShortBuffer().put(a, o / 2, n / 2);
            } else {
                b.asShortBuffer().get(a, o / 2, n / 2);
            }
        } else {
            throw new IllegalArgumentException("not a primitive array of numbers: " + array.getClass().getName());
        }
    }

    private static void checkWhole(int off, int len, int size) {
        if (off % size != 0 || len % size != 0) {
            throw new IllegalArgumentException("bytes " + off + ".." + (off + len) + " are not whole " + size
                    + "-byte elements");
        }
    }
}
