package dev.jmp.bench;

import dev.jmp.Event;
import dev.jmp.Lock;
import dev.jmp.Semaphore;
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
 * Synchronization rows: an uncontended Lock acquire+release in this process, and a
 * ping-pong between two processes through two Semaphores (release one, acquire the
 * other), and making a Lock, as mp_bench.py's lock and semaphore rows.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SyncBench {

    @State(Scope.Benchmark)
    public static class Uncontended {
        Lock lock;

        @Setup(Level.Trial)
        public void make() {
            lock = new Lock();
        }
    }

    @Benchmark
    public void lockAcquireRelease(Uncontended u) {
        u.lock.acquire();
        u.lock.release();
    }

    /**
     * {@code new Lock()}: a named semaphore made under a fresh name and registered with
     * the resource tracker; dropped at once (the Cleaner unlinks and unregisters it).
     */
    @Benchmark
    public Lock lockCreate() {
        return new Lock();
    }

    @State(Scope.Benchmark)
    public static class PingPong {
        @Param({"same", "split"})
        public String placement;
        Semaphore ping;
        Semaphore pong;
        Event stop;
        Partner partner;

        @Setup(Level.Trial)
        public void start() {
            ping = new Semaphore(0);
            pong = new Semaphore(0);
            stop = new Event();
            partner = Partner.start(placement, PipeLoops.pong(ping, pong, stop));
        }

        @TearDown(Level.Trial)
        public void end() {
            stop.set();
            ping.release();
            partner.close();
        }
    }

    @Benchmark
    public void semaphorePingPong(PingPong p) {
        p.ping.release();
        p.pong.acquire();
    }
}
