package dev.jmp.bench;

import dev.jmp.Multiprocessing;
import dev.jmp.Pool;
import dev.jmp.blocking.Deadline;
import dev.jmp.spawn.WarmStarter;
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
 * Pool (issue 7), as mp_bench.py measures CPython's: a Pool(2) mapping an identity
 * function over {@link Workloads#POOL_MAP_ITEMS} ints with the default chunksize; one
 * {@code applyAsync(identity(1)).get()} round trip; and from {@code new Pool(2)} to the
 * result of a first {@code apply} (the pool's shutdown is not timed).
 *
 * <p>map100k and applyAsyncRoundTrip reuse one pool per trial (its workers warm up with
 * the benchmark, as CPython's do); spawn. creationToFirstResult is single-shot, under
 * spawn and warm; under warm each sample waits, untimed, until two warm children are
 * ready, so it measures a warm start and not a cold fallback. Unpinned, like the C and
 * Python sides of these rows.
 */
@Fork(2)
public class PoolBench {

    static Integer identity(Integer x) {
        return x;
    }

    @State(Scope.Benchmark)
    public static class Running {
        Pool pool;
        List<Integer> items;

        @Setup(Level.Trial)
        public void start() {
            Multiprocessing.setStartMethod("spawn");
            pool = new Pool(2);
            items = new ArrayList<>(Workloads.POOL_MAP_ITEMS);
            for (int i = 0; i < Workloads.POOL_MAP_ITEMS; i++) {
                items.add(i);
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            pool.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 5, time = 1)
    @Measurement(iterations = 10, time = 1)
    public List<Integer> map100k(Running r) {
        List<Integer> out = r.pool.map(PoolBench::identity, r.items);
        if (out.size() != Workloads.POOL_MAP_ITEMS) {
            throw new IllegalStateException("map returned " + out.size() + " results");
        }
        return out;
    }

    static double[] identityArray(double[] x) {
        return x;
    }

    @State(Scope.Benchmark)
    public static class BigItems {
        Pool pool;
        List<double[]> items;

        @Setup(Level.Trial)
        public void start() {
            Multiprocessing.setStartMethod("spawn");
            pool = new Pool(2);
            items = new ArrayList<>(Workloads.BIG_ITEMS);
            for (int i = 0; i < Workloads.BIG_ITEMS; i++) {
                double[] a = new double[Workloads.BIG_ITEM_BYTES / 8];
                java.util.Arrays.fill(a, i);
                items.add(a);
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            pool.close();
        }
    }

    /** Pool(2).map(identity) over 64 double[] of 1 MiB each, the default chunksize. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 5, time = 1)
    @Measurement(iterations = 10, time = 1)
    public List<double[]> map64x1MiB(BigItems r) {
        List<double[]> out = r.pool.map(PoolBench::identityArray, r.items);
        if (out.size() != Workloads.BIG_ITEMS) {
            throw new IllegalStateException("map returned " + out.size() + " results");
        }
        return out;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 5, time = 1)
    @Measurement(iterations = 10, time = 1)
    public Integer applyAsyncRoundTrip(Running r) {
        return r.pool.applyAsync(() -> identity(1)).get();
    }

    @State(Scope.Thread)
    public static class Start {
        @Param({"spawn", "warm"})
        public String startMethod;

        Pool pool;

        @Setup(Level.Trial)
        public void select() {
            Multiprocessing.setStartMethod(startMethod);
        }

        /** Not timed: under warm, the warm children are ready (Pool(2) takes two) and none is booting. */
        @Setup(Level.Invocation)
        public void awaitWarm() throws InterruptedException {
            if (startMethod.equals("warm")
                    && !WarmStarter.awaitSettled(Deadline.after(java.time.Duration.ofSeconds(60)))) {
                throw new IllegalStateException("the warm children did not become ready");
            }
        }

        /** Not timed. */
        @TearDown(Level.Invocation)
        public void stop() {
            if (pool != null) {
                pool.terminate();
                pool = null;
            }
        }

        @TearDown(Level.Trial)
        public void spawnAgain() {
            Multiprocessing.setStartMethod("spawn");
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 5)
    @Measurement(iterations = 20)
    public Integer creationToFirstResult(Start s) {
        s.pool = new Pool(2);
        return s.pool.apply(() -> identity(1));
    }
}
