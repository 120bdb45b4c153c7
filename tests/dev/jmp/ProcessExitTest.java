package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a whole program sees: child output, the exit hook (daemons terminated,
 * others joined) after a normal end or an uncaught exception, and daemons that do
 * not outlive a parent killed by SIGKILL. Each case runs ExitScenario in a JVM of its own.
 */
class ProcessExitTest {
    @TempDir
    Path dir;

    private static ProcessBuilder scenario(String method, String... args) {
        return scenario(List.of("-Djmp.startMethod=" + method), args);
    }

    private static ProcessBuilder scenario(List<String> options, String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(options);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.jmp.programs.ExitScenario"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static long pidAfter(String prefix, List<String> lines) {
        return lines.stream().filter(l -> l.startsWith(prefix)).mapToLong(l -> Long.parseLong(l.substring(prefix.length())))
                .findFirst().orElseThrow(() -> new AssertionError("no '" + prefix + "' in " + lines));
    }

    @ParameterizedTest
    @ValueSource(strings = {"spawn", "warm"})
    void childOutputAndUncaughtExceptionReport(String method) throws Exception {
        File out = dir.resolve("out").toFile();
        File err = dir.resolve("err").toFile();
        java.lang.Process p = scenario(method, "outputs").redirectOutput(out).redirectError(err).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String stdout = Files.readString(out.toPath());
        String stderr = Files.readString(err.toPath());
        assertEquals(0, p.exitValue(), stdout + stderr);
        assertTrue(stdout.contains("partial-line-from-child"), "unflushed child output lost: " + stdout);
        assertTrue(stdout.contains("exitcodes 0 1 7"), stdout);
        assertTrue(stderr.contains("Process Raiser:\njava.lang.IllegalStateException: boom from child\n\tat "), stderr);
    }

    /**
     * A child ends as CPython's (its exit sequence, then a halt without the program's
     * shutdown hooks): nothing it printed or queued is lost on any way out, and the
     * exit codes are those of spawn.
     */
    @ParameterizedTest
    @ValueSource(strings = {"spawn", "warm"})
    void childExitsLoseNothingAndRunNoProgramHooks(String method) throws Exception {
        String stdout = childExits("-Djmp.startMethod=" + method);
        for (String partial : List.of("normal", "raiser", "exiter", "nulled", "hooked", "feeder")) {
            assertTrue(stdout.contains(partial + "-partial "), partial + " output lost: " + stdout);
        }
        assertTrue(stdout.contains("exitcodes 0 1 7 0 0 0 -15\n"), stdout);
        assertTrue(stdout.contains("queued [exiter, hooked, normal, nulled, raiser, victim] fed-sum 44850\n"), stdout);
        assertFalse(stdout.contains("child-hook-ran"), "a child ran the program's shutdown hook: " + stdout);
        String stderr = Files.readString(dir.resolve("err"));
        assertTrue(stderr.contains("Process Raiser:\njava.lang.IllegalStateException: raiser boom\n"), stderr);
    }

    @org.junit.jupiter.api.Test
    void childShutdownHooksOnRequest() throws Exception {
        String stdout = childExits("-Djmp.childShutdownHooks=true");
        assertTrue(stdout.contains("child-hook-ran "), stdout);
        assertTrue(stdout.contains("exitcodes 0 1 7 0 0 0 -15\n"), stdout);
    }

    private String childExits(String option) throws Exception {
        File out = dir.resolve("out").toFile();
        java.lang.Process p = scenario(List.of(option), "child-exits").redirectOutput(out)
                .redirectError(dir.resolve("err").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("scenario hung: " + Files.readString(out.toPath()));
        }
        String stdout = Files.readString(out.toPath());
        assertEquals(0, p.exitValue(), stdout + Files.readString(dir.resolve("err")));
        return stdout;
    }

    @ParameterizedTest
    @ValueSource(strings = {"spawn", "warm"})
    void normalExitTerminatesDaemonsAndJoinsTheRest(String method) throws Exception {
        checkExitHook(method, "exit-hook", 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"spawn", "warm"})
    void uncaughtExceptionInMainStillEndsChildren(String method) throws Exception {
        checkExitHook(method, "exit-hook throw", 1);
    }

    private void checkExitHook(String method, String args, int expectedExit) throws Exception {
        File out = dir.resolve("out").toFile();
        java.lang.Process p = scenario(method, args.split(" ")).redirectOutput(out)
                .redirectError(dir.resolve("err").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        // Right at the parent's exit: the worker was joined, the daemon terminated
        // (and both reaped). Had the parent not joined, the worker would still be at work.
        List<String> lines = Files.readAllLines(out.toPath());
        long worker = pidAfter("worker-pid ", lines);
        long daemon = pidAfter("daemon-pid ", lines);
        assertFalse(alive(worker), "non-daemon child outlived its parent's exit");
        assertFalse(alive(daemon), "daemon child outlived its parent's exit");
        assertEquals(expectedExit, p.exitValue());
        assertTrue(lines.contains("worker done"), lines.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"spawn", "warm"})
    void daemonEndsWhenParentIsKilled(String method) throws Exception {
        java.lang.Process p = scenario(method, "parent-killed").redirectError(dir.resolve("err").toFile()).start();
        long daemon;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line = r.readLine();
            assertTrue(line != null && line.startsWith("daemon-pid "), String.valueOf(line));
            daemon = Long.parseLong(line.substring("daemon-pid ".length()));
            assertTrue(alive(daemon));
            p.destroyForcibly();     // SIGKILL: no hook runs in the parent
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        }
        ProcessHandle h = ProcessHandle.of(daemon).orElse(null);
        if (h != null) {
            h.onExit().get(60, TimeUnit.SECONDS);
        }
        assertFalse(alive(daemon), "daemon outlived a parent killed by SIGKILL");
    }

    @ParameterizedTest
    @ValueSource(strings = {"exit", "killed"})
    void idleWarmChildrenDoNotOutliveTheirParent(String how) throws Exception {
        java.lang.Process p = scenario("warm", "warm-idle", how).redirectError(dir.resolve("err").toFile()).start();
        List<Long> pids = new java.util.ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line = r.readLine();
            assertTrue(line != null && line.startsWith("warm-pids "), String.valueOf(line));
            for (String pid : line.substring("warm-pids ".length()).trim().split(" ")) {
                pids.add(Long.parseLong(pid));
            }
            if (how.equals("killed")) {
                p.destroyForcibly();
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        }
        assertFalse(pids.isEmpty());
        for (long pid : pids) {
            ProcessHandle h = ProcessHandle.of(pid).orElse(null);
            if (h != null) {
                h.onExit().get(60, TimeUnit.SECONDS);
            }
            assertFalse(alive(pid), "idle warm child " + pid + " outlived its parent (" + how + ")");
        }
    }

    /**
     * A pool still running when its program exits (main returns, or SIGTERM) is
     * terminated by its own step of the exit sequence, before the children are: it
     * starts no replacement for the workers the exit ends, and none of them outlives it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"return", "sigterm"})
    void exitingProgramsPoolDoesNotRefill(String how) throws Exception {
        java.lang.Process p = scenario("spawn", "pool-exit", how).redirectError(dir.resolve("err").toFile()).start();
        List<Long> pids = new java.util.ArrayList<>();
        List<String> rest = new java.util.ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line = r.readLine();
            assertTrue(line != null && line.startsWith("pool-ready 1 worker-pids "),
                    line + Files.readString(dir.resolve("err")));
            for (String pid : line.substring("pool-ready 1 worker-pids ".length()).trim().split(" ")) {
                pids.add(Long.parseLong(pid));
            }
            if (how.equals("sigterm")) {
                p.toHandle().destroy();     // SIGTERM; Process.destroy() would also close our end of its stdout
            }
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                rest.add(l);
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        }
        assertEquals(how.equals("sigterm") ? 143 : 0, p.exitValue(), rest + Files.readString(dir.resolve("err")));
        assertEquals(List.of("after-children <Pool state=TERMINATE pool_size=2> next Process-3"), rest);
        assertEquals(2, pids.size());
        for (long pid : pids) {
            assertFalse(alive(pid), "pool worker " + pid + " outlived its parent (" + how + ")");
        }
    }
}
