package dev.jmp.pool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pool's bookkeeping of tasks: which are queued, which worker holds which, and
 * what moves where when a result arrives, a worker asks for a function again, an idle
 * worker steals, or a worker exits. Pure logic: no thread, no process, no kernel
 * object. It sees a worker's task channel only as a {@link Lane} (send without
 * waiting, take back what is still in it), so its tests drive it with fake lanes and
 * hand-made frames; {@link Engine} owns the threads, the processes and the lock.
 *
 * <h2>The states of a task ({@link Chunk})</h2>
 * <pre>
 *   queue(...) --> pending --dispatch--> running (held by one account, frame in its lane)
 *                    ^  ^                   |  |  |
 *                    |  +-- take back ------+  |  +-- complete(seq): delivered to its job
 *                    |      (steal, exit)      |
 *                    +------ resend(seq) ------+  (arrived without its function)
 *                    exit: what the worker had received fails with a ProcessError
 * </pre>
 * A task is in exactly one place, so every task gets exactly one outcome.
 *
 * <h2>Why take-back is one operation</h2>
 * Stealing (an idle worker takes the frames a busy one has not received) and a
 * worker's exit (its unreceived frames go to others) both drain the worker's lane:
 * a message queue hands each frame to exactly one receiver, so whatever is drained
 * was never received and can run elsewhere, at the front of the queue in its original
 * order. The two differ only in what follows: after a steal the worker goes on (and
 * must be sent its function again, since the frame carrying it may have been taken);
 * after an exit, what it still holds was received and fails.
 *
 * <p>Not thread-safe: every method is called with the owner's lock held.
 */
final class Ledger {

    /** A worker's task channel as the ledger uses it. */
    interface Lane {
        /** Sends a frame without waiting: false if there is no room; throws if the channel fails. */
        boolean offer(byte[] frame);

        /** A frame still in the channel (not received by the worker), or null. */
        byte[] poll();

        /** Tells the worker to stop after what it holds (a STOP frame), or makes sure it ends. */
        void stop();
    }

    /** One task: an apply, or one chunk of a map or imap. */
    static final class Chunk {
        final Job job;
        final int index;
        final byte mode;
        final byte[] func;
        final byte[] args;
        final int argsAt;       // where the arguments start in args: after room for a frame's header
        boolean framed;         // args has been a frame already: later frames copy the arguments out
        long seq;
        Account holder;

        Chunk(Job job, int index, byte mode, byte[] func, byte[] args) {
            this(job, index, mode, func, args, 0);
        }

        Chunk(Job job, int index, byte mode, byte[] func, byte[] args, int argsAt) {
            this.job = job;
            this.index = index;
            this.mode = mode;
            this.func = func;
            this.args = args;
            this.argsAt = argsAt;
        }
    }

    /** What one worker holds: the tasks sent to its lane and not yet answered. */
    static final class Account {
        final int slot;
        final String label;
        final Lane lane;
        final ArrayDeque<Chunk> held = new ArrayDeque<>();
        int sent;               // tasks sent to it in its life, for maxtasks
        long lastJob = -1;      // the job whose function it has (it keeps one)
        boolean exitSeen;       // its sentinel fired: it takes nothing more

        Account(int slot, String label, Lane lane) {
            this.slot = slot;
            this.label = label;
            this.lane = lane;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private final int inFlight;
    private final int maxtasks;
    private final Account[] slots;
    private final ArrayDeque<Chunk> pending = new ArrayDeque<>();
    private final Map<Long, Chunk> running = new HashMap<>();
    private long nextSeq;

    /**
     * {@code slots} workers at most, each holding at most {@code inFlight} tasks;
     * {@code maxtasks} tasks per worker life (0: no limit).
     */
    Ledger(int slots, int inFlight, int maxtasks) {
        this.slots = new Account[slots];
        this.inFlight = inFlight;
        this.maxtasks = maxtasks;
    }

    // ---- workers ----------------------------------------------------------------------

    /** A new worker in an empty slot. */
    Account open(int slot, String label, Lane lane) {
        if (slots[slot] != null) {
            throw new IllegalStateException("slot " + slot + " is taken by " + slots[slot]);
        }
        Account a = new Account(slot, label, lane);
        slots[slot] = a;
        return a;
    }

    /** True if the slot has no worker. */
    boolean vacant(int slot) {
        return slots[slot] == null;
    }

    /**
     * The worker has exited and every result it sent has been settled: its unreceived
     * tasks go back to the front of the queue, the ones it received fail with
     * {@code failure}; its slot is empty again. Returns how many failed.
     */
    int close(Account a, Outcome failure) {
        a.exitSeen = true;
        takeBack(a);
        int failed = a.held.size();
        for (Chunk c : a.held) {
            running.remove(c.seq);
            c.job.deliver(c.index, failure);
        }
        a.held.clear();
        if (slots[a.slot] == a) {
            slots[a.slot] = null;
        }
        return failed;
    }

    // ---- tasks ------------------------------------------------------------------------

    void queue(Chunk c) {
        pending.add(c);
    }

    void queueAll(List<Chunk> chunks) {
        pending.addAll(chunks);
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    /** No task queued or running. */
    boolean idle() {
        return pending.isEmpty() && running.isEmpty();
    }

    int pendingCount() {
        return pending.size();
    }

    int runningCount() {
        return running.size();
    }

    /** The task's result arrived: it is delivered to its job. False if the task had already ended otherwise. */
    boolean complete(long seq, boolean ok, byte[] value) {
        return complete(seq, ok, value, 0);
    }

    /** As {@link #complete(long, boolean, byte[])}, the value from {@code offset} on in {@code value}. */
    boolean complete(long seq, boolean ok, byte[] value, int offset) {
        Chunk c = running.remove(seq);
        if (c == null) {
            return false;       // failed already (terminate, a broken pool)
        }
        c.holder.held.remove(c);
        c.job.deliver(c.index, Outcome.remote(ok, value, offset, c.holder.label));
        return true;
    }

    /** As {@link #complete(long, boolean, byte[])} for a successful value already decoded. */
    boolean completeDecoded(long seq, Object value) {
        Chunk c = running.remove(seq);
        if (c == null) {
            return false;
        }
        c.holder.held.remove(c);
        c.job.deliver(c.index, Outcome.decoded(value, c.holder.label));
        return true;
    }

    /**
     * A worker received a task whose function it does not have: a steal took back the
     * frame that carried it while the worker was receiving the next one. The task goes
     * back to the front of the queue, and the worker's next task carries the function.
     */
    void resend(long seq) {
        Chunk c = running.remove(seq);
        if (c == null) {
            return;
        }
        Account a = c.holder;
        a.held.remove(c);
        a.sent--;
        a.lastJob = -1;
        pending.addFirst(c);
    }

    /**
     * Takes the job's tasks out of the queue, if none of them has been sent: they end
     * with {@code o}. False (nothing changes) if one is running or none is queued.
     */
    boolean withdraw(Job job, Outcome o) {
        for (Chunk c : running.values()) {
            if (c.job == job) {
                return false;
            }
        }
        List<Chunk> mine = new ArrayList<>();
        pending.removeIf(c -> c.job == job && mine.add(c));
        for (Chunk c : mine) {
            c.job.deliver(c.index, o);
        }
        return !mine.isEmpty();
    }

    /** Every queued task fails with {@code o}. */
    void failPending(Outcome o) {
        for (Chunk c : pending) {
            c.job.deliver(c.index, o);
        }
        pending.clear();
    }

    /** Every queued and running task fails with {@code o}. */
    void failAll(Outcome o) {
        failPending(o);
        for (Chunk c : running.values()) {
            c.job.deliver(c.index, o);
            c.holder.held.remove(c);
        }
        running.clear();
    }

    // ---- dispatching --------------------------------------------------------------------

    /**
     * Sends queued tasks to the workers with room, the least busy first (the lowest
     * slot among equals); then lets idle workers take the tasks waiting behind another
     * worker's running one, and sends those.
     */
    void dispatch() {
        while (true) {
            while (!pending.isEmpty()) {
                Account best = null;
                for (Account a : slots) {
                    if (canTake(a) && (best == null || a.held.size() < best.held.size())) {
                        best = a;
                    }
                }
                if (best == null) {
                    return;
                }
                send(best, pending.poll());
            }
            if (!steal()) {
                return;
            }
        }
    }

    private boolean canTake(Account a) {
        return a != null && !a.exitSeen && a.held.size() < inFlight && (maxtasks == 0 || a.sent < maxtasks);
    }

    /**
     * Queue empty. A task sent to a busy worker waits behind its running one, maybe for
     * long, while another worker may be idle (the price of sending ahead). If a worker
     * is idle, what a busy worker has not received is taken back, to go to the idle one.
     * Nothing is lost or run twice (see the class comment). The busy worker may
     * meanwhile have received the frame after the one carrying its function: it asks
     * for it again ({@link #resend}).
     */
    private boolean steal() {
        boolean idle = false;
        for (Account a : slots) {
            if (canTake(a) && a.held.isEmpty()) {
                idle = true;
                break;
            }
        }
        if (!idle) {
            return false;
        }
        for (Account a : slots) {
            if (a != null && !a.exitSeen && a.held.size() > 1 && takeBack(a) > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Drains the account's lane: the tasks in it go back to the front of the queue in
     * their original order, and the worker no longer counts as having a function. A
     * STOP found there is sent again, so it stays last. Returns how many came back.
     */
    private int takeBack(Account a) {
        List<Chunk> back = new ArrayList<>();
        boolean stop = false;
        byte[] f;
        while ((f = a.lane.poll()) != null) {
            if (Frames.kind(f) != Frames.TASK) {
                stop = true;
                continue;
            }
            Chunk c = running.remove(Frames.id(f));
            if (c != null) {
                a.held.remove(c);
                a.sent--;
                back.add(c);
            }
        }
        if (stop && !a.exitSeen) {
            a.lane.stop();
        }
        back.sort(Comparator.comparingLong(c -> c.seq));
        for (int i = back.size() - 1; i >= 0; i--) {
            pending.addFirst(back.get(i));
        }
        a.lastJob = -1;
        return back.size();
    }

    /**
     * A copied frame carries the function only when the worker does not have it yet; a
     * chunk's first frame may be its own arguments' array, written around them in place
     * (with the function: {@link Frames#inPlace}).
     */
    private void send(Account a, Chunk c) {
        long seq = nextSeq++;
        byte[] frame;
        if (!c.framed && c.func != null && c.argsAt == Frames.room(c.func)
                && Frames.inPlace(c.func, c.args.length - c.argsAt)) {
            frame = Frames.taskInPlace(seq, c.job.id(), c.mode, c.func, c.args);
            c.framed = true;
        } else {
            frame = Frames.task(seq, c.job.id(), c.mode, a.lastJob == c.job.id() ? null : c.func, c.args, c.argsAt);
        }
        RuntimeException failure = null;
        boolean sent = false;
        try {
            sent = a.lane.offer(frame);
        } catch (RuntimeException e) {
            failure = e;
        }
        if (!sent) {
            c.job.deliver(c.index, Outcome.processError("the task could not be sent to " + a.label + ": "
                    + (failure != null ? failure : "its channel is full"), failure));
            return;
        }
        c.seq = seq;
        c.holder = a;
        a.lastJob = c.job.id();
        a.sent++;
        a.held.add(c);
        running.put(seq, c);
    }
}
