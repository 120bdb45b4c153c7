package dev.jmp.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The sleeper table in one process: sleepers of other processes faked by writing their records. */
class SleeperTableTest {
    private static final long SELF = OwnerRecord.selfRecord();
    private static final List<String> NAMES = new ArrayList<>();

    private static SleeperTable table() {
        SleeperTable t = SleeperTable.create();
        NAMES.add(t.name());
        return t;
    }

    /** Each table is unlinked once unreachable: nothing of this class is left in /dev/shm. */
    @AfterAll
    static void tablesAreUnlinked() throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (String name : NAMES) {
            Path file = Path.of("/dev/shm", name.substring(1));
            while (Files.exists(file) && System.nanoTime() < end) {
                System.gc();
                Thread.sleep(20);      // the cleaner thread unlinks after a GC
            }
            assertTrue(!Files.exists(file), file + " left behind");
        }
    }

    @Test
    void claimRecordsThisProcessAndFreeErasesIt() {
        SleeperTable t = table();
        assertEquals(0, t.recorded());
        int slot = t.claim();
        assertTrue(slot >= 0 && slot < SleeperTable.SLOTS);
        assertEquals(SELF, t.record(slot));
        assertEquals(1, t.recorded());
        assertEquals(0, t.reapDead(), "a sleeper of this process is alive");
        t.free(slot);
        assertEquals(0, t.record(slot));
        assertEquals(0, t.recorded());
        t.free(-1);                             // a sleeper that found the table full
    }

    @Test
    void aFullTableRefusesAndAFreedSlotIsClaimedAgain() {
        SleeperTable t = table();
        Set<Integer> slots = new HashSet<>();
        for (int i = 0; i < SleeperTable.SLOTS; i++) {
            slots.add(t.claim());
        }
        assertEquals(SleeperTable.SLOTS, slots.size(), "every claim got a slot of its own");
        assertTrue(!slots.contains(-1));
        assertEquals(SleeperTable.SLOTS, t.recorded());
        assertEquals(-1, t.claim(), "full: the sleeper goes unrecorded");
        t.free(137);
        assertEquals(137, t.claim());
        for (int slot : slots) {
            t.free(slot);
        }
        assertEquals(0, t.recorded());
    }

    @Test
    void onlyRecordsOfDeadProcessesAreReapedAndEachOnce() throws Exception {
        SleeperTable t = table();
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        long liveParent = OwnerRecord.pack(parent, startTimeOf(parent));
        long reusedPid = OwnerRecord.pack(parent, startTimeOf(parent) + 3);
        java.lang.Process child = new ProcessBuilder("sleep", "60").start();
        long liveChild;
        try {
            liveChild = OwnerRecord.pack(child.pid(), startTimeOf(child.pid()));
            int a = t.claimAs(liveChild);
            int b = t.claimAs(liveChild);       // two threads of one process
            int p = t.claimAs(liveParent);
            int own = t.claim();
            assertEquals(0, t.reapDead(), "every recorded process is alive");
            assertEquals(4, t.recorded());

            int reused = t.claimAs(reusedPid);
            assertEquals(1, t.reapDead(), "same pid, another start time: that sleeper's process is gone");
            assertEquals(0, t.record(reused));

            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            assertEquals(2, t.reapDead(), "both sleepers of the killed child");
            assertEquals(0, t.record(a));
            assertEquals(0, t.record(b));
            assertEquals(0, t.reapDead(), "a record is reaped once");
            assertEquals(liveParent, t.record(p));
            assertEquals(SELF, t.record(own));
            assertEquals(2, t.recorded());
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
    }

    private static long startTimeOf(long pid) throws Exception {
        String stat = Files.readAllLines(Path.of("/proc/" + pid + "/stat")).get(0);
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[19]);
    }
}
