package dev.jmp.spawn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.BoundedSemaphore;
import dev.jmp.Connection;
import dev.jmp.Lock;
import dev.jmp.Multiprocessing;
import dev.jmp.Pipe;
import dev.jmp.Pool;
import dev.jmp.Process;
import dev.jmp.Queue;
import dev.jmp.RLock;
import dev.jmp.Task;
import dev.jmp.blocking.Deadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Spawned children across real JVMs: a plain Process whose lambda captured plain values
 * arrives as a direct payload (no Java serialization) and is the same Process; any
 * other target still arrives, by Java serialization.
 */
class DirectPayloadChildTest {

    @BeforeAll
    static void spawn() {
        Multiprocessing.setStartMethod("spawn");
    }

    private static void check(boolean ok, int exitcode) {
        if (!ok) {
            System.exit(exitcode);
        }
    }

    private static boolean onStack(Class<?> c) {
        for (StackTraceElement e : new Throwable().getStackTrace()) {
            if (e.getClassName().equals(c.getName())) {
                return true;
            }
        }
        return false;
    }

    @Test
    void anExceptionOfADirectTargetEndsTheChildWithCodeOne() {
        String message = "boom";
        Task target = () -> {
            throw new IllegalStateException(message);
        };
        assertEquals(1, run(new Process(target)));
    }

    private static int run(Process p) {
        p.start();
        p.join();
        int code = p.exitcode();
        p.close();
        return code;
    }

    @Test
    void aLambdaWithPlainCapturesArrivesDirectAndWhole() {
        int n = 42;
        String word = "\u00e9t\u00e9 \ud83d\ude00";
        Long none = null;
        double d = -0.5;
        int parentPid = (int) ProcessHandle.current().pid();
        Task target = () -> {
            check(Bootstrap.readDirectPayload(), 3);
            check(n == 42 && word.equals("\u00e9t\u00e9 \ud83d\ude00") && none == null && d == -0.5, 4);
            Process me = Multiprocessing.currentProcess();
            check(me.name().equals("direct-child") && me.daemon(), 5);
            check(Multiprocessing.parentProcess().pid() == parentPid, 6);
            // On JDK 17 its body is called reflectively, no lambda linked (StaticCall).
            check(StaticCall.available() == onStack(StaticCall.class), 8);
            try {
                me.sentinel();
                System.exit(7);
            } catch (IllegalStateException notStarted) {
                // as in Python: the child's own Process has no sentinel
            }
        };
        Process p = new Process(target, "direct-child");
        p.setDaemon(true);
        assertEquals(0, run(p));
    }

    @Test
    void aWarmChildGetsADirectPayloadToo() throws InterruptedException {
        Multiprocessing.setStartMethod("warm");
        try {
            // Settled: start() takes the first ready child, the first idle one once all are ready.
            assertTrue(WarmStarter.awaitSettled(Deadline.after(Duration.ofSeconds(60))), "the warm children did not settle");
            int idle = WarmStarter.idlePids().get(0);
            String word = "warm";
            char c = 'w';
            Process p = new Process(() -> {
                check(Bootstrap.readDirectPayload(), 3);
                check(word.equals("warm") && c == 'w', 4);
            });
            p.start();
            assertEquals(idle, p.pid().intValue(), "not run by the warm child");
            p.join();
            assertEquals(0, p.exitcode());
            p.close();
        } finally {
            Multiprocessing.setStartMethod("spawn");
        }
    }

    @Test
    void aLambdaCapturingLocksArrivesDirectAndTheyAreTheSameSemaphores() {
        Lock lock = new Lock();
        RLock rlock = new RLock();
        BoundedSemaphore sem = new BoundedSemaphore(2);
        lock.acquire();
        Task target = () -> {
            check(Bootstrap.readDirectPayload(), 3);
            check(!lock.acquire(false), 4);     // the parent holds it
            check(rlock.acquire(false) && rlock.acquire(false), 5);
            rlock.release();
            rlock.release();
            check(sem.acquire(false) && sem.acquire(false) && !sem.acquire(false), 6);
            sem.release();
            sem.release();
        };
        int code;
        try {
            code = run(new Process(target));
        } finally {
            lock.release();
        }
        assertEquals(0, code);
        assertTrue(rlock.acquire(false), "the child released the RLock");
        rlock.release();
    }

    /**
     * A Pipe end and a byte[] captured by a spawned target arrive without Java
     * serialization (a manager's server starts so): the end is the fd posix_spawn handed
     * over, the array an equal copy. Under warm (already running) the end goes by the fd
     * sharer, which only Java serialization reaches.
     */
    @Test
    void aLambdaCapturingAConnectionEndAndBytesArrivesDirect() {
        Pipe pipe = Pipe.open(false);
        Connection out = pipe.conn2();
        byte[] key = {0, 1, -1, 127, -128};
        Task target = () -> {
            check(Bootstrap.readDirectPayload(), 3);
            check(key.length == 5 && key[2] == -1 && key[4] == -128, 4);
            out.sendBytes(key);
            out.close();
        };
        Process p = new Process(target);
        p.start();
        out.close();
        try (Connection in = pipe.conn1()) {
            assertArrayEquals(key, in.recvBytes());
        }
        p.join();
        assertEquals(0, p.exitcode());
        p.close();
    }

    /**
     * A Queue captured by a target arrives without Java serialization, by name, and is
     * the same queue: what the child puts, the parent gets; what the parent put, the
     * child gets; its maxsize holds there too.
     */
    @Test
    void aLambdaCapturingAQueueArrivesDirectAndIsTheSameQueue() {
        Queue<String> q = new Queue<>(2);
        q.put("from the parent");
        Task target = () -> {
            check(Bootstrap.readDirectPayload(), 3);
            check("from the parent".equals(q.get()), 4);
            q.put("one");
            q.put("two");
            try {
                q.putNowait("three");
                System.exit(5);
            } catch (Queue.Full full) {
                // maxsize 2 arrived with it
            }
        };
        try {
            Process p = new Process(target);
            p.start();
            p.join();       // the parent takes nothing before: the child's putNowait meets a full queue
            assertEquals(0, p.exitcode());
            p.close();
            assertEquals("one", q.get());
            assertEquals("two", q.get());
        } finally {
            q.close();
        }
    }

    /** Java serialization keeps one array captured twice one array; a direct payload would make two. */
    @Test
    void aByteArrayCapturedTwiceStillArrivesBySerialization() {
        byte[] shared = {1, 2, 3};
        byte[] same = shared;
        Task target = () -> {
            check(!Bootstrap.readDirectPayload(), 3);
            shared[0] = 9;
            check(same[0] == 9, 4);
        };
        assertEquals(0, run(new Process(target)));
    }

    /**
     * Called by its StaticCall (through JNI or reflection) rather than by the worker loop
     * through a linked lambda, whose frame a stack trace hides. (StaticCall itself is on
     * every worker's stack: it runs the worker loop.)
     */
    private static Boolean viaStaticCall() {
        StackTraceElement[] stack = new Throwable().getStackTrace();
        return !stack[1].getClassName().equals("dev.jmp.pool.WorkerLoop");
    }

    /**
     * A spawned worker's first applies call their static bodies without linking a lambda
     * (StaticCall, where available), and link them once it is no longer young.
     */
    @Test
    void aYoungWorkersFirstAppliesLinkNoLambdaAndLaterOnesDo() {
        try (Pool pool = new Pool(1)) {
            List<Boolean> ways = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ways.add(pool.apply(DirectPayloadChildTest::viaStaticCall));
            }
            assertEquals(StaticCall.available(), ways.get(0), "the first apply");
            assertEquals(false, ways.get(19), "the twentieth apply: " + ways);
        }
    }

    @Test
    void aLambdaCapturingAnObjectStillArrivesBySerialization() {
        List<String> items = new ArrayList<>(List.of("a", "b"));
        Task target = () -> {
            check(!Bootstrap.readDirectPayload(), 3);
            check(items.equals(List.of("a", "b")), 4);
        };
        assertEquals(0, run(new Process(target)));
    }

    @Test
    void aSubclassStillArrivesBySerialization() {
        assertEquals(0, run(new Sub()));
    }

    static final class Sub extends Process {
        private static final long serialVersionUID = 1L;
        private final int field = Integer.parseInt("9");

        @Override
        public void run() {
            check(!Bootstrap.readDirectPayload(), 3);
            check(field == 9, 4);
        }
    }
}
