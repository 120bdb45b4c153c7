package dev.jmp.bench;

import dev.jmp.Multiprocessing;
import dev.jmp.Process;
import dev.jmp.blocking.Deadline;
import dev.jmp.spawn.WarmStarter;
import dev.jmp.posix.Posix;
import java.nio.file.Paths;
import java.util.ArrayList;
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
 * Starting a child: {@code Process} start+join of a trivial target, {@code start()}
 * to the target's first line, and beside them a bare {@code java -cp ... Hello} on the
 * same JDK, spawned the same way (posix_spawn with the same file actions and signal
 * attributes as a jmp child), so the difference is jmp's own cost.
 *
 * <p>Single-shot: each sample is one process; these are milliseconds, so JMH's timer
 * and per-invocation setup are noise. Unpinned, as on the C and Python sides: a
 * process start is not a two-CPU ping-pong.
 *
 * <p>{@code startMethod}: spawn, and warm (a child JVM booted ahead of time; each
 * sample waits, untimed, until the warm children are ready and none is booting, so it
 * measures a warm start, neither the cold fallback nor a replacement's boot).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 20)
@Fork(2)
public class ProcessBench {

    @State(Scope.Thread)
    public static class Method {
        @Param({"spawn", "warm"})
        public String startMethod;

        Process started;

        @Setup(Level.Trial)
        public void select() {
            Multiprocessing.setStartMethod(startMethod);
        }

        /**
         * Not timed: under warm, each sample starts when every warm slot is ready and no
         * replacement is booting, as CPython's fork rows run on an otherwise idle machine.
         */
        @Setup(Level.Invocation)
        public void awaitWarm() throws InterruptedException {
            if (startMethod.equals("warm")
                    && !WarmStarter.awaitSettled(Deadline.after(java.time.Duration.ofSeconds(60)))) {
                throw new IllegalStateException("the warm children did not become ready");
            }
        }

        /** Not timed: release the finished child's fds. */
        @TearDown(Level.Invocation)
        public void close() {
            if (started != null) {
                started.join();
                started.close();
                started = null;
            }
        }
    }

    /** One FIFO per trial; the child's first line writes a byte to it. */
    @State(Scope.Thread)
    public static class FirstLine {
        FirstLineFifo fifo;

        @Setup(Level.Trial)
        public void open() {
            fifo = new FirstLineFifo();
        }

        @TearDown(Level.Trial)
        public void close() throws java.io.IOException {
            fifo.close();
        }
    }

    @Benchmark
    public Integer startJoin(Method m) {
        Process p = new Process(ChildTargets.noop());
        m.started = p;
        p.start();
        p.join();
        return p.exitcode();
    }

    /** From {@code new Process(...)} to the byte the target's first line writes. */
    @Benchmark
    public Process startToFirstLine(Method m, FirstLine f) {
        return startAndAwaitFirstLine(new Process(ChildTargets.firstLine(f.fifo)), m, f);
    }

    /**
     * The same with a target that captured an object (the FirstLineFifo), which a
     * spawned child must read with Java serialization: what a child pays for
     * ObjectInputStream's first use.
     */
    @Benchmark
    public Process startToFirstLineSerialized(Method m, FirstLine f) {
        return startAndAwaitFirstLine(new Process(ChildTargets.firstLineCapturingAnObject(f.fifo)), m, f);
    }

    /**
     * The same with a target that first acquires and releases a Lock (captured: it
     * travels by name in the direct payload, without Java serialization): what a child
     * pays to bind the native layer and open a semaphore before its first line.
     */
    @Benchmark
    public Process startToFirstLineAfterLock(Method m, FirstLine f, ALock l) {
        return startAndAwaitFirstLine(new Process(ChildTargets.firstLineAfterLock(f.fifo, l.lock)), m, f);
    }

    /** One Lock per trial, for the target above. */
    @State(Scope.Thread)
    public static class ALock {
        dev.jmp.Lock lock;

        @Setup(Level.Trial)
        public void make() {
            lock = new dev.jmp.Lock();
        }
    }

    private static Process startAndAwaitFirstLine(Process p, Method m, FirstLine f) {
        m.started = p;
        p.start();
        f.fifo.awaitSignal();
        return p;
    }

    /** The JDK's floor: spawn {@code java -cp <same classpath> dev.jmp.bench.Hello} and wait. */
    @State(Scope.Benchmark)
    public static class HelloCommand {
        List<String> argv;
        List<String> env;

        @Setup(Level.Trial)
        public void prepare() {
            String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
            argv = List.of(java, "-cp", System.getProperty("java.class.path"), Hello.class.getName());
            env = new ArrayList<>();
            for (Map.Entry<String, String> e : System.getenv().entrySet()) {
                env.add(e.getKey() + "=" + e.getValue());
            }
        }
    }

    @Benchmark
    public int javaHello(HelloCommand h) {
        // As a jmp child is spawned: fds 3 and up closed, empty signal mask, default dispositions.
        Posix posix = Posix.libc();
        int pid = posix.spawn(h.argv.get(0), h.argv, h.env, new int[0], 3);
        int[] status = new int[1];
        posix.waitpid(pid, status, 0);
        return status[0];
    }
}
