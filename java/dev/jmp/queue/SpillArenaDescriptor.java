package dev.jmp.queue;

/**
 * The layout of a queue's spill arena, the file {@code arena} in the queue's spill
 * directory ({@link SpillArena}): a header of one 64-byte line per slot, then the
 * slots. Native byte order; every word is 8 bytes and aligned, so each is read and
 * updated atomically through a buffer view.
 *
 * <pre>
 *   0        magic:8     MAGIC once the creator has written slots and slotBytes (release)
 *   8        slots:8     the number of slots
 *   16       slotBytes:8 the bytes of one slot (a multiple of the page size)
 *   64 * (1 + k), for each slot k, a line of its own (producers and consumers of
 *            different slots never write one line):
 *     +0     owner:8     0: free; else the pid of the process that claimed it (a
 *                        producer, from the claim until a consumer has read the item)
 *     +8     backed:8    the bytes of the slot from its start that have file pages
 *                        (written once with pwrite, which allocates them or fails with
 *                        ENOSPC; a write into a mapping would raise SIGBUS instead)
 *   header(slots)        slot 0, then slot 1, ... each slotBytes long
 * </pre>
 *
 * <p>The file is sparse: {@code ftruncate} gives it its size, and a slot's pages
 * exist from its first item of that size on, for as long as the file does.
 */
final class SpillArenaDescriptor {
    private SpillArenaDescriptor() {
    }

    /** "jmparena" as a little-endian long: a file this layout does not describe has another word here. */
    static final long MAGIC = 0x616e657261706d6aL;
    static final int MAGIC_OFFSET = 0;
    static final int SLOTS_OFFSET = 8;
    static final int SLOT_BYTES_OFFSET = 16;
    static final int LINE = 64;
    static final int OWNER = 0;
    static final int BACKED = 8;
    static final int PAGE = 4096;
    /** The most slots an arena has: its header then fits a few pages, and its mapping an int. */
    static final int MAX_SLOTS = 1024;

    /** The offset of slot {@code k}'s line in the header. */
    static int line(int k) {
        return LINE * (1 + k);
    }

    /** The header's length: the lines, rounded up to a page so that slot 0 starts on one. */
    static int header(int slots) {
        return roundToPage(LINE * (1L + slots));
    }

    /** The offset of slot {@code k}'s first byte. */
    static long slot(int slots, long slotBytes, int k) {
        return header(slots) + k * slotBytes;
    }

    /** The whole file's length. */
    static long fileBytes(int slots, long slotBytes) {
        return slot(slots, slotBytes, slots);
    }

    static int roundToPage(long bytes) {
        return Math.toIntExact((bytes + PAGE - 1) & -PAGE);
    }
}
