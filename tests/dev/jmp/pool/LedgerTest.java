package dev.jmp.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.ProcessError;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The pool's scheduling without a process: fake lanes stand for the workers' task
 * channels (a test "receives" a frame as a worker would), fake jobs record what they
 * are delivered. Every case checks that each task ends exactly once.
 */
class LedgerTest {
    static final byte[] FUNC = {42};

    /** A worker's task channel: frames in order, at most {@code capacity}. */
    static final class FakeLane implements Ledger.Lane {
        final ArrayDeque<byte[]> frames = new ArrayDeque<>();
        final int capacity;
        int stops;
        boolean broken;

        FakeLane(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public boolean offer(byte[] frame) {
            if (broken) {
                throw new IllegalStateException("channel gone");
            }
            if (frames.size() >= capacity) {
                return false;
            }
            frames.add(frame);
            return true;
        }

        @Override
        public byte[] poll() {
            return frames.poll();
        }

        @Override
        public void stop() {
            stops++;
            frames.add(Frames.marker(Frames.STOP));
        }

        /** What the worker does: takes the next frame. */
        Frames.Task receive() {
            byte[] f = frames.poll();
            assertNotNull(f, "nothing in the lane");
            return Frames.readTask(f);
        }
    }

    /** A job that records each task's outcome, and fails if one is delivered twice. */
    static final class Recording implements Job {
        final long id;
        final Map<Integer, Outcome> got = new HashMap<>();

        Recording(long id) {
            this.id = id;
        }

        @Override
        public long id() {
            return id;
        }

        @Override
        public void deliver(int index, Outcome o) {
            assertNull(got.put(index, o), "task " + index + " delivered twice");
        }

        Ledger.Chunk chunk(int index) {
            return new Ledger.Chunk(this, index, Frames.MAP, FUNC, new byte[] {(byte) index});
        }

        List<Ledger.Chunk> chunks(int n) {
            List<Ledger.Chunk> l = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                l.add(chunk(i));
            }
            return l;
        }
    }

    /** {@code ledger} with worker "A" on {@code lane} in slot 0, sent what it can take of {@code tasks} tasks of {@code job}. */
    static Ledger started(Ledger ledger, FakeLane lane, Recording job, int tasks) {
        ledger.open(0, "A", lane);
        ledger.queueAll(job.chunks(tasks));
        ledger.dispatch();
        return ledger;
    }

    static int index(Frames.Task t) {
        return t.frame()[t.argsAt()];
    }

    @Test
    void sendsAtMostInFlightPerWorkerTheLeastBusyFirstAndTheFunctionOncePerJob() {
        Ledger ledger = new Ledger(2, 2, 0);
        FakeLane a = new FakeLane(4);
        FakeLane b = new FakeLane(4);
        ledger.open(0, "A", a);
        ledger.open(1, "B", b);
        Recording job = new Recording(1);
        ledger.queueAll(job.chunks(5));
        ledger.dispatch();
        assertEquals(2, a.frames.size());
        assertEquals(2, b.frames.size());
        assertEquals(1, ledger.pendingCount());
        assertEquals(4, ledger.runningCount());
        Frames.Task first = a.receive();
        assertEquals(0, index(first));
        assertArrayEquals(FUNC, first.func());
        Frames.Task second = a.receive();
        assertEquals(2, index(second));     // 0 to A, 1 to B (least busy), 2 to A
        assertNull(second.func(), "the function travels once per job and worker");
        // A answers task 0: it has room, the fifth task goes to it.
        assertTrue(ledger.complete(first.seq(), true, new byte[0]));
        ledger.dispatch();
        assertEquals(0, ledger.pendingCount());
        assertTrue(job.got.get(0).ok());
        assertEquals(4, index(a.receive()));
        assertFalse(ledger.complete(first.seq(), true, new byte[0]), "a result counts once");
    }

    @Test
    void anIdleWorkerStealsWhatABusyOneHasNotReceivedInOrder() {
        FakeLane a = new FakeLane(4);
        FakeLane b = new FakeLane(4);
        Recording job = new Recording(1);
        Ledger ledger = started(new Ledger(2, 2, 0), a, job, 2);
        Frames.Task running = a.receive();      // A runs task 0; task 1 waits in its lane
        ledger.open(1, "B", b);                 // B arrives idle: it takes task 1 from A's lane
        ledger.dispatch();
        assertTrue(a.frames.isEmpty());
        Frames.Task stolen = b.receive();
        assertEquals(1, index(stolen));
        assertArrayEquals(FUNC, stolen.func());
        // A's next task carries the function again: the frame taken back may have carried it.
        Recording next = new Recording(2);
        ledger.queue(next.chunk(0));
        ledger.dispatch();                      // A and B hold one each: the lower slot takes it
        assertArrayEquals(FUNC, a.receive().func());
        ledger.complete(running.seq(), true, new byte[0]);
        ledger.complete(stolen.seq(), true, new byte[0]);
        assertEquals(2, job.got.size());
    }

    @Test
    void aBigChunksFirstFrameIsItsOwnArrayAndALaterOneACopy() {
        FakeLane a = new FakeLane(4);
        FakeLane b = new FakeLane(4);
        Recording job = new Recording(1);
        int room = Frames.room(FUNC);
        byte[] big = new byte[room + Frames.IN_PLACE_MIN];
        for (int i = room; i < big.length; i++) {
            big[i] = (byte) i;
        }
        byte[] arguments = java.util.Arrays.copyOfRange(big, room, big.length);
        byte[] big2 = big.clone();
        Ledger ledger = new Ledger(2, 2, 0);
        ledger.open(0, "A", a);
        ledger.queue(new Ledger.Chunk(job, 0, Frames.MAP, FUNC, big2, room));
        ledger.queue(new Ledger.Chunk(job, 1, Frames.MAP, FUNC, big, room));
        ledger.dispatch();
        assertTrue(a.receive().frame() == big2, "written around the arguments, not copied");
        byte[] first = a.frames.peek();
        assertTrue(first == big, "the next chunk too, with the function again");
        Frames.Task t = Frames.readTask(first);
        assertArrayEquals(FUNC, t.func());
        assertArrayEquals(arguments, java.util.Arrays.copyOfRange(t.frame(), t.argsAt(), t.frame().length));
        // B arrives idle and takes chunk 1 from A's lane: its second frame is a copy, the arguments intact.
        ledger.open(1, "B", b);
        ledger.dispatch();
        byte[] second = b.frames.peek();
        assertTrue(second != big, "a later frame is a copy");
        Frames.Task u = b.receive();
        assertArrayEquals(FUNC, u.func(), "B lacks the function");
        assertArrayEquals(arguments, java.util.Arrays.copyOfRange(u.frame(), u.argsAt(), u.frame().length));
        // A small chunk is copied behind its header even with room, and the function goes once.
        Recording small = new Recording(2);
        byte[] one = new byte[room + 1];
        ledger.queue(new Ledger.Chunk(small, 0, Frames.MAP, FUNC, one, room));
        ledger.queue(new Ledger.Chunk(small, 1, Frames.MAP, FUNC, one.clone(), room));
        ledger.dispatch();
        List<Frames.Task> got = new ArrayList<>();
        for (FakeLane lane : List.of(a, b)) {
            while (!lane.frames.isEmpty()) {
                got.add(lane.receive());
            }
        }
        assertEquals(2, got.size());
        for (Frames.Task s : got) {
            assertEquals(1, s.frame().length - s.argsAt(), "the argument, copied behind the header");
            assertEquals(Frames.TASK_HEADER + (s.func() == null ? 0 : FUNC.length) + 1, s.frame().length);
        }
        ledger.complete(u.seq(), true, new byte[0]);
        for (Frames.Task s : got) {
            ledger.complete(s.seq(), true, new byte[0]);
        }
        assertEquals(1, job.got.size());    // chunk 0, which A runs, is not answered here
        assertEquals(2, small.got.size());
    }

    @Test
    void aTaskThatArrivedWithoutItsFunctionIsResentWithIt() {
        FakeLane a = new FakeLane(4);
        FakeLane b = new FakeLane(4);
        Recording job = new Recording(1);
        Ledger ledger = started(new Ledger(2, 2, 0), a, job, 2);
        // The race: the pool takes back task 0's frame (with the function) for an idle
        // worker while A is receiving task 1's frame (without it).
        byte[] withFunction = a.frames.poll();
        Frames.Task bare = a.receive();
        assertNull(bare.func());
        a.frames.add(withFunction);
        ledger.open(1, "B", b);
        ledger.dispatch();                      // B steals task 0
        assertEquals(0, index(b.receive()));
        ledger.resend(bare.seq());              // A asks for task 1 again
        ledger.dispatch();
        Frames.Task again = a.receive();        // A is the least busy now
        assertEquals(1, index(again));
        assertArrayEquals(FUNC, again.func());
        assertTrue(job.got.isEmpty());
        assertEquals(2, ledger.runningCount());
    }

    @Test
    void anExitFailsWhatTheWorkerReceivedAndRequeuesTheRestInOrder() {
        Ledger ledger = new Ledger(1, 3, 0);
        FakeLane a = new FakeLane(4);
        Ledger.Account acc = ledger.open(0, "PoolWorker-1 (pid 7)", a);
        Recording job = new Recording(1);
        ledger.queueAll(job.chunks(4));
        ledger.dispatch();
        a.receive();                            // task 0 is running when the worker dies
        int failed = ledger.close(acc, Outcome.processError("worker PoolWorker-1 (pid 7) exited with exitcode -9", null));
        assertEquals(1, failed);
        ProcessError e = assertThrows(ProcessError.class, () -> job.got.get(0).value());
        assertTrue(e.getMessage().contains("pid 7"), e.getMessage());
        assertTrue(ledger.vacant(0));
        assertEquals(3, ledger.pendingCount());
        FakeLane b = new FakeLane(4);
        ledger.open(0, "PoolWorker-2", b);
        ledger.dispatch();
        Frames.Task t = b.receive();
        assertEquals(1, index(t));
        assertArrayEquals(FUNC, t.func());
        assertEquals(2, index(b.receive()));
        assertEquals(3, index(b.receive()));
    }

    @Test
    void maxtasksLimitsWhatOneWorkerIsSent() {
        Ledger ledger = new Ledger(1, 2, 3);
        FakeLane a = new FakeLane(4);
        ledger.open(0, "A", a);
        Recording job = new Recording(1);
        ledger.queueAll(job.chunks(5));
        for (int i = 0; i < 3; i++) {
            ledger.dispatch();
            Frames.Task t = a.receive();
            ledger.complete(t.seq(), true, new byte[0]);
        }
        ledger.dispatch();
        assertTrue(a.frames.isEmpty(), "a worker gets no more than maxtasks");
        assertEquals(2, ledger.pendingCount());
    }

    @Test
    void aStopTakenBackGoesBackLast() {
        FakeLane a = new FakeLane(4);
        Recording job = new Recording(1);
        Ledger ledger = started(new Ledger(2, 3, 0), a, job, 2);
        a.stop();
        a.receive();
        ledger.open(1, "B", new FakeLane(4));
        ledger.dispatch();
        assertEquals(1, a.frames.size());
        assertEquals(Frames.STOP, Frames.kind(a.frames.peek()));
        assertEquals(2, a.stops);
    }

    @Test
    void aJobIsWithdrawnOnlyWhileNoneOfItsTasksHasBeenSent() {
        Ledger ledger = new Ledger(1, 2, 0);
        FakeLane a = new FakeLane(4);
        ledger.open(0, "A", a);
        Recording sent = new Recording(1);
        Recording queued = new Recording(2);
        ledger.queueAll(sent.chunks(3));
        ledger.queueAll(queued.chunks(2));
        ledger.dispatch();                      // two of the first job are sent, the rest wait
        assertFalse(ledger.withdraw(sent, Outcome.cancelled()), "one of its tasks is running");
        assertEquals(3, ledger.pendingCount());
        assertTrue(ledger.withdraw(queued, Outcome.cancelled()));
        assertEquals(1, ledger.pendingCount());
        assertEquals(2, queued.got.size());
        assertTrue(queued.got.get(0).isCancellation());
        assertThrows(java.util.concurrent.CancellationException.class, () -> queued.got.get(1).value());
        assertFalse(ledger.withdraw(queued, Outcome.cancelled()), "nothing left to withdraw");
        assertTrue(sent.got.isEmpty());
    }

    @Test
    void aTaskThatCannotBeSentFailsAloneAndTerminateFailsTheRest() {
        Ledger ledger = new Ledger(1, 2, 0);
        FakeLane a = new FakeLane(4);
        ledger.open(0, "A", a);
        Recording job = new Recording(1);
        a.broken = true;
        ledger.queue(job.chunk(0));
        ledger.dispatch();
        ProcessError e = assertThrows(ProcessError.class, () -> job.got.get(0).value());
        assertTrue(e.getMessage().contains("could not be sent to A"), e.getMessage());
        a.broken = false;
        ledger.queueAll(List.of(job.chunk(1), job.chunk(2), job.chunk(3)));
        ledger.dispatch();
        ledger.failAll(Outcome.processError("terminated", null));
        assertTrue(ledger.idle());
        assertEquals(4, job.got.size());
        for (int i = 1; i < 4; i++) {
            int k = i;
            assertThrows(ProcessError.class, () -> job.got.get(k).value());
        }
    }
}
