package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.sync.SharedInts;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Dead-owner locks across real processes: a child holding a Lock, an RLock, a
 * Condition's lock or a Value's lock is SIGKILLed; exactly one waiter gets the lock
 * with an {@link OwnerDiedError} naming the dead pid, and then holds it.
 */
class OwnerDiedTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    @AfterAll
    static void nothingOfOursLeftInDevShm() throws Exception {
        ShmObjects.awaitNoneOf(ProcessHandle.current().pid());
    }

    /** A child: takes the lock ({@code times} deep), says so, and waits to be killed. */
    static void holder(SemLock lock, int times, Semaphore holding, Event never) {
        for (int i = 0; i < times; i++) {
            lock.acquire();
        }
        holding.release();
        never.await(LONG);
        System.exit(9);
    }

    /** Starts a holder, waits until it holds {@code lock}, and returns it. */
    private static Process startHolder(SemLock lock, int times) {
        Semaphore holding = new Semaphore(0);
        Event never = new Event();
        Process p = new Process(() -> holder(lock, times, holding, never));
        p.start();
        assertTrue(holding.acquire(LONG), "the holder did not report in time");
        return p;
    }

    /** Kills {@code p} while another thread of ours waits in {@code acquire}; returns what acquire threw. */
    private static OwnerDiedError killWhileWaiting(Process p, Runnable acquire) throws Exception {
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(acquire);
        assertFalse(waiting.isDone(), "acquired a lock a live process holds");
        p.kill();
        ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
        p.join();
        assertTrue(e.getCause() instanceof OwnerDiedError, "not an OwnerDiedError: " + e.getCause());
        return (OwnerDiedError) e.getCause();
    }

    @Test
    void lockOfAKilledHolderGoesToTheWaiterWithOwnerDiedError() throws Exception {
        Lock lock = new Lock();
        Process p = startHolder(lock, 1);
        int pid = p.pid();
        assertFalse(lock.acquire(false));
        OwnerDiedError e = killWhileWaiting(p, lock::acquire);
        assertEquals(pid, e.deadPid());
        assertTrue(e instanceof ProcessError);
        assertFalse(lock.acquire(false), "after OwnerDiedError the lock is held (by the waiter)");
        lock.release();                      // the waiter thread held it; a Lock releases from any thread
        assertTrue(lock.acquire(Duration.ofSeconds(5)));
        lock.release();
    }

    @Test
    void rlockOfAKilledHolderIsHeldOnceByTheWaiter() {
        RLock lock = new RLock();
        Process p = startHolder(lock, 2);
        int pid = p.pid();
        p.kill();
        p.join();
        OwnerDiedError e = assertThrows(OwnerDiedError.class, lock::acquire);
        assertEquals(pid, e.deadPid());
        lock.acquire();                      // recursive: this thread holds it
        lock.release();
        lock.release();
        assertThrows(IllegalMonitorStateException.class, lock::release);
        assertTrue(lock.acquire(false));
        lock.release();
    }

    @Test
    void valueLockOfAKilledHolder() {
        Value v = new Value('i', 7);
        Process p = startHolder(v.getLock(), 1);
        int pid = p.pid();
        p.kill();
        p.join();
        OwnerDiedError e = assertThrows(OwnerDiedError.class, () -> v.getLock().acquire(LONG));
        assertEquals(pid, e.deadPid());
        v.setValue(8);                       // repair under the lock (an RLock: value() takes it again)
        v.getLock().release();
        assertEquals(8, v.value().intValue());
        // value() holds the lock only for its one read: it takes a dead holder's over quietly.
        Process again = startHolder(v.getLock(), 1);
        again.kill();
        again.join();
        assertEquals(8, v.value().intValue());
        assertTrue(v.getLock().acquire(false), "value() released the lock it took over");
        v.getLock().release();
    }

    /** A child: takes the condition's lock while the parent waits, notifies, says so, waits to be killed. */
    static void notifier(Condition c, Semaphore holding, Event never) {
        c.acquire();
        c.signal();
        holding.release();
        never.await(LONG);
        System.exit(9);
    }

    @Test
    void conditionAwaitReturnsHoldingTheLockOfAKilledNotifier() throws Exception {
        Condition c = new Condition();
        c.acquire();
        c.acquire();                         // an RLock, held twice: both levels come back
        Semaphore holding = new Semaphore(0);
        Event never = new Event();
        Process p = new Process(() -> notifier(c, holding, never));
        p.start();
        CompletableFuture<Void> killer = CompletableFuture.runAsync(() -> {
            assertTrue(holding.acquire(LONG));
            p.kill();
        });
        OwnerDiedError e = assertThrows(OwnerDiedError.class, () -> c.await(LONG));
        killer.get(30, TimeUnit.SECONDS);
        p.join();
        assertEquals(p.pid().intValue(), e.deadPid());
        c.release();
        c.release();
        assertThrows(IllegalMonitorStateException.class, c::release);
        assertTrue(c.acquire(false));
        c.release();
    }

    /** A child: waits for the lock; exits 0 if it got it with OwnerDiedError naming the pid in {@code pids[0]}. */
    static void waiter(Lock lock, SharedInts pids) {
        try {
            lock.acquire(LONG);
            System.exit(2);
        } catch (OwnerDiedError e) {
            if (e.deadPid() != pids.get(0)) {
                System.exit(3);
            }
            lock.release();
            System.exit(0);
        }
    }

    @Test
    void waiterInAnotherChildTakesOver() {
        Lock lock = new Lock();
        SharedInts pids = SharedInts.create(1);
        Process holder = startHolder(lock, 1);
        pids.set(0, holder.pid());
        Process waiter = new Process(() -> waiter(lock, pids));
        waiter.start();
        holder.kill();
        holder.join();
        waiter.join(LONG);
        if (waiter.exitcode() == null) {
            waiter.kill();
            waiter.join();
        }
        assertEquals(0, waiter.exitcode());
        assertTrue(lock.acquire(false), "the waiter released it");
        lock.release();
    }

    @Test
    void semaphoresHaveNoOwner() {
        Semaphore s = new Semaphore(1);
        Process p = startHolder(s, 1);
        p.kill();
        p.join();
        assertFalse(s.acquire(Duration.ofMillis(300)), "a Semaphore keeps CPython's semantics");
    }
}
