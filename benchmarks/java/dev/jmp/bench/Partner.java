package dev.jmp.bench;

import dev.jmp.Process;
import dev.jmp.Task;
import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import java.time.Duration;

/**
 * The other process of a two-process benchmark, started once per trial (not per
 * operation) in the row's CPU placement:
 *
 * <pre>
 * &#64;Param({"same", "split"}) public String placement;
 * &#64;Setup(Level.Trial) public void start() {
 *     pipe = Pipe.open();
 *     Connection theirs = pipe.conn2();
 *     partner = Partner.start(placement, () -&gt; PartnerLoops.echoBytes(theirs));
 * }
 * &#64;TearDown(Level.Trial) public void stop() { pipe.conn1().sendBytes(new byte[0]); partner.close(); pipe.close(); }
 * </pre>
 *
 * <p>{@link #start} pins this JVM to CPU 0, starts the partner as a jmp Process whose
 * target first pins itself (CPU 0 for "same", CPU 1 for "split"), and returns once
 * the partner says it is pinned and about to run {@code body}. The readiness byte
 * travels on a pipe of its own (see {@link InheritedFd}), so the benchmark's channel
 * carries nothing but the measured traffic.
 *
 * <p>Write {@code body} as a lambda in a class without JMH (like {@link ChildTargets}):
 * the child loads the class a serialized lambda was written in.
 */
public final class Partner implements AutoCloseable {
    private final Process process;

    private Partner(Process process) {
        this.process = process;
    }

    public static Partner start(String placement, Task body) {
        int cpu = Placement.partnerCpu(placement);
        Placement.pinSelf(0);
        Posix posix = Posix.libc();
        int[] pipe = posix.pipe2(Linux.O_CLOEXEC);
        try {
            InheritedFd ready = new InheritedFd(pipe[1]);
            Process p = new Process(partnerTarget(cpu, ready, body), "bench-partner-" + placement);
            p.setDaemon(true);
            p.start();
            byte[] one = new byte[1];
            posix.close(pipe[1]);
            pipe[1] = -1;
            if (posix.read(pipe[0], one, 0, 1) != 1) {
                p.join(Duration.ofSeconds(10));
                throw new IllegalStateException("benchmark partner " + p + " ended before it was ready");
            }
            return new Partner(p);
        } finally {
            posix.close(pipe[0]);
            if (pipe[1] >= 0) {
                posix.close(pipe[1]);
            }
        }
    }

    private static Task partnerTarget(int cpu, InheritedFd ready, Task body) {
        return () -> {
            Placement.pinSelf(cpu);
            ready.signal();
            body.run();
        };
    }

    public Process process() {
        return process;
    }

    /** Waits for the partner to end (the benchmark told it to stop); kills it after 30 s. */
    @Override
    public void close() {
        process.join(Duration.ofSeconds(30));
        if (process.exitcode() == null) {
            process.kill();
            process.join();
        }
        process.close();
    }
}
