package dev.jmp.bench;

import java.io.IOException;

/**
 * CPU placement of the two-process rows, the same on all three sides (FACTS.md: a
 * wake-up across the two CPUs costs ~4-5 us each way, so an unpinned run flips between
 * two very different numbers). The measuring JVM pins itself to CPU 0 in its trial
 * setup; the partner pins itself to CPU 0 ("same") or CPU 1 ("split") before it says
 * it is ready.
 *
 * <p>How: Java has no affinity call, so this runs {@code taskset -a -p -c CPU PID} on
 * the JVM itself: -a sets every thread that exists now (the benchmark thread, the JIT
 * and GC threads), and threads started later inherit the mask of the thread that
 * starts them. JMH runs each benchmark and parameter set in its own fork, so a pinned
 * JVM never measures an unpinned row.
 */
public final class Placement {
    private Placement() {
    }

    public static final String SAME = "same";
    public static final String SPLIT = "split";

    /** The partner's CPU for a placement; the measuring JVM is on CPU 0. */
    public static int partnerCpu(String placement) {
        switch (placement) {
            case SAME:
                return 0;
            case SPLIT:
                return 1;
            default:
                throw new IllegalArgumentException("placement: same or split, not " + placement);
        }
    }

    /**
     * Pins every thread of this JVM to one CPU; fails loudly if it cannot (no taskset,
     * or no such CPU). Not checked against availableProcessors(): a JVM started by a
     * pinned parent inherits its mask and sees 1 CPU even where there are 2.
     */
    public static void pinSelf(int cpu) {
        pin(ProcessHandle.current().pid(), cpu);
    }

    /** Pins every thread of process {@code processId} (a partner this JVM started) to one CPU. */
    public static void pin(long processId, int cpu) {
        String pid = Long.toString(processId);
        String command = "taskset -a -p -c " + cpu + " " + pid;
        try {
            java.lang.Process taskset = new ProcessBuilder(command.split(" "))
                    .redirectErrorStream(true)
                    .start();
            String output = new String(taskset.getInputStream().readAllBytes()).trim();
            int code = taskset.waitFor();
            if (code != 0) {
                throw new IllegalStateException(command + " exited with " + code + ": " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("taskset is needed for the two-process rows", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
