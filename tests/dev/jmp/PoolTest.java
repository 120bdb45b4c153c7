package dev.jmp;

import static dev.jmp.TaskPoolContract.drain;
import static dev.jmp.TaskPoolContract.failOn;
import static dev.jmp.TaskPoolContract.frames;
import static dev.jmp.TaskPoolContract.sleep;
import static dev.jmp.TaskPoolContract.sqr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Pool across real worker JVMs: what is particular to worker processes (their names,
 * pids, deaths, recycling, kernel objects, the lazy reading of imap's input, closing).
 * What any TaskPool must do is {@link TaskPoolContract}'s, run on Pool by
 * {@link PoolContractTest}. Most cases share one Pool(2) (a pool costs two JVM
 * starts); the cases about a pool's own life make their own. {@link WarmPoolTest} runs
 * the same under the "warm" start method.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoolTest {
    Pool pool;

    String startMethod() {
        return "spawn";
    }

    @BeforeAll
    void start() {
        Multiprocessing.setStartMethod(startMethod());
        pool = new Pool(2);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            List<Integer> pids = pool.workerPids();
            List<String> names = pool.kernelNames();
            pool.close();
            assertGone(pids, names);
            ShmObjects.awaitNoneOf(ProcessHandle.current().pid());
        } finally {
            Multiprocessing.setStartMethod("spawn");
        }
    }

    // ---- functions run in the workers (static: a lambda must not capture the test) ----

    /** Worker pids and channels are gone: no process, no message queue, no spill directory. */
    static void assertGone(List<Integer> pids, List<String> names) {
        for (int pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "worker " + pid + " alive");
        }
        for (String name : names) {
            PosixException e = assertThrows(PosixException.class, () -> Posix.libc().mq_open(name, Linux.O_RDWR));
            assertEquals(Linux.ENOENT, e.errno(), name);
            assertFalse(Files.exists(Path.of("/dev/shm", name.substring(1))), name);
        }
        for (Process p : Multiprocessing.activeChildren()) {
            assertFalse(p.name().startsWith("PoolWorker-") && pids.contains(p.pid()), p.toString());
        }
    }

    // ---- results and ordering ---------------------------------------------------------

    @Test
    void applyAndApplyAsync() {
        assertEquals(49, pool.apply(() -> sqr(7)));
        AsyncResult<Integer> r = pool.applyAsync(() -> sqr(8));
        assertEquals(64, r.get());
        assertTrue(r.ready());
        assertTrue(r.successful());
        assertEquals(64, r.get(Duration.ofSeconds(1)));
        assertNull(pool.apply(() -> null));
        String name = pool.apply(() -> Multiprocessing.currentProcess().name());
        assertTrue(name.matches("PoolWorker-\\d+"), name);
        assertTrue(pool.apply(() -> Multiprocessing.currentProcess().daemon()));
        assertNotEquals(ProcessHandle.current().pid(), (long) pool.apply(() -> ProcessHandle.current().pid()));
    }

    @Test
    void imapReadsItsInputLazily() {
        AtomicInteger pulled = new AtomicInteger();
        Iterator<Integer> endless = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                return pulled.getAndIncrement();
            }
        };
        Iterator<Integer> results = pool.imap(TaskPoolContract::sqr, () -> endless);
        for (int i = 0; i < 50; i++) {
            assertEquals(i * i, results.next());
        }
        // Reading stops a bounded distance ahead of the consumer (the window: 8 chunks of one item for Pool(2)).
        assertTrue(pulled.get() <= 50 + 8 + 1, "read " + pulled.get() + " items for 50 results");
        assertTrue(pulled.get() >= 50);
    }

    // ---- exceptions ---------------------------------------------------------------------

    @Test
    void uncheckedExceptionAsItselfWithBothStackTraces() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.apply(() -> failOn(3, 3)));
        assertEquals("bad item 3", e.getMessage());
        assertTrue(frames(e.getStackTrace()).contains("TaskPoolContract.failOn"), "worker's stack: " + frames(e.getStackTrace()));
        assertEquals(1, e.getSuppressed().length);
        Throwable site = e.getSuppressed()[0];
        assertInstanceOf(ProcessError.class, site);
        assertTrue(site.getMessage().contains("PoolWorker-"), site.getMessage());
        assertTrue(frames(site.getStackTrace()).contains("PoolTest.uncheckedExceptionAsItselfWithBothStackTraces"));
    }

    // ---- a pool's own life ------------------------------------------------------------

    @Test
    void aDeadWorkerFailsOnlyItsTaskAndIsReplaced() throws Exception {
        try (Pool p = new Pool(2)) {
            List<Integer> before = p.workerPids();
            // Killed by itself mid-task.
            ProcessError e = assertThrows(ProcessError.class, () -> p.apply(() -> {
                Runtime.getRuntime().halt(7);
                return 0;
            }));
            assertTrue(e.getMessage().contains("exitcode 7"), e.getMessage());
            assertTrue(e.getMessage().matches(".*PoolWorker-\\d+ \\(pid \\d+\\).*"), e.getMessage());
            // One item of many: only its task fails; the queued ones run elsewhere.
            Iterator<Integer> it = p.imap(x -> {
                if (x == 5) {
                    System.exit(3);
                }
                return x;
            }, IntStream.range(0, 12).boxed().collect(Collectors.toList()));
            for (int i = 0; i < 12; i++) {
                if (i == 5) {
                    ProcessError dead = assertThrows(ProcessError.class, it::next);
                    assertTrue(dead.getMessage().contains("exitcode 3"), dead.getMessage());
                } else {
                    assertEquals(i, it.next());
                }
            }
            // Killed from outside while it runs a task.
            Semaphore started = new Semaphore(0);
            AsyncResult<Integer> r = p.applyAsync(() -> {
                started.release();
                return sleep(60_000);
            });
            started.acquire();
            for (int pid : p.workerPids()) {
                Posix.libc().kill(pid, Linux.SIGKILL);
            }
            e = assertThrows(ProcessError.class, () -> r.get(Duration.ofSeconds(30)));
            assertTrue(e.getMessage().contains("exitcode -9"), e.getMessage());
            assertEquals(List.of(1, 4, 9), p.map(TaskPoolContract::sqr, List.of(1, 2, 3)));
            assertEquals(2, p.workerPids().size());
            for (int pid : before) {
                assertFalse(p.workerPids().contains(pid));
            }
        }
    }

    static String initialized() {
        return System.getProperty("jmp.test.pool.init", "no") + " " + ProcessHandle.current().pid();
    }

    @Test
    void maxtasksperchildRecyclesWorkersEachInitializedOnce() throws Exception {
        List<String> seen = new ArrayList<>();
        try (Pool p = new Pool(1, () -> System.setProperty("jmp.test.pool.init",
                System.getProperty("jmp.test.pool.init", "") + "init"), 2)) {
            for (int i = 0; i < 6; i++) {
                seen.add(p.apply(PoolTest::initialized));
            }
            // A worker exits right after its second result: nothing it sent is lost.
            List<Integer> in = IntStream.range(0, 10).boxed().collect(Collectors.toList());
            assertEquals(in, p.map(x -> x, in, 5));
        }
        Set<String> pids = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            String[] f = seen.get(i).split(" ");
            assertEquals("init", f[0], "initializer ran once before the tasks");
            pids.add(f[1]);
            if (i % 2 == 1) {
                assertEquals(seen.get(i - 1), seen.get(i), "two tasks per worker");
            }
        }
        assertEquals(3, pids.size(), seen.toString());
    }

    @Test
    void aFailingInitializerBreaksThePoolWithoutHanging() {
        try (Pool p = new Pool(1, () -> {
            throw new IllegalStateException("init failed");
        })) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> p.apply(() -> 1));
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            assertEquals("init failed", root.getMessage(), e.toString());
            assertThrows(IllegalStateException.class, () -> p.apply(() -> 1));
        }
    }

    @Test
    void workersThatCannotStartBreakThePoolWithoutHanging() {
        String java = Multiprocessing.executable();
        Multiprocessing.setExecutable("/bin/false");
        try (Pool p = new Pool(1)) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> p.apply(() -> 1).intValue());
            String text = e + " " + e.getCause();
            assertTrue(text.contains("exited before they were ready"), text);
        } finally {
            Multiprocessing.setExecutable(java);
        }
    }

    @Test
    void closeFinishesQueuedWorkThenRefuses() {
        Pool p = new Pool(1);
        List<Integer> pids = p.workerPids();
        List<String> names = p.kernelNames();
        assertThrows(IllegalStateException.class, p::join);
        AsyncResult<Integer> slow = p.applyAsync(() -> sleep(300));
        AsyncResult<List<Integer>> queued = p.mapAsync(TaskPoolContract::sqr, List.of(1, 2, 3), 1);
        p.close();
        assertTrue(slow.ready());
        assertEquals(300, slow.get());
        assertEquals(List.of(1, 4, 9), queued.get());
        assertGone(pids, names);
        assertThrows(IllegalStateException.class, () -> p.apply(() -> 1));
        assertThrows(IllegalStateException.class, () -> p.map(TaskPoolContract::sqr, List.of(1)));
        assertThrows(IllegalStateException.class, () -> p.imap(TaskPoolContract::sqr, List.of(1)));
        p.join();
        assertTrue(p.toString().contains("state=CLOSE"), p.toString());
        p.close();
        p.terminate();
    }

    @Test
    void terminateFailsUnfinishedWorkAtOnce() {
        Pool p = new Pool(1);
        List<Integer> pids = p.workerPids();
        List<String> names = p.kernelNames();
        Semaphore started = new Semaphore(0);
        AsyncResult<Integer> running = p.applyAsync(() -> {
            started.release();
            return sleep(60_000);
        });
        AsyncResult<Integer> queued = p.applyAsync(() -> 1);
        Iterator<Integer> endless = p.imap(x -> x, () -> IntStream.iterate(0, i -> i + 1).iterator());
        started.acquire();
        long t0 = System.nanoTime();
        p.terminate();
        assertTrue(System.nanoTime() - t0 < 20_000_000_000L);
        assertThrows(ProcessError.class, running::get);
        assertThrows(ProcessError.class, queued::get);
        assertThrows(ProcessError.class, () -> drain(endless));
        assertGone(pids, names);
        p.join();
        assertTrue(p.toString().contains("state=TERMINATE"), p.toString());
        assertThrows(IllegalStateException.class, () -> p.apply(() -> 1));
    }

    @Test
    void tryWithResourcesLeavesNothing() throws InterruptedException {
        List<Integer> pids;
        List<String> names;
        try (Pool p = new Pool()) {
            // An abandoned endless imap does not keep close() waiting.
            Iterator<Integer> it = p.imap(x -> x, () -> IntStream.iterate(0, i -> i + 1).iterator());
            assertEquals(0, it.next());
            // Spawned workers boot in turn (Engine.BOOTS_AT_ONCE): all of them, soon.
            long end = System.nanoTime() + 60_000_000_000L;
            while (p.workerPids().size() < Multiprocessing.cpuCount()) {
                assertTrue(System.nanoTime() < end, "not every worker started: " + p.workerPids());
                Thread.sleep(10);   // polling a count that only grows, with a deadline
            }
            pids = p.workerPids();
            names = p.kernelNames();
            assertEquals(Multiprocessing.cpuCount(), pids.size());
        }
        assertGone(pids, names);
    }

    @Test
    void anUnreachablePoolIsTerminated() throws Exception {
        List<Integer> pids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        forgetAPool(pids, names);
        long end = System.nanoTime() + 30_000_000_000L;
        while (pids.stream().anyMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                || names.stream().anyMatch(n -> Files.exists(Path.of("/dev/shm", n.substring(1))))) {
            assertTrue(System.nanoTime() < end, "an unreachable pool was not terminated");
            System.gc();
            Thread.sleep(50);
        }
        assertGone(pids, names);
    }

    private static void forgetAPool(List<Integer> pids, List<String> names) {
        Pool p = new Pool(1);
        assertEquals(2, p.apply(() -> 2));     // a finished result does not keep it
        pids.addAll(p.workerPids());
        names.addAll(p.kernelNames());
    }

    /** As CPython's: 0, negative: refused; null (Python's None): no limit. */
    @Test
    void test_pool_maxtasksperchild_invalid() {
        for (int value : new int[] {0, -1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Pool(3, null, value));
            assertTrue(e.getMessage().contains("maxtasksperchild must be a positive int or null"), e.getMessage());
        }
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> new Pool(0));
        assertThrows(IllegalArgumentException.class, () -> new Pool(1, null, -1));
        TaskPoolContract.Opaque o = new TaskPoolContract.Opaque(0);
        assertThrows(IllegalArgumentException.class, () -> new Pool(1, () -> System.out.print(o.v)));
        assertThrows(NullPointerException.class, () -> pool.apply(null));
    }

    @Test
    void toStringAsPythonsRepr() {
        assertEquals("<Pool state=RUN pool_size=2>", pool.toString());
    }

    /**
     * Workers boot in turn where the CPUs are few (Engine.BOOTS_AT_ONCE), but never wait
     * for one another for good: workers whose initializer waits for its peers all start,
     * and tasks that wait for each other each get a worker.
     */
    @Test
    void workersThatWaitForEachOtherAllStart() throws Exception {
        Barrier initialized = new Barrier(2);
        try (Pool p = new Pool(2, () -> initialized.await(Duration.ofSeconds(60)))) {
            Barrier together = new Barrier(2);
            AsyncResult<Integer> a = p.applyAsync(() -> together.await(Duration.ofSeconds(60)));
            AsyncResult<Integer> b = p.applyAsync(() -> together.await(Duration.ofSeconds(60)));
            // One task got index 0 of the barrier and the other 1: they ran at the same time.
            assertEquals(1, a.get(Duration.ofSeconds(90)) + b.get(Duration.ofSeconds(90)));
            assertEquals(2, p.workerPids().size());
        }
    }
}
