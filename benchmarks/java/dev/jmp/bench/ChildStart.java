package dev.jmp.bench;

import dev.jmp.Multiprocessing;
import dev.jmp.Process;
import dev.jmp.spawn.ClassDataSharing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One batch of spawned children for benchmarks/child-start.sh, which compares start-up
 * archives and child JVM options by running batches of each, alternating, in one
 * sitting: {@code ChildStart <samples>} prints two lines, {@code startJoin} and
 * {@code firstLine}, each with that many times in ms (a Process start+join of an empty
 * target; {@code new Process(...)} to the byte the target's first line writes), and
 * {@code childCpu}: the CPU time (user + system) the timed children used, per child, in
 * ms; then {@code poolFirst}, from {@code new Pool(2)} to a first apply's result, and
 * {@code poolCpu}, the CPU both workers of one such pool used (to its terminate()). On
 * a machine other programs load, a child's wall time is mostly its wait for a CPU; its
 * CPU time is what it costs.
 *
 * <p>The start-up archive is made first, untimed, if there is none; then two untimed
 * children of each kind warm the parent up. With 0 samples it only does that: run.sh
 * calls it so before JMH, so that no benchmark sample runs while the archive is made.
 */
public final class ChildStart {
    private ChildStart() {
    }

    public static void main(String[] args) throws Exception {
        int samples = Integer.parseInt(args[0]);
        Multiprocessing.setStartMethod("spawn");
        FirstLineFifo fifo = new FirstLineFifo();
        try {
            startJoin();
            ClassDataSharing.awaitArchive(Duration.ofMinutes(5));
            List<Double> joins = new ArrayList<>();
            List<Double> lines = new ArrayList<>();
            long cpu0 = 0;
            for (int i = -2; i < samples; i++) {
                if (i == 0) {
                    cpu0 = childrenCpuTicks();
                }
                double join = startJoin();
                double line = firstLine(fifo);
                if (i >= 0) {
                    joins.add(join);
                    lines.add(line);
                }
            }
            long cpu1 = childrenCpuTicks();
            List<Double> pools = new ArrayList<>();
            for (int i = 0; i < samples; i++) {
                pools.add(poolFirstResult());
            }
            print("startJoin", joins);
            print("firstLine", lines);
            // Clock ticks of 10 ms: the per-child mean is as fine as 10 ms / children.
            print("childCpu", List.of((cpu1 - cpu0) * 10.0 / (2 * samples)));
            print("poolFirst", pools);
            // Both workers of each pool, from spawn to terminate().
            print("poolCpu", List.of((childrenCpuTicks() - cpu1) * 10.0 / Math.max(1, samples)));
        } finally {
            fifo.close();
        }
    }

    private static double startJoin() {
        long t0 = System.nanoTime();
        Process p = new Process(ChildTargets.noop());
        p.start();
        p.join();
        double ms = (System.nanoTime() - t0) / 1e6;
        if (p.exitcode() != 0) {
            throw new IllegalStateException("child exit code " + p.exitcode());
        }
        p.close();
        return ms;
    }

    private static double firstLine(FirstLineFifo fifo) {
        long t0 = System.nanoTime();
        Process p = new Process(ChildTargets.firstLine(fifo));
        p.start();
        fifo.awaitSignal();
        double ms = (System.nanoTime() - t0) / 1e6;
        p.join();
        p.close();
        return ms;
    }

    /** From {@code new Pool(2)} to the result of a first apply (the pool's terminate() is not timed). */
    private static double poolFirstResult() {
        long t0 = System.nanoTime();
        dev.jmp.Pool pool = new dev.jmp.Pool(2);
        try {
            pool.apply(ChildStart::one);
            return (System.nanoTime() - t0) / 1e6;
        } finally {
            pool.terminate();
        }
    }

    private static Integer one() {
        return 1;
    }

    /** cutime + cstime of /proc/self/stat: the CPU of the children this JVM has reaped. */
    private static long childrenCpuTicks() throws java.io.IOException {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[13]) + Long.parseLong(f[14]);   // fields 16 and 17, counted from 1
    }

    private static void print(String what, List<Double> ms) {
        StringBuilder b = new StringBuilder(what);
        for (double v : ms) {
            b.append(' ').append(String.format(Locale.ROOT, "%.2f", v));
        }
        System.out.println(b);
    }
}
