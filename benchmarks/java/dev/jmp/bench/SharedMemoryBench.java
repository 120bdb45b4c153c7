package dev.jmp.bench;

import dev.jmp.Semaphore;
import dev.jmp.Value;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Value (issue 6): a locked increment from two processes at once, and an unlocked read.
 *
 * <p>valueLockedIncrement does what the C and CPython sides do per sample: release the
 * partner ({@code go}), run {@link Workloads#INCREMENTS_PER_PROCESS} increments of a
 * {@code Value('i')} under its lock here while the partner runs as many, and wait for
 * the partner's {@code done}; one JMH operation is one increment. valueRead reads a
 * {@code Value('i', 1, lock=false)}: compare it with ReferenceBench.byteBufferGetInt.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(2)
public class SharedMemoryBench {

    @State(Scope.Thread)
    public static class Incr {
        @Param({"same", "split"})
        public String placement;

        Value counter;
        Semaphore go;
        Semaphore done;
        Value stop;
        Partner partner;
        long batches;

        @Setup(Level.Trial)
        public void start() {
            counter = new Value('i', 0);
            go = new Semaphore(0);
            done = new Semaphore(0);
            stop = new Value('i', 0, false);
            partner = Partner.start(placement, ChildTargets.lockedIncrementPartner(counter, go, done, stop));
        }

        @TearDown(Level.Trial)
        public void stop() {
            stop.setValue(1);
            go.release();
            partner.close();
            long expected = 2L * Workloads.INCREMENTS_PER_PROCESS * batches;
            if (counter.value().intValue() != (int) expected) {
                throw new IllegalStateException("counter " + counter.value() + ", expected " + expected);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(2 * Workloads.INCREMENTS_PER_PROCESS)
    public void valueLockedIncrement(Incr s) {
        s.go.release();
        ChildTargets.lockedIncrements(s.counter, Workloads.INCREMENTS_PER_PROCESS);
        s.done.acquire();
        s.batches++;
    }

    @State(Scope.Thread)
    public static class Read {
        Value v;

        @Setup(Level.Trial)
        public void create() {
            v = new Value('i', 1, false);
        }
    }

    @Benchmark
    public int valueRead(Read s) {
        return s.v.value().intValue();
    }
}
