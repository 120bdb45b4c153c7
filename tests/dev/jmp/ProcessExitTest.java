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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a whole program sees: child output, the exit hook (daemons terminated,
 * others joined) after a normal end or an uncaught exception, and daemons that do
 * not outlive a parent killed by SIGKILL. Each case runs ExitScenario in a JVM of its own.
 */
class ProcessExitTest {
    @TempDir
    Path dir;

    private static ProcessBuilder scenario(String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.jmp.programs.ExitScenario"));
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

    @Test
    void childOutputAndUncaughtExceptionReport() throws Exception {
        File out = dir.resolve("out").toFile();
        File err = dir.resolve("err").toFile();
        java.lang.Process p = scenario("outputs").redirectOutput(out).redirectError(err).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String stdout = Files.readString(out.toPath());
        String stderr = Files.readString(err.toPath());
        assertEquals(0, p.exitValue(), stdout + stderr);
        assertTrue(stdout.contains("partial-line-from-child"), "unflushed child output lost: " + stdout);
        assertTrue(stdout.contains("exitcodes 0 1 7"), stdout);
        assertTrue(stderr.contains("Process Raiser:\njava.lang.IllegalStateException: boom from child\n\tat "), stderr);
    }

    @Test
    void normalExitTerminatesDaemonsAndJoinsTheRest() throws Exception {
        checkExitHook("exit-hook", 0);
    }

    @Test
    void uncaughtExceptionInMainStillEndsChildren() throws Exception {
        checkExitHook("exit-hook throw", 1);
    }

    private void checkExitHook(String args, int expectedExit) throws Exception {
        File out = dir.resolve("out").toFile();
        java.lang.Process p = scenario(args.split(" ")).redirectOutput(out)
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

    @Test
    void daemonEndsWhenParentIsKilled() throws Exception {
        java.lang.Process p = scenario("parent-killed").redirectError(dir.resolve("err").toFile()).start();
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
}
