package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A signaller goes on when a sleeper's process is SIGKILLed inside a wait (in CPython
 * it waits forever): one child sleeps, in five threads, in a Condition that gets
 * {@code signal()}, a Condition that gets {@code signalAll()} (beside a live sleeper
 * of this process), an Event's wait, a Barrier's wait and a JoinableQueue's join; the
 * child is killed and reaped, and each of them is then signalled.
 */
class DeadSleeperTest {
    private static final Duration LONG = Duration.ofSeconds(30);
    /** A signal that must return: the dead sleeper is found after a slice of its wait. */
    private static final Duration BOUND = Duration.ofSeconds(10);

    @AfterAll
    static void nothingOfOursLeftInDevShm() throws Exception {
        ShmObjects.awaitNoneOf(ProcessHandle.current().pid());
    }

    /** The child: sleeps in all five at once, each in a thread of its own, until it is killed. */
    static void sleepEverywhere(Condition one, Condition all, Event event, Barrier barrier, JoinableQueue<String> queue) {
        List<Thread> threads = List.of(
                new Thread(() -> awaitHolding(one)),
                new Thread(() -> awaitHolding(all)),
                new Thread(() -> event.await(LONG)),
                new Thread(() -> barrier.await(LONG)),
                new Thread(queue::join));
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                System.exit(8);
            }
        }
        System.exit(9);     // not killed in time: the parent has failed already
    }

    private static boolean awaitHolding(Condition c) {
        c.acquire();
        try {
            return c.await(LONG);
        } finally {
            c.release();
        }
    }

    /** The Condition inside an Event, Barrier or JoinableQueue (each keeps it in {@code cond}). */
    private static Condition conditionOf(Object o) throws ReflectiveOperationException {
        java.lang.reflect.Field f = o.getClass().getDeclaredField("cond");
        f.setAccessible(true);
        return (Condition) f.get(o);
    }

    /** Waits until {@code n} sleepers are recorded in {@code c}: asleep, and found if they die. */
    private static void awaitRecorded(Condition c, int n) throws InterruptedException {
        long end = System.nanoTime() + LONG.toNanos();
        while (c.recordedSleepers() < n && System.nanoTime() < end) {
            Thread.sleep(1);    // watching shared state, no event to wait on
        }
        assertEquals(n, c.recordedSleepers(), "sleepers recorded in " + c);
    }

    private static void signal(Condition c, boolean all) {
        c.acquire();
        try {
            if (all) {
                c.signalAll();
            } else {
                c.signal();
            }
        } finally {
            c.release();
        }
    }

    @Test
    void signallersGoOnAfterASleepingChildIsKilled() throws Exception {
        Condition one = new Condition();
        Condition all = new Condition();
        Event event = new Event();
        Barrier barrier = new Barrier(2);
        JoinableQueue<String> queue = new JoinableQueue<>();
        queue.put("task");
        Process child = new Process(() -> sleepEverywhere(one, all, event, barrier, queue));
        child.start();
        try {
            for (Condition c : List.of(one, all, conditionOf(event), conditionOf(barrier), conditionOf(queue))) {
                awaitRecorded(c, 1);
            }
            CompletableFuture<Boolean> live = CompletableFuture.supplyAsync(() -> awaitHolding(all));
            awaitRecorded(all, 2);
            child.kill();
            child.join();
            assertEquals(-9, child.exitcode());

            assertTimeoutPreemptively(BOUND, () -> signal(one, false));
            assertEquals(0, one.recordedSleepers(), "the dead sleeper's record is gone");
            assertTimeoutPreemptively(BOUND, () -> signal(one, true));   // nobody left: returns at once

            assertTimeoutPreemptively(BOUND, () -> signal(all, true));
            assertTrue(live.get(BOUND.toSeconds(), TimeUnit.SECONDS), "the live sleeper was woken, not timed out");

            assertTimeoutPreemptively(BOUND, event::set);
            assertTrue(event.await(Duration.ZERO));

            assertTimeoutPreemptively(BOUND, barrier::abort);
            assertTrue(barrier.broken());

            assertEquals("task", queue.get(LONG));
            assertTimeoutPreemptively(BOUND, queue::taskDone);
            assertTimeoutPreemptively(BOUND, queue::join);
        } finally {
            if (child.exitcode() == null) {
                child.kill();
                child.join();
            }
        }
    }
}
