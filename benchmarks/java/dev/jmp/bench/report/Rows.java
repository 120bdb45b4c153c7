package dev.jmp.bench.report;

import static dev.jmp.bench.report.Target.C;
import static dev.jmp.bench.report.Target.PY;
import static dev.jmp.bench.report.Target.atLeast;
import static dev.jmp.bench.report.Target.atMost;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every row of the table: what it measures on each side and the target.
 *
 * <p>To add a jmp row: write the JMH method (benchmarks/java/dev/jmp/bench/...Bench),
 * then give its row here a {@code .jmp("Class.method", ...)}. The C and CPython ids are
 * the "id" fields that native/bench_*.c and benchmarks/python/mp_bench.py print
 * (without the "/placement" suffix, which the row adds). A row whose JMH benchmark is
 * missing from the run shows "—" for jmp; nothing fails.
 *
 * <p>Two-process rows are declared once with {@link #bothPlacements}, which makes the
 * "1 CPU" (same) and "2 CPUs" (split) rows; their JMH benchmark gets the parameter
 * placement=same|split and must pin itself and its partner with
 * {@link dev.jmp.bench.Placement}.
 */
final class Rows {
    private Rows() {
    }

    private static final String JAVA_HELLO = "Bare runtime start: java Hello / python -c pass";
    private static final String BYTEBUFFER = "ByteBuffer.getInt, plain Java";

    /**
     * {@code jdks}: the feature versions JMH ran on, the main one first (every row runs
     * on it; run.sh runs the process and pool start rows on each JDK, as their start is
     * what a JDK changes most). Start rows are made once per JDK and named with it.
     */
    static List<Row> all(List<Integer> jdks) {
        if (jdks.isEmpty()) {
            jdks = List.of(Runtime.version().feature());
        }
        List<Row> rows = new ArrayList<>();

        // ---- Process (issues 2, 9 and 19), on each JDK the run had ----
        for (int jdk : jdks) {
            processRows(rows, jdk);
        }

        // ---- Pipe and Connection (issue 4) ----
        String s = "Pipe";
        bothPlacements(rows, s, "Pipe RTT, send/recv 'hello'", Unit.US, r -> r
                .c("socketpair.rtt.64B").jmp("PipeBench.helloRtt").py("pipe.rtt.hello")
                .target(atMost(0.7, PY, "4"))
                .note("C: 64-byte round trip on a socketpair (the channel under CPython's Pipe()), the raw floor."));
        bothPlacements(rows, s, "Pipe RTT, sendBytes 64 B", Unit.US, r -> r
                .c("socketpair.rtt.64B").jmp("PipeBench.bytesRtt").py("pipe.rtt.64B")
                .target(atMost(1.3, C, "4"))
                .note("C: socketpair; if jmp's duplex Pipe is a pair of pipes, point .c() at pipe.rtt.64B."));
        bothPlacements(rows, s, "Pipe stream, 64 KiB messages", Unit.GB_S, r -> r
                .c("socketpair.stream.64KiB").jmp("PipeBench.stream64KiB", 64 * 1024).py("pipe.duplex.stream.64KiB"));
        bothPlacements(rows, s, "Pipe stream, 1 MiB messages", Unit.GB_S, r -> r
                .c("socketpair.stream.64KiB").jmp("PipeBench.stream1MiB", 1024 * 1024).py("pipe.duplex.stream.1MiB")
                .target(atLeast(0.85, C, "23")).target(atLeast(1.5, PY, "23"))
                .note("C: one-way 64 KiB writes on the same kind of channel."));
        bothPlacements(rows, s, "Pipe stream, 1 MiB into a reused buffer", Unit.GB_S, r -> r
                .c("socketpair.stream.64KiB").jmp("PipeBench.stream1MiBInto", 1024 * 1024)
                .py("pipe.duplex.stream.1MiB.into")
                .target(atLeast(0.85, C, "23")).target(atLeast(1.5, PY, "23"))
                .note("jmp: recvBytesInto(ByteBuffer) into one direct buffer; CPython: recv_bytes_into(bytearray);"
                        + " C reads into one 64 KiB buffer."));
        bothPlacements(rows, s, "Pipe(false) stream, 1 MiB messages", Unit.GB_S, r -> r
                .c("pipe.stream.64KiB").jmp("PipeBench.simplexStream1MiB", 1024 * 1024).py("pipe.simplex.stream.1MiB")
                .target(atLeast(0.7, C, "4")).target(atLeast(1.5, PY, "4")));

        // ---- Queues (issue 5) ----
        s = "Queue";
        bothPlacements(rows, s, "Queue 1P->1C, small items", Unit.K_S, r -> r
                .c("mq.1p1c.8B").jmp("QueueBench.queue1p1c").py("queue.queue.1p1c")
                .target(atLeast(2, PY, "5"))
                .note("C: 8-byte messages through one POSIX message queue (10 x 8 KiB, the user limits)."));
        bothPlacements(rows, s, "SimpleQueue 1P->1C, small items", Unit.K_S, r -> r
                .c("mq.1p1c.8B").jmp("QueueBench.simpleQueue1p1c").py("queue.simplequeue.1p1c"));
        bothPlacements(rows, s, "JoinableQueue 1P->1C, taskDone+join", Unit.K_S, r -> r
                .c("mq.1p1c.8B").jmp("QueueBench.joinableQueue1p1c").py("queue.joinablequeue.1p1c"));
        rows.add(new Row(s, "Queue 4P->4C, small items", "any", Unit.K_S)
                .c("mq.4p4c.8B").jmp("QueueBench.queue4p4c").py("queue.queue.4p4c")
                .target(atLeast(2, PY, "5")));
        bothPlacements(rows, s, "Queue RTT (two queues)", Unit.US, r -> r
                .c("mq.rtt.64B").jmp("QueueBench.queueRtt").py("queue.rtt"));
        bothPlacements(rows, s, "Queue 1P->1C, 1 MiB byte[] items", Unit.GB_S, r -> r
                .jmp("QueueBench.queue1MiB", 1024 * 1024).py("queue.queue.1p1c.1MiB")
                .target(atLeast(5, PY, "23").orAtLeast(4, "4 GB/s"))
                .note("Issue 23: >= 4 GB/s or >= 5x CPython, whichever is lower. 64 items per sample, the"
                        + " consumer acknowledges each batch; jmp spills each item to /dev/shm."));

        // ---- Synchronization (issue 3) ----
        s = "Synchronization";
        rows.add(new Row(s, "Lock acquire+release, uncontended", "any", Unit.NS)
                .c("sem.wait_post").jmp("SyncBench.lockAcquireRelease").py("lock.acquire_release")
                .target(atMost(1.3, C, "14")).target(atMost(0.6, PY, "14"))
                .note("C: sem_wait+sem_post on a named semaphore of value 1."));
        rows.add(new Row(s, "Lock() creation", "any", Unit.US)
                .jmp("SyncBench.lockCreate").py("lock.create")
                .note("A named semaphore under a fresh name, registered with the resource tracker, then dropped;"
                        + " CPython: spawn context (its tracker registers it too)."));
        rows.add(new Row(s, "Queue() creation", "any", Unit.US)
                .jmp("QueueBench.queueCreate").py("queue.create")
                .note("jmp: a message queue, its spill directory and a semaphore, registered with the resource"
                        + " tracker; CPython: spawn context (a pipe, a lock, a semaphore)."));
        bothPlacements(rows, s, "Semaphore ping-pong", Unit.US, r -> r
                .c("sem.pingpong").jmp("SyncBench.semaphorePingPong").py("sem.pingpong")
                .target(atMost(1.5, C, "3")));

        // ---- Shared memory (issue 6) ----
        s = "Shared memory";
        bothPlacements(rows, s, "Value locked increment, 2 processes", Unit.M_S, r -> r
                .c("shm.locked_incr").jmp("SharedMemoryBench.valueLockedIncrement").py("value.locked_incr")
                .target(atLeast(3, PY, "6")).target(atLeast(0.6, C, "14"))
                .note("C: an int in shm_open memory under a named semaphore; CPython's Value lock is an RLock."));
        rows.add(new Row(s, "Value read, unlocked", "any", Unit.NS)
                .c("shm.read").jmp("SharedMemoryBench.valueRead").py("value.read")
                .target(atMost(2, BYTEBUFFER, "6").shownAs("ByteBuffer read")));
        rows.add(new Row(s, BYTEBUFFER, "any", Unit.NS)
                .c("shm.read").jmp("ReferenceBench.byteBufferGetInt").reference()
                .note("Yardstick, not jmp: a direct ByteBuffer read in plain Java."));

        // ---- Listener and Client (issue 16) ----
        s = "Listener/Client";
        bothPlacements(rows, s, "Listener/Client RTT, 64 B, AF_UNIX", Unit.US, r -> r
                .c("unix.rtt.64B").jmp("ListenerBench.unixRtt").py("listener.rtt.64B.unix")
                .target(atMost(0.7, PY, "16")).target(atMost(1.3, C, "16"))
                .note("An accepted, authenticated Connection; C: the same accepted AF_UNIX socket pair."));
        bothPlacements(rows, s, "Listener/Client RTT, 64 B, TCP loopback", Unit.US, r -> r
                .c("tcp.rtt.64B").jmp("ListenerBench.tcpRtt").py("listener.rtt.64B.tcp")
                .target(atMost(0.7, PY, "16"))
                .note("C and jmp set TCP_NODELAY; CPython does not (one send per small message either way)."));
        bothPlacements(rows, s, "Client connect + authenticate + first RTT", Unit.US, r -> r
                .c("unix.connect_rtt.64B").jmp("ListenerBench.connectRtt").py("listener.connect_rtt.64B")
                .target(atMost(1, PY, "16"))
                .note("AF_UNIX path; jmp and CPython run the HMAC handshake both ways, C has no authentication."));

        // ---- Pool (issues 7 and 9) ----
        s = "Pool";
        rows.add(new Row(s, "Pool(2).map identity over 100k ints", "any", Unit.MS)
                .jmp("PoolBench.map100k").py("pool.map.100k")
                .target(atMost(1, PY, "7"))
                .note("CPython: the fork Pool (Linux's default in 3.11), as issue 7 quotes it."));
        rows.add(new Row(s, "Pool(2).map identity over 64 x 1 MiB double[]", "any", Unit.MS)
                .jmp("PoolBench.map64x1MiB").py("pool.map.64x1MiB")
                .target(atMost(0.33, PY, "23"))
                .note("CPython: the fork Pool, items array.array('d') of 1 MiB; default chunksize (8) on both."));
        rows.add(new Row(s, "Pool applyAsync(...).get() round trip", "any", Unit.US)
                .jmp("PoolBench.applyAsyncRoundTrip").py("pool.apply_async")
                .target(atMost(0.5, PY, "7")));
        for (int jdk : jdks) {
            poolStartRows(rows, jdk);
        }

        // ---- Managers (issue 17) ----
        s = "Manager";
        bothPlacements(rows, s, "Manager dict proxy put then get (two calls)", Unit.US, r -> r
                .jmp("ManagerBench.dictPutGet").py("manager.dict.put_get")
                .target(atMost(0.5, PY, "17"))
                .note("The manager's server process is the partner: every thread of it pinned."));
        bothPlacements(rows, s, "Manager list proxy add", Unit.US, r -> r
                .jmp("ManagerBench.listAdd").py("manager.list.append")
                .target(atMost(0.5, PY, "17")));
        rows.add(new Row(s, "Manager() start to first call (spawn)", "any", Unit.MS)
                .jmp("ManagerBench.startToFirstCall").py("manager.first_call.spawn")
                .target(atMost(1.5, PY, "17")));

        // ---- ClusterPool (issue 22): 3 members on this machine, beside the local Pool(2) ----
        s = "ClusterPool";
        rows.add(new Row(s, "ClusterPool(3 local members).map identity over 100k ints", "any", Unit.MS)
                .jmp("ClusterBench.map100k")
                .target(atMost(3, "Pool(2).map identity over 100k ints", "22").shownAs("Pool(2).map"))
                .note("Members are child JVMs on loopback; the pool is a Hazelcast client in the benchmark's JVM."));
        rows.add(new Row(s, "ClusterPool applyAsync(...).get() round trip through a member", "any", Unit.US)
                .jmp("ClusterBench.applyAsyncRoundTrip")
                .note("Beside Pool's applyAsync round trip above; this is also the per-task overhead of the cluster."));
        rows.add(new Row(s, "CPU-bound map, 64 x 50 ms: ClusterPool(3 local members)", "any", Unit.MS)
                .jmp("ClusterBench.cpuMap64x50ms", "pool=cluster")
                .note("On one 2-core machine no speedup over Pool(2) is expected: the 3 members share its 2 cores. "
                        + "Per-task overhead = (this - the Pool(2) row) / 64 tasks, or the round trip row."));
        rows.add(new Row(s, "CPU-bound map, 64 x 50 ms: local Pool(2)", "any", Unit.MS)
                .jmp("ClusterBench.cpuMap64x50ms", "pool=local")
                .note("The same map on the local Pool, same run: 64 x 50 ms of CPU over 2 workers is 1.6 s at best."));
        return rows;
    }

    /** The Process start rows with their jmp column from the JMH run on JDK {@code jdk}. */
    private static void processRows(List<Row> rows, int jdk) {
        String s = "Process";
        String on = ", JDK " + jdk;
        rows.add(new Row(s, "Process start+join, trivial target (spawn)" + on, "any", Unit.MS).jdk(jdk)
                .c("spawn.true").jmp("ProcessBench.startJoin", "startMethod=spawn").py("proc.start_join.spawn")
                .target(atMost(jdk >= 24 ? 1 : 1.3, PY, "19"))
                .note("C: posix_spawn(/bin/true) + waitpid."));
        rows.add(new Row(s, "Process() to the target's first line (spawn)" + on, "any", Unit.MS).jdk(jdk)
                .c("spawn.first_line").jmp("ProcessBench.startToFirstLine", "startMethod=spawn")
                .py("proc.first_line.spawn")
                .target(atMost(1.5, JAVA_HELLO + on, "9").shownAs("java Hello"))
                .note("The child's first line writes a byte to a FIFO whose path the target captured (a plain "
                        + "value: a direct payload, no Java serialization); the parent's clock stops when it reads it."));
        rows.add(new Row(s, "Process() to first line, target capturing an object (spawn)" + on, "any", Unit.MS)
                .jdk(jdk).c("spawn.first_line").jmp("ProcessBench.startToFirstLineSerialized", "startMethod=spawn")
                .py("proc.first_line.spawn")
                .note("No target: the row above with a lambda that captured an object, which goes by Java "
                        + "serialization, so the child pays for ObjectInputStream's first use."));
        rows.add(new Row(s, "Process() to first line of a target that first acquires a Lock (spawn)" + on, "any",
                Unit.MS).jdk(jdk).c("spawn.first_line").jmp("ProcessBench.startToFirstLineAfterLock", "startMethod=spawn")
                .py("proc.first_line.spawn")
                .target(atMost(1.1, "Process() to the target's first line (spawn)" + on, "14")
                        .shownAs("plain first line"))
                .note("The target acquires and releases a Lock it captured (so it goes by Java serialization, as "
                        + "in the row above), then writes its first line: the child loads the native layer and "
                        + "opens a semaphore first."));
        rows.add(new Row(s, JAVA_HELLO + on, "any", Unit.MS).jdk(jdk)
                .c("spawn.true").jmp("ProcessBench.javaHello").py("python.bare_start").reference()
                .note("Yardstick, not jmp: a bare JVM (and a bare interpreter) spawned and waited for."));
        rows.add(new Row(s, "Process start+join (jmp warm / CPython fork)" + on, "any", Unit.MS).jdk(jdk)
                .c("fork.exit").jmp("ProcessBench.startJoin", "startMethod=warm").py("proc.start_join.fork")
                .target(atMost(2, PY, "19"))
                .note("C: fork + _exit + waitpid."));
        rows.add(new Row(s, "Process() to first line (jmp warm / CPython fork)" + on, "any", Unit.MS).jdk(jdk)
                .c("fork.first_line").jmp("ProcessBench.startToFirstLine", "startMethod=warm")
                .py("proc.first_line.fork")
                .target(atMost(1, PY, "9")));
    }

    /** Pool(2) creation to its first result, spawn and warm, on JDK {@code jdk}. */
    private static void poolStartRows(List<Row> rows, int jdk) {
        String s = "Pool";
        String on = ", JDK " + jdk;
        rows.add(new Row(s, "Pool(2) creation to first result (spawn)" + on, "any", Unit.MS).jdk(jdk)
                .jmp("PoolBench.creationToFirstResult", "startMethod=spawn").py("pool.first_result.spawn")
                .target(jdk >= 24 ? atMost(1.2, PY, "19") : atMost(1.5, PY, "14")));
        rows.add(new Row(s, "Pool(2) creation to first result (jmp warm / CPython fork)" + on, "any", Unit.MS)
                .jdk(jdk).jmp("PoolBench.creationToFirstResult", "startMethod=warm").py("pool.first_result.fork")
                .target(atMost(1, PY, "9")));
    }

    /** The same operation with both processes on CPU 0, and with the partner on CPU 1. */
    private static void bothPlacements(List<Row> rows, String section, String name, Unit unit, Consumer<Row> spec) {
        for (String placement : new String[] {"same", "split"}) {
            Row r = new Row(section, name, placement, unit);
            spec.accept(r);
            rows.add(r);
        }
    }
}
