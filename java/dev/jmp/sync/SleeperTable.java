package dev.jmp.sync;

import dev.jmp.resource.Log;
import dev.jmp.shm.Segment;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * Which processes sleep in a Condition's wait, in memory every process of the
 * Condition sees: what lets a signaller that waits for a sleeper's "woken" post notice
 * that the sleeper's process died, and post for it, instead of waiting forever (as
 * CPython's Condition does).
 *
 * <h2>Layout</h2>
 * One page of POSIX shared memory of its own ({@link Segment}:
 * {@code /dev/shm/jmp.<pid>.<random>}, mode 0600, unlinked by its creator when
 * unreachable there or at exit; receivers map it at first use), {@value #SLOTS} slots:
 * <pre>
 *   byte 0       8       16                   4088    4096
 *        +-------+-------+------- ... --------+-------+
 *        |slot 0 |slot 1 |                    |slot511|
 *        +-------+-------+------- ... --------+-------+
 *   slot: a native-order long
 *     0     free
 *     else  the sleeper's record, packed as {@link OwnerRecord} packs a holder:
 *           bits 0..21 pid, bits 22..62 start time (field 22 of /proc/PID/stat)
 * </pre>
 * A slot names a process, not a thread: two threads of one process asleep hold two
 * slots with the same record.
 *
 * <h2>Protocol and memory ordering</h2>
 * A sleeper claims a slot after it counted itself asleep and before it lets go of the
 * Condition's lock: a compareAndSet from 0 to its record, starting at a slot hashed
 * from its thread and process and going on to the next. When it leaves the wait, it
 * frees the slot (release store of 0) before it counts itself woken. A signaller
 * reads every slot (acquire loads) only after a slice of its wait brought no "woken"
 * post; for a record whose process is gone, a zombie, or another process under a
 * reused pid ({@link OwnerRecord#dead}), it swaps the record for 0 with
 * compareAndSet, and only the winner posts for it: one post per dead sleeper, however
 * many signallers look. A record that reappears after being read holds the same
 * pid and start time, so it is a sleeper of the same dead process, and reaping it is
 * right too. No slot is written by anyone but its sleeper while that sleeper lives.
 *
 * <h2>What is not covered</h2>
 * A sleeper killed between counting itself asleep and claiming its slot, or between
 * freeing its slot and counting itself woken, leaves no record and no post: a
 * signaller that counts on it waits as in CPython. So does a signaller killed between
 * reaping a record and posting for it. A sleeper that finds every slot taken sleeps
 * unrecorded, with CPython's semantics.
 */
public final class SleeperTable implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Slots in the table: one page of longs. */
    static final int SLOTS = 512;
    private static final int BYTES = 8 * SLOTS;

    /** The semaphores' own view (native-order longs), shared with their compare-and-swap paths. */
    private static final VarHandle LONG = SemDescriptor.Words.LONG;
    private static final Log LOG = new Log("dev.jmp.sync");

    private final Segment segment;

    private SleeperTable(Segment segment) {
        this.segment = segment;
    }

    /** An empty table in a new shared-memory object owned by this process. */
    public static SleeperTable create() {
        return new SleeperTable(Segment.createFresh(BYTES, Segment.Unlink.WHEN_UNREACHABLE));
    }

    /**
     * Maps the table in this process if it is not yet (a receiver's first wait), so
     * that a failure comes before the caller changes anything shared, and
     * {@link #claim()} after it is a compareAndSet on mapped memory.
     */
    public void map() {
        segment.buffer();
    }

    /**
     * Records this thread's process as a sleeper: the slot to {@link #free} when it
     * leaves the wait, or -1 if every slot is taken (it then sleeps unrecorded).
     */
    public int claim() {
        ByteBuffer b = segment.buffer();
        long self = OwnerRecord.selfRecord();
        int start = startSlot(self);
        for (int i = 0; i < SLOTS; i++) {
            int slot = (start + i) & (SLOTS - 1);
            if ((long) LONG.getAcquire(b, 8 * slot) == 0 && LONG.compareAndSet(b, 8 * slot, 0L, self)) {
                return slot;
            }
        }
        return -1;
    }

    /**
     * Spreads the threads of all processes over the table, so that a claim usually
     * succeeds at its first slot.
     */
    private static int startSlot(long self) {
        long h = (self ^ ((long) System.identityHashCode(Thread.currentThread()) << 32)) * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 55);    // the top 9 bits: 0..511
    }

    /** Frees the slot {@link #claim()} gave (nothing for -1): before the sleeper counts itself woken. */
    public void free(int slot) {
        if (slot >= 0) {
            LONG.setRelease(segment.buffer(), 8 * slot, 0L);
        }
    }

    /**
     * Frees the slots of sleepers whose process died and returns how many: the caller
     * posts one "woken" for each, as each sleeper would have on its way out. Reads
     * {@code /proc} once per distinct record other than this process's own.
     */
    public int reapDead() {
        ByteBuffer b = segment.buffer();
        long self = OwnerRecord.selfRecord();
        long alive = 0;     // the last record found alive: the common case is one live process asleep
        int reaped = 0;
        for (int slot = 0; slot < SLOTS; slot++) {
            long r = (long) LONG.getAcquire(b, 8 * slot);
            if (r == 0 || r == self || r == alive) {
                continue;
            }
            if (!OwnerRecord.dead(r)) {
                alive = r;
                continue;
            }
            if (LONG.compareAndSet(b, 8 * slot, r, 0L)) {
                reaped++;
                LOG.log(System.Logger.Level.WARNING, "process {0} died waiting on a condition ({1}); counted as woken",
                        String.valueOf(OwnerRecord.pid(r)), segment.name());
            }
        }
        return reaped;
    }

    /** Slots taken now (tests, and a parent that waits until a child sleeps). */
    public int recorded() {
        ByteBuffer b = segment.buffer();
        int n = 0;
        for (int slot = 0; slot < SLOTS; slot++) {
            if ((long) LONG.getAcquire(b, 8 * slot) != 0) {
                n++;
            }
        }
        return n;
    }

    /** Writes {@code record} into the first free slot, as a sleeper of that process would (tests). */
    int claimAs(long record) {
        ByteBuffer b = segment.buffer();
        for (int slot = 0; slot < SLOTS; slot++) {
            if (LONG.compareAndSet(b, 8 * slot, 0L, record)) {
                return slot;
            }
        }
        return -1;
    }

    /** The slot's record, 0 if free (tests). */
    long record(int slot) {
        return (long) LONG.getAcquire(segment.buffer(), 8 * slot);
    }

    public String name() {
        return segment.name();
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (segment == null || segment.size() < BYTES) {
            throw new InvalidObjectException("SleeperTable: bad segment");
        }
    }

    @Override
    public String toString() {
        return segment.name();
    }
}
