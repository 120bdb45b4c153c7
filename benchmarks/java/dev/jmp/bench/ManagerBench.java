package dev.jmp.bench;

import dev.jmp.Multiprocessing;
import dev.jmp.Process;
import dev.jmp.SyncManager;
import java.util.List;
import java.util.Map;
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
 * Managers (issue 17), as mp_bench.py measures CPython's spawn {@code Manager()}: a dict
 * proxy's {@code put} then {@code get} (two round trips), a list proxy's {@code add},
 * with this JVM on CPU 0 and every thread of the manager's server process on CPU 0 or 1;
 * and from {@code Multiprocessing.manager()} to the end of a first {@code dict().put}
 * (the shutdown is not timed), unpinned.
 */
@Fork(2)
public class ManagerBench {

    @State(Scope.Benchmark)
    public static class Running {
        @Param({"same", "split"})
        public String placement;

        SyncManager manager;
        Map<String, Integer> dict;
        List<Integer> list;

        @Setup(Level.Trial)
        public void start() {
            Placement.pinSelf(0);
            manager = Multiprocessing.manager();
            for (Process p : Multiprocessing.activeChildren()) {
                Placement.pin(p.pid(), Placement.partnerCpu(placement));   // the server: this JVM's only child
            }
            dict = manager.dict();
            list = manager.list();
        }

        /** Not timed: the list would otherwise grow by millions over a trial. */
        @Setup(Level.Iteration)
        public void empty() {
            list.clear();
        }

        @TearDown(Level.Trial)
        public void stop() {
            manager.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 5, time = 1)
    @Measurement(iterations = 10, time = 1)
    public Integer dictPutGet(Running r) {
        r.dict.put("k", 1);
        return r.dict.get("k");
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 5, time = 1)
    @Measurement(iterations = 10, time = 1)
    public boolean listAdd(Running r) {
        return r.list.add(1);
    }

    @State(Scope.Thread)
    public static class Start {
        SyncManager manager;

        /** Not timed. */
        @TearDown(Level.Invocation)
        public void stop() {
            if (manager != null) {
                manager.close();
                manager = null;
            }
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 5)
    @Measurement(iterations = 20)
    public Object startToFirstCall(Start s) {
        s.manager = Multiprocessing.manager();
        return s.manager.dict().put("k", 1);
    }
}
