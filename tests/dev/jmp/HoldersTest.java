package dev.jmp;

import static dev.jmp.ChildChecks.check;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.resource.Lifetime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared objects live while any process of the program holds them, and no longer
 * (issue 15, item 2): a Lock, Queue (with a spilled item) and Value sent through a Pipe
 * stay valid in the receiver after their creator dropped them and collected them;
 * what a child made and sent outlives the child; and everything goes once its last
 * holder has let go or ended.
 */
class HoldersTest {
    private static final Duration LONG = Duration.ofSeconds(60);
    private static final long ME = ProcessHandle.current().pid();
    private static final int BIG = 64 * 1024;      // spills: the message queue carries a reference

    /** /dev/shm file names to tracker names: sem.jmp.1.x and jmp.1.x to /jmp.1.x. */
    static List<String> names(List<String> files) {
        return files.stream().map(f -> "/" + (f.startsWith("sem.") ? f.substring(4) : f)).distinct()
                .collect(Collectors.toList());
    }

    static List<String> madeBy(long pid, List<String> before) throws Exception {
        List<String> now = new ArrayList<>(ShmObjects.of(pid));
        now.removeAll(before);
        return now;
    }

    static <T> T recv(Connection c) {
        assertTrue(c.poll(LONG), "no answer from the child");
        return c.recv();
    }

    /** Names of {@code pid} among {@code files} still in /dev/shm. */
    static List<String> stillThere(long pid, List<String> files) throws Exception {
        List<String> now = ShmObjects.of(pid);
        return files.stream().filter(now::contains).collect(Collectors.toList());
    }

    static void awaitGone(long pid, List<String> files, String what) throws Exception {
        long end = System.nanoTime() + LONG.toNanos();
        while (!stillThere(pid, files).isEmpty()) {
            assertTrue(System.nanoTime() < end, what + ": left " + stillThere(pid, files));
            Thread.sleep(10);   // polling /dev/shm for the tracker's work: nothing to wait on
        }
    }

    /** The child: takes the objects, says so, waits for "go", then uses every one of them. */
    static void receiver(Connection c) {
        Object[] got = c.recv();
        c.send("got");
        check("go".equals(c.recv()), 2);
        Lock lock = (Lock) got[0];
        @SuppressWarnings("unchecked")
        Queue<Object> q = (Queue<Object>) got[1];
        Value v = (Value) got[2];
        lock.acquire();
        lock.release();
        byte[] big = (byte[]) q.get(LONG);
        Object small = q.get(LONG);
        v.setValue(v.value().intValue() + 1);
        c.send(new Object[] {big, small});
        check("end".equals(c.recv()), 4);
    }

    @Test
    void whatTheCreatorSentAndDroppedStaysForTheReceiverThenGoesWithIt() throws Exception {
        Pipe pipe = Pipe.open();
        Connection mine = pipe.conn1();
        Connection theirs = pipe.conn2();
        Process child = new Process(() -> receiver(theirs));
        child.start();
        List<String> before = ShmObjects.of(ME);
        Value kept;     // a second Value the creator keeps: it must not go with the others
        {
            Lock lock = new Lock();
            Queue<Object> q = new Queue<>();
            Value v = new Value('i', 41);
            kept = new Value('i', 1, false);
            q.put(QueueTest.pattern(BIG));
            q.put("small");
            mine.send(new Object[] {lock, q, v});
            assertEquals("got", recv(mine));
            kept.setValue(v.value());   // v's memory, read while v is ours
        }
        List<String> made = madeBy(ME, before);
        assertTrue(made.size() >= 4, "a Lock, a Queue (semaphores, spill directory), two Values: " + made);
        // The creator drops everything and its collector runs: every hold of ours ends
        // (the cleaner tells the tracker), save the kept Value's.
        long end = System.nanoTime() + LONG.toNanos();
        List<String> ours = names(made);
        while (ours.stream().filter(Lifetime::owns).count() > 1) {
            assertTrue(System.nanoTime() < end, "the creator's holds did not end: " + ours);
            System.gc();
            Thread.sleep(10);   // the cleaner thread runs after the collector: poll for it
        }
        mine.send("go");
        Object[] used = recv(mine);
        assertArrayEquals(QueueTest.pattern(BIG), (byte[]) used[0], "the spilled item, got after its creator dropped the queue");
        assertEquals("small", used[1]);
        assertEquals(made, stillThere(ME, made), "the receiver still holds them");
        mine.send("end");
        child.join(LONG);
        assertEquals(0, child.exitcode());
        // The last holder has ended: gone, but for the Value the creator keeps.
        String keptName = ours.stream().filter(Lifetime::owns).findFirst().orElseThrow();
        List<String> others = made.stream().filter(f -> !("/" + f).equals(keptName)).collect(Collectors.toList());
        awaitGone(ME, others, "after the last holder ended");
        assertEquals(41, kept.value().intValue());
        assertTrue(Files.exists(Path.of("/dev/shm", keptName.substring(1))), "a held Value stays");
        pipe.close();
    }

    /** The child: makes a Lock, a Queue with a spilled item and a Value, sends them, and ends. */
    static void maker(Connection c) {
        Lock lock = new Lock();
        Queue<Object> q = new Queue<>();
        q.put(QueueTest.pattern(BIG));
        c.send(new Object[] {lock, q, new Value('i', 7)});
    }

    @Test
    void whatAChildMadeAndSentOutlivesItThenGoesWhenDropped() throws Exception {
        Pipe pipe = Pipe.open(false);
        Connection in = pipe.conn1();
        Connection out = pipe.conn2();
        Process child = new Process(() -> maker(out));
        child.start();
        long pid = child.pid();
        Object[] got = recv(in);
        child.join(LONG);
        assertEquals(0, child.exitcode());
        List<String> made = ShmObjects.of(pid);
        assertFalse(made.isEmpty(), "the child's objects outlive it");
        Lock lock = (Lock) got[0];
        @SuppressWarnings("unchecked")
        Queue<Object> q = (Queue<Object>) got[1];
        String queue = q.mqName();
        lock.acquire();
        lock.release();
        assertArrayEquals(QueueTest.pattern(BIG), (byte[]) q.get(LONG));
        assertEquals(7, ((Value) got[2]).value().intValue());
        got = null;
        lock = null;
        q = null;
        ShmObjects.awaitNoneOf(pid);    // collects: our holds end, and the tracker removes them
        QueueObjects.assertNoMessageQueue(queue);
        pipe.close();
    }

    @Test
    void aServiceThatMakesAndDropsAQueuePerRequestDoesNotPileThemUp(@TempDir Path dir) throws Exception {
        List<String> lines = Unprivileged.run("dev.jmp.programs.QueuePerRequest", dir);
        assertEquals(dev.jmp.programs.QueuePerRequest.REQUESTS, Unprivileged.value(lines, "requests "),
                String.join("\n", lines));
        assertEquals(0, Unprivileged.value(lines, "left "), String.join("\n", lines));
    }
}
