package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resource tracker: a program killed however it is killed leaves no kernel name
 * and no process behind, within 2 s of its last process's death, with no other jmp
 * program running. Each case runs {@link CrashProgram} in a JVM of its own and kills it.
 */
class TrackerTest {
    /** A running CrashProgram, its output so far, and every process it started. */
    record Program(java.lang.Process process, List<String> lines, BufferedReader out) {
        long pid() {
            return process.pid();
        }

        String line(String prefix) {
            return lines.stream().filter(l -> l.startsWith(prefix)).findFirst()
                    .map(l -> l.substring(prefix.length())).orElseThrow(() -> new AssertionError("no " + prefix + " in " + lines));
        }
    }

    static Program start(String scenario, String method) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashProgram.class.getName(), scenario, method));
        java.lang.Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        for (String l; (l = out.readLine()) != null; ) {
            lines.add(l);
            if (l.equals("ready")) {
                return new Program(p, lines, out);
            }
        }
        fail(scenario + " ended before it was ready: " + lines + " exit " + waitExit(p));
        return null;
    }

    private static int waitExit(java.lang.Process p) {
        try {
            return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** What the program {@code pid} has in /dev/shm: its semaphores, shared memory and spill directories. */
    static List<String> shmNames(long pid) throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/dev/shm"))) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("jmp." + pid + ".") || n.startsWith("sem.jmp." + pid + "."))
                    .sorted().collect(Collectors.toList());
        }
    }

    /** Whether message queue {@code name} exists (it cannot be listed here: /dev/mqueue is not mounted). */
    static boolean mqExists(String name) {
        try {
            int fd = Posix.libc().mq_open(name, Linux.O_RDONLY);
            Posix.libc().mq_close(fd);
            return true;
        } catch (PosixException e) {
            assertEquals(Linux.ENOENT, e.errno(), e.toString());
            return false;
        }
    }

    /** The tracker's pipe ("pipe:[inode]"): every process of the program holds its write end. */
    static String trackerPipe(ProcessHandle tracker) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/" + tracker.pid() + "/fd/0")).toString();
    }

    /** Whether {@code pid} has ended: gone from /proc, or a zombie (state Z) not reaped yet. */
    static boolean exited(long pid) throws IOException {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.nio.file.NoSuchFileException gone) {
            return true;
        }
    }

    /** Whether a process other than the tracker still holds {@code pipe}: the program is not over. */
    static boolean programAlive(String pipe, long trackerPid) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                String n = proc.getFileName().toString();
                if (!n.chars().allMatch(Character::isDigit) || Long.parseLong(n) == trackerPid) {
                    continue;
                }
                try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
                    for (Path fd : (Iterable<Path>) fds::iterator) {
                        try {
                            if (Files.readSymbolicLink(fd).toString().equals(pipe)) {
                                return true;
                            }
                        } catch (IOException gone) {
                            // closed meanwhile
                        }
                    }
                } catch (IOException | java.io.UncheckedIOException gone) {
                    // the process ended meanwhile
                }
            }
        }
        return false;
    }

    /**
     * Kills the program with {@code signal}, then: within 2 s of the death of the last
     * of its processes (the last holder of the tracker's pipe, which includes any it
     * started while dying), none of its names and none of its processes is left.
     */
    static void killAndCheck(Program prog, String signal) throws Exception {
        long pid = prog.pid();
        List<ProcessHandle> all = new ArrayList<>(prog.process().toHandle().descendants().collect(Collectors.toList()));
        ProcessHandle tracker = all.stream().filter(h -> h.info().command().orElse("").endsWith("jmp-tracker"))
                .findFirst().orElseThrow(() -> new AssertionError("the program runs no tracker: "
                        + all.stream().map(h -> h.info().command().orElse("?")).collect(Collectors.toList())));
        String pipe = trackerPipe(tracker);
        List<String> names = shmNames(pid);
        assertFalse(names.isEmpty(), "the program made names");
        List<String> queues = names.stream().filter(n -> n.startsWith("jmp.") && Files.isDirectory(Path.of("/dev/shm", n)))
                .map(n -> "/" + n).collect(Collectors.toList());
        assertFalse(queues.isEmpty(), "the program made queues: " + names);
        queues.forEach(q -> assertTrue(mqExists(q), q));
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor();
        waitExit(prog.process());
        // Its children end when they see it gone; then the tracker cleans up and ends.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (programAlive(pipe, tracker.pid())) {
            assertTrue(System.nanoTime() < deadline, "the program's processes did not end");
            Thread.sleep(10);   // polling /proc: nothing to wait on
        }
        long lastDeath = System.nanoTime();
        // Not onExit(): for a process that is not our child the JDK polls every 300 ms
        // and more, too coarse to time a 2 s bound. A zombie has exited (and cleaned up).
        while (!exited(tracker.pid())) {
            assertTrue(System.nanoTime() - lastDeath < TimeUnit.SECONDS.toNanos(2), "the tracker ended within 2 s");
            Thread.sleep(10);   // polling /proc: nothing to wait on
        }
        assertEquals(List.of(), shmNames(pid), "names left after the tracker ended");
        for (String q : queues) {
            assertFalse(mqExists(q), q + " left");
        }
        assertTrue(System.nanoTime() - lastDeath < TimeUnit.SECONDS.toNanos(2), "cleaned up within 2 s");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (ProcessHandle h : all) {
            while (!exited(h.pid())) {   // a zombie waits for init to reap it: no longer running
                assertTrue(System.nanoTime() < end, "process " + h.pid() + " still running");
                Thread.sleep(10);   // polling /proc: nothing to wait on
            }
        }
    }

    @Test
    void aProgramKilledAgainAndAgainDoesNotUseUpTheQueueQuota(@TempDir Path dir) throws Exception {
        List<String> lines = Unprivileged.run("dev.jmp.programs.TrackerQuota", dir);
        assertEquals(5, Unprivileged.value(lines, "runs "), String.join("\n", lines));
    }

    @Test
    void sigkillOfTheParentSpawn() throws Exception {
        killAndCheck(start("hold", "spawn"), "KILL");
    }

    @Test
    void sigkillOfTheParentWarm() throws Exception {
        killAndCheck(start("hold", "warm"), "KILL");
    }

    @Test
    void sigtermOfTheParent() throws Exception {
        killAndCheck(start("hold", "spawn"), "TERM");
    }

    @Test
    void sigkillOfAProducerMidSpilledPutThenOfTheParent() throws Exception {
        Program prog = start("spilling-producer", "spawn");
        long producer = Long.parseLong(prog.line("producer "));
        Path dir = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        // Wait until the producer has spilled (its 8 MiB files appear in the queue's directory).
        while (dir == null && System.nanoTime() < deadline) {
            for (String n : shmNames(prog.pid())) {
                Path d = Path.of("/dev/shm", n);
                if (Files.isDirectory(d)) {
                    try (Stream<Path> files = Files.list(d)) {
                        if (files.findAny().isPresent()) {
                            dir = d;
                        }
                    }
                }
            }
            Thread.sleep(20);   // polling the file system: nothing to wait on
        }
        assertTrue(dir != null, "the producer spilled");
        new ProcessBuilder("kill", "-KILL", Long.toString(producer)).start().waitFor();
        // The producer stays a zombie until its parent reaps it or dies: killAndCheck
        // waits for it with the rest.
        killAndCheck(prog, "KILL");
    }
}
