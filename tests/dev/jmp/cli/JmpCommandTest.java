package dev.jmp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jmp.Lock;
import dev.jmp.Queue;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The jmp command, each run in a JVM of its own as a user runs it, on the objects of a
 * program this test starts ({@link Holder}); {@code ls} and {@code clean} are given
 * that program's pid, so that the objects of programs other tests run are untouched.
 */
class JmpCommandTest {

    /** Holds a Lock and a Queue with three items until its stdin ends. */
    public static final class Holder {
        static Lock lock;
        static Queue<String> queue;

        public static void main(String[] args) throws Exception {
            lock = new Lock();
            queue = new Queue<>();
            for (int i = 0; i < 3; i++) {
                queue.put("item " + i);
            }
            while (queue.qsize() < 3) {
                Thread.onSpinWait();    // the feeder thread puts them in the kernel queue
            }
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the test closes our stdin
            }
            queue.close();
            queue.joinThread();
        }
    }

    record Run(int status, String out) {
        List<String> rows() {
            return out.lines().filter(l -> !l.startsWith("kind") && !l.startsWith("(")).toList();
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static java.lang.Process startHolder(String... flags) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path")));
        cmd.addAll(List.of(flags));
        cmd.add(Holder.class.getName());
        java.lang.Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"ready".equals(line)) {
            p.destroyForcibly();
            fail("the holder did not start: " + line);
        }
        return p;
    }

    private static Run jmp(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        java.lang.Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "jmp " + String.join(" ", args) + " did not end");
        return new Run(p.exitValue(), out);
    }

    private static List<KernelObjects.Entry> objectsOf(long pid) throws IOException {
        return KernelObjects.list().stream().filter(e -> e.pid() == pid).toList();
    }

    private static void awaitNone(long pid) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!objectsOf(pid).isEmpty()) {
            if (System.nanoTime() > end) {
                fail("left behind: " + objectsOf(pid));
            }
            Thread.sleep(20);
        }
    }

    private static boolean hasRow(Run run, String kind, String program, String detail) {
        return run.rows().stream().anyMatch(r -> r.startsWith(kind) && List.of(r.split("\\s+")).contains(program)
                && r.contains(detail));
    }

    @Test
    void lsShowsALiveProgramsObjectsAndCleanLeavesThem() throws Exception {
        java.lang.Process holder = startHolder();
        long pid = holder.pid();
        Path registry = registryOf(holder);
        try {
            Run ls = jmp("ls", Long.toString(pid));
            assertEquals(0, ls.status());
            assertTrue(ls.out().startsWith("kind"), ls.out());
            assertTrue(hasRow(ls, "semaphore", "alive", ""), ls.out());
            assertTrue(hasRow(ls, "message queue", "alive", "3/"), ls.out());
            assertTrue(hasRow(ls, "spill dir", "alive", "0 files"), ls.out());

            // The tracker's registry holds every name, the queue included (which /dev/shm does not show).
            assertEquals(objectsOf(pid).stream().map(KernelObjects.Entry::name).collect(java.util.stream.Collectors.toSet()),
                    KernelObjects.replay(registry));

            int objects = objectsOf(pid).size();     // the Lock's semaphore, the Queue's queue, spill dir, lock
            Run clean = jmp("clean", Long.toString(pid));
            assertEquals(0, clean.status());
            assertTrue(clean.out().contains("nothing"), clean.out());
            assertEquals(objects, objectsOf(pid).size(), "clean removed a live program's object");
        } finally {
            holder.getOutputStream().close();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        }
        awaitNone(pid);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (java.nio.file.Files.exists(registry)) {
            assertTrue(System.nanoTime() < end, registry + " outlived its tracker");
            Thread.sleep(20);
        }
    }

    /** The registry of the holder's tracker (its child named jmp-tracker); the tracker deletes it when done. */
    private static Path registryOf(java.lang.Process holder) throws IOException {
        for (ProcessHandle child : holder.toHandle().children().toList()) {
            Path comm = Path.of("/proc", Long.toString(child.pid()), "comm");
            if (java.nio.file.Files.readString(comm).trim().equals("jmp-tracker")) {
                Path registry = KernelObjects.SHM.resolve("jmp-tracker." + child.pid());
                assertTrue(java.nio.file.Files.exists(registry), registry + " missing");
                return registry;
            }
        }
        throw new AssertionError("the holder has no tracker");
    }

    @Test
    void aKilledProgramsLeftoversShowAsDeadAndCleanRemovesThem() throws Exception {
        java.lang.Process holder = startHolder("-Djmp.tracker=false");
        long pid = holder.pid();
        holder.destroyForcibly();   // SIGKILL: no exit sequence, and no tracker to clean up
        holder.waitFor();
        try {
            Run ls = jmp("ls", Long.toString(pid));
            assertTrue(hasRow(ls, "semaphore", "dead", ""), ls.out());
            assertTrue(hasRow(ls, "message queue", "dead", "3/"), ls.out());
            assertTrue(hasRow(ls, "spill dir", "dead", ""), ls.out());
            assertTrue(ls.rows().stream().noneMatch(r -> List.of(r.split("\\s+")).contains("alive")), ls.out());
            assertEquals(4, ls.rows().size(), ls.out());    // the Lock's semaphore, the Queue's queue, spill dir, lock

            Run clean = jmp("clean", Long.toString(pid));
            assertEquals(0, clean.status());
            assertTrue(clean.out().contains("removed 4 objects"), clean.out());
            assertEquals(List.of(), objectsOf(pid));
        } finally {
            for (KernelObjects.Entry e : objectsOf(pid)) {
                KernelObjects.remove(e);
            }
        }
    }

    @Test
    void doctorPrintsTheLimitsAndFindsNothingWrongHere() throws Exception {
        Run doctor = jmp("doctor");
        assertEquals(0, doctor.status(), doctor.out());
        for (String limit : List.of("RLIMIT_MSGQUEUE", "queues that fit", "msg_max", "msgsize_max", "queues_max",
                "/dev/shm free", "JDK", "native layer", "class-data cache", "nothing wrong")) {
            assertTrue(doctor.out().contains(limit), limit + " missing from\n" + doctor.out());
        }
    }

    @Test
    void usage() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        assertEquals(0, Main.run(new String[] {"--help"}, new PrintStream(buf, true, StandardCharsets.UTF_8)));
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("doctor"));
        assertEquals(2, Main.run(new String[] {"frobnicate"}, new PrintStream(buf, true, StandardCharsets.UTF_8)));
        assertEquals(2, Main.run(new String[] {"ls", "notapid"}, new PrintStream(buf, true, StandardCharsets.UTF_8)));
        assertEquals(2, Main.run(new String[] {"doctor", "now"}, new PrintStream(buf, true, StandardCharsets.UTF_8)));
    }

    /** A command from a jar on the classpath (EchoCommand, registered in tests/META-INF/services). */
    @Test
    void commandsFromTheClasspathRunAndAreListed() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        assertEquals(0, Main.run(new String[] {"echo-test", "a", "b"}, out));
        assertEquals("a b\n", buf.toString(StandardCharsets.UTF_8));
        assertEquals(2, Main.run(new String[] {"echo-test"}, out), "its own status");
        buf.reset();
        assertEquals(0, Main.run(new String[] {"help"}, out));
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("\n  echo-test WORD...  prints the words"),
                buf.toString(StandardCharsets.UTF_8));

        Run run = jmp("echo-test", "in", "a", "JVM", "of", "its", "own");
        assertEquals(0, run.status());
        assertEquals("in a JVM of its own\n", run.out());
    }
}
