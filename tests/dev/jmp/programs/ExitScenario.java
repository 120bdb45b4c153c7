package dev.jmp.programs;

import dev.jmp.Process;
import java.util.List;

/**
 * Whole programs for ProcessExitTest, run in a JVM of their own so that the test can
 * watch their output and their exit: what a user's main program sees.
 */
public final class ExitScenario {
    private ExitScenario() {
    }

    public static void main(String[] args) {
        switch (args[0]) {
            case "outputs" -> outputs();
            case "exit-hook" -> exitHook(args.length > 1 && args[1].equals("throw"));
            case "parent-killed" -> parentKilled();
            case "warm-idle" -> warmIdle(args[1].equals("killed"));
            case "cds" -> cds();
            case "child-exits" -> childExits();
            case "pool-exit" -> poolExit(args[1].equals("sigterm"));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /** Child output reaches the parent's stdout/stderr, flushed, with Python's message. */
    private static void outputs() {
        Process printer = new Process(() -> System.out.print("partial-line-from-child"));
        Process raiser = new Process(() -> {
            throw new IllegalStateException("boom from child");
        }, "Raiser");
        Process exiter = new Process(() -> System.exit(7));
        List<Process> all = List.of(printer, raiser, exiter);
        all.forEach(Process::start);
        all.forEach(Process::join);
        System.out.println();
        System.out.println("exitcodes " + printer.exitcode() + " " + raiser.exitcode() + " " + exiter.exitcode());
    }

    /**
     * One child per way a child ends, each printing without a newline (left in
     * System.out's buffer) and queueing before it ends: normal end, uncaught exception,
     * System.exit(7), SIGTERM, a feeder with more items buffered than the message queue
     * holds, a target that set System.out and System.err to null, and one that
     * registered a shutdown hook (which runs only with jmp.childShutdownHooks=true).
     */
    private static void childExits() {
        dev.jmp.Queue<String> q = new dev.jmp.Queue<>();
        dev.jmp.Queue<Integer> fed = new dev.jmp.Queue<>();
        Process normal = new Process(() -> {
            q.put("normal");
            System.out.print("normal-partial ");
        });
        Process raiser = new Process(() -> {
            q.put("raiser");
            System.out.print("raiser-partial ");
            throw new IllegalStateException("raiser boom");
        }, "Raiser");
        Process exiter = new Process(() -> {
            q.put("exiter");
            System.out.print("exiter-partial ");
            System.exit(7);
        });
        Process nulled = new Process(() -> {
            q.put("nulled");
            System.out.print("nulled-partial ");
            System.out.flush();
            System.setOut(null);
            System.setErr(null);
        });
        Process hooked = new Process(() -> {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.print("child-hook-ran ")));
            q.put("hooked");
            System.out.print("hooked-partial ");
        });
        Process feeder = new Process(() -> {
            for (int i = 0; i < 300; i++) {
                fed.put(i);
            }
            System.out.print("feeder-partial ");
        });
        Process victim = new Process(() -> {
            q.put("victim");
            blockForever();
        });
        victim.setDaemon(true);     // should a get below fail, the exit does not wait for it
        List<Process> all = List.of(normal, raiser, exiter, nulled, hooked, feeder, victim);
        all.forEach(Process::start);
        long sum = 0;
        java.time.Duration patience = java.time.Duration.ofSeconds(60);
        for (int i = 0; i < 300; i++) {
            sum += fed.get(patience);
        }
        java.util.Set<String> got = new java.util.TreeSet<>();
        for (int i = 0; i < 6; i++) {
            got.add(q.get(patience));
        }
        victim.terminate();
        all.forEach(Process::join);
        System.out.println();
        StringBuilder codes = new StringBuilder("exitcodes");
        all.forEach(p -> codes.append(' ').append(p.exitcode()));
        System.out.println(codes);
        System.out.println("queued " + got + " fed-sum " + sum);
    }

    /** main returns (or throws) with a daemon and a working child: terminate one, join the other. */
    private static void exitHook(boolean fail) {
        Process daemon = new Process(ExitScenario::blockForever);
        daemon.setDaemon(true);
        daemon.start();
        Process worker = new Process(ExitScenario::slowWork);
        worker.start();
        System.out.println("daemon-pid " + daemon.pid());
        System.out.println("worker-pid " + worker.pid());
        if (fail) {
            throw new IllegalStateException("main fails");
        }
    }

    /** Prints its daemon's pid and blocks: the test kills this JVM with SIGKILL. */
    private static void parentKilled() {
        Process daemon = new Process(ExitScenario::blockForever);
        daemon.setDaemon(true);
        daemon.start();
        System.out.println("daemon-pid " + daemon.pid());
        System.out.flush();
        blockForever();
    }

    /** Warm children booted and ready; then this JVM exits, or blocks to be killed. */
    private static void warmIdle(boolean block) {
        if (!dev.jmp.Multiprocessing.getStartMethod().equals("warm")) {   // -Djmp.startMethod=warm
            throw new IllegalStateException("not started with -Djmp.startMethod=warm");
        }
        if (!dev.jmp.spawn.WarmStarter.awaitReady(dev.jmp.blocking.Deadline.after(java.time.Duration.ofSeconds(60)))) {
            throw new IllegalStateException("no warm child became ready");
        }
        StringBuilder line = new StringBuilder("warm-pids");
        for (int pid : dev.jmp.spawn.WarmStarter.idlePids()) {
            line.append(' ').append(pid);
        }
        System.out.println(line);
        System.out.flush();
        if (block) {
            blockForever();
        }
    }

    /**
     * A running Pool(2) the program never closes; then main returns, or blocks until the
     * test sends SIGTERM. A step of this program's own, behind jmp's in the CHILDREN phase
     * of the exit sequence (the workers are terminated and joined by then), prints the
     * pool's state and the name the next Process would get: Process-3 unless the pool
     * started a replacement worker during the exit.
     */
    private static void poolExit(boolean awaitSignal) {
        dev.jmp.Pool pool = new dev.jmp.Pool(2);
        int one = pool.apply(() -> 1);
        dev.jmp.resource.AtExit.register(dev.jmp.resource.AtExit.Phase.CHILDREN, () -> {
            System.out.println("after-children " + pool + " next " + new Process(() -> { }).name());
            System.out.flush();
        });
        StringBuilder line = new StringBuilder("pool-ready " + one + " worker-pids");
        for (Process worker : dev.jmp.Multiprocessing.activeChildren()) {
            line.append(' ').append(worker.pid());
        }
        System.out.println(line);
        System.out.flush();
        if (awaitSignal) {
            blockForever();
        }
    }

    /** First child: the archive is made; the next child starts with it (and says so by its exit code). */
    private static void cds() {
        try {
            Process first = new Process(() -> { });
            first.start();
            first.join();
            boolean made = dev.jmp.spawn.ClassDataSharing.awaitArchive(java.time.Duration.ofMinutes(3));
            // Read by the child itself: right after posix_spawn returns, the kernel may not
            // have set up the new program's arguments yet, and the parent would read "".
            Process second = new Process(ExitScenario::exitZeroIfOnArchive);
            second.start();
            second.join();
            System.out.println("archive " + made + " used " + (second.exitcode() == 0) + " exitcodes "
                    + first.exitcode());
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void exitZeroIfOnArchive() {
        try {
            String cmdline = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/cmdline"));
            boolean onArchive = cmdline.contains("-XX:SharedArchiveFile=") || cmdline.contains("-XX:AOTCache=");
            System.exit(onArchive ? 0 : 3);
        } catch (java.io.IOException e) {
            System.exit(4);
        }
    }

    private static void blockForever() {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Work that outlasts main by a visible margin: if main did not join it, it would still run. */
    private static void slowWork() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.out.println("worker done");
    }
}
