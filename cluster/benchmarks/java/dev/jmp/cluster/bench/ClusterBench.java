package dev.jmp.cluster.bench;

import dev.jmp.Multiprocessing;
import dev.jmp.Pool;
import dev.jmp.TaskPool;
import dev.jmp.cluster.ClusterPool;
import dev.jmp.cluster.LocalCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ClusterPool (issue 22) beside the local Pool(2), in the same run: a ClusterPool over
 * three members on this machine ({@link LocalCluster}: child JVMs on loopback), its pool
 * of a client in the benchmark's JVM. The rows: map identity over 100k ints (default
 * chunksize; the local Pool's row is PoolBench.map100k), one applyAsync round trip
 * through a member (the local one: PoolBench.applyAsyncRoundTrip), and a CPU-bound
 * map of 64 tasks of 50 ms of work on both pools (param pool=cluster|local).
 *
 * <p>The cluster is started once per trial and not timed. Unpinned, as the Pool rows.
 */
@Fork(1)
public class ClusterBench {
    static final int ITEMS = 100_000;
    static final int CPU_TASKS = 64;
    static final long CPU_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    static Integer identity(Integer x) {
        return x;
    }

    /** Spins for 50 ms of this thread's CPU time (work, not a sleep: it needs a core). */
    static long burn(Integer seed) {
        var bean = java.lang.management.ManagementFactory.getThreadMXBean();
        long end = bean.getCurrentThreadCpuTime() + CPU_NANOS;
        long x = seed;
        while (bean.getCurrentThreadCpuTime() < end) {
            for (int i = 0; i < 10_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        return x;
    }

    @State(Scope.Benchmark)
    public static class Cluster {
        LocalCluster cluster;
        ClusterPool pool;
        List<Integer> items;

        @Setup(Level.Trial)
        public void start() {
            Multiprocessing.setStartMethod("spawn");
            cluster = LocalCluster.start(3);
            pool = cluster.pool(ClusterPool.Options.defaults().processes(6));
            items = new ArrayList<>(ITEMS);
            for (int i = 0; i < ITEMS; i++) {
                items.add(i);
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            pool.close();
            cluster.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public List<Integer> map100k(Cluster c) {
        List<Integer> out = c.pool.map(ClusterBench::identity, c.items);
        if (out.size() != ITEMS) {
            throw new IllegalStateException("map returned " + out.size() + " results");
        }
        return out;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    public Integer applyAsyncRoundTrip(Cluster c) {
        return c.pool.applyAsync(() -> identity(1)).get();
    }

    @State(Scope.Benchmark)
    public static class Cpu {
        @Param({"cluster", "local"})
        public String pool;

        LocalCluster cluster;
        TaskPool tasks;
        List<Integer> seeds = new ArrayList<>();

        @Setup(Level.Trial)
        public void start() {
            Multiprocessing.setStartMethod("spawn");
            if (pool.equals("cluster")) {
                cluster = LocalCluster.start(3);
                tasks = cluster.pool(ClusterPool.Options.defaults().processes(6));
            } else {
                tasks = new Pool(2);
            }
            for (int i = 0; i < CPU_TASKS; i++) {
                seeds.add(i);
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            tasks.close();
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = 5)
    public List<Long> cpuMap64x50ms(Cpu c) {
        return c.tasks.map(ClusterBench::burn, c.seeds, 1);
    }
}
