package dev.jmp.pool;

import dev.jmp.AsyncResult;
import dev.jmp.Call;
import dev.jmp.Func;
import dev.jmp.InterruptedError;
import dev.jmp.Process;
import dev.jmp.ProcessError;
import dev.jmp.Task;
import dev.jmp.blocking.Deadline;
import dev.jmp.blocking.Interrupts;
import dev.jmp.queue.Codec;
import dev.jmp.resource.AtExit;
import dev.jmp.resource.Log;
import dev.jmp.spawn.Rehearsal;
import dev.jmp.spawn.StartMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Everything behind {@code dev.jmp.Pool}: workers, their channels, the tasks each
 * one holds, and the two threads that keep them moving.
 *
 * <h2>Why each worker has its own task channel</h2>
 * CPython's pool has one task queue shared by all workers, so when a worker dies
 * nobody knows which task it had taken: that task's result never comes, and whoever
 * waits for it waits forever (bpo-22393). Here the pool decides which worker gets which
 * task, by sending it on that worker's own channel, so it always knows what each
 * worker holds. At most {@link #IN_FLIGHT} tasks are sent to a worker at a time: two,
 * so that a worker finishing one finds the next already waiting (it never idles for a
 * round trip to the pool), while the work not yet sent stays in the pool's queue
 * where any worker can take it.
 *
 * <h2>Why a dead worker fails only what it was running</h2>
 * All workers answer on one result channel. A thread (the watcher) polls the workers'
 * sentinels; when one becomes readable the worker has exited, and the watcher puts an
 * EXITED marker on the result channel. The channel is first in, first out, and
 * everything the worker sent went in before it exited, so by the time the result
 * thread reads the marker it has read every result the worker sent: a worker that dies
 * right after sending its last result (a maxtasksperchild worker exits exactly so) loses
 * nothing. The pool then takes back from the worker's task channel the tasks it never
 * received (they go back to the front of the queue), and fails what is left: at most the
 * one task it was running, with a ProcessError naming its pid and exit code. A new
 * worker takes the slot and its channel.
 *
 * <h2>Kernel objects</h2>
 * {@code processes + 1} message queues, kept for the pool's life (a replacement worker
 * takes over its slot's channel), unlinked at close or terminate. What counts is the
 * user's RLIMIT_MSGQUEUE (819200 bytes by default; a queue takes its messages times
 * (message size + 96) bytes of it): the result channel is an ordinary jmp queue (10 x
 * 1024 bytes: 11200), a task channel holds at most {@link #TASK_CHANNEL_MESSAGES}
 * frames (4480 bytes). Pool(2) takes 20 KB, Pool(16) 83 KB, Pool(64) 298 KB of the
 * 800 KB. The system-wide limit ({@code /proc/sys/fs/mqueue/queues_max}, 256) counts
 * queues: a pool takes {@code processes + 1} of them.
 *
 * <h2>Threads</h2>
 * Daemons: {@code jmp-pool-results-N} reads the result channel and does all the
 * bookkeeping that follows a result or an exit (including starting a replacement);
 * {@code jmp-pool-workers-N} watches the sentinels; {@code jmp-pool-feeder-N} reads
 * one imap's input; {@code jmp-pool-callbacks-N}, started at the first callback, runs
 * the callbacks of applyAsync and mapAsync, one at a time ({@link Callbacks}).
 * Callers send their own tasks (no hand-off to a thread): apply's round trip is the
 * caller's send, the worker, and the result thread's wake-up.
 *
 * <h2>Who does what</h2>
 * Which task is queued, which worker holds which, stealing and taking back are the
 * {@link Ledger}'s (pure logic, tested without processes); this class owns the
 * processes, the channels, the threads and the pool's life (run, close, terminate,
 * broken).
 *
 * <h2>Locking</h2>
 * One lock guards the ledger, the workers and the pool's state. A job's own lock is
 * only ever taken inside it, never the other way round.
 */
public final class Engine {
    private static final Log LOG = new Log("dev.jmp.pool");
    private static final AtomicInteger POOLS = new AtomicInteger(1);

    /** Tasks sent to one worker and not yet answered. */
    static final int IN_FLIGHT = 2;

    /** A task channel holds at most IN_FLIGHT tasks and a STOP; one more for good measure. */
    static final int TASK_CHANNEL_MESSAGES = IN_FLIGHT + 2;

    /** Workers in a row that exit before they are ready, after which the pool gives up (it is broken). */
    private static final int MAX_FAILED_STARTS = 3;

    /** How long close/terminate wait for a killed worker's exit to be seen before killing harder. */
    private static final Duration TERMINATE_GRACE = Duration.ofSeconds(5);

    /**
     * Workers a pool lets boot at once when its children are not booted ahead (spawn):
     * {@code jmp.pool.bootsAtOnce}, by default half the CPUs, at least one.
     *
     * <p>Why: a JVM's start keeps about two CPUs busy (its main thread and its JIT), so
     * workers started together on fewer CPUs all become ready late, each at the pace of
     * its share, and the first result waits for the first of them. Started in turn (the
     * next when one before it is ready), the first is ready about as soon as a lone
     * child, and the last about as late as before: the same CPU work in another order.
     * CPython starts its workers together; its children cost a fraction of a JVM's CPU.
     * Under warm, workers are JVMs booted ahead: all start at once.
     */
    static final int BOOTS_AT_ONCE = Math.max(1, Integer.getInteger("jmp.pool.bootsAtOnce",
            Runtime.getRuntime().availableProcessors() / 2));

    /**
     * How long the next worker waits for one before it to be ready before it starts
     * anyway ({@code jmp.pool.bootWaitMillis}): an initializer may wait for its peers (a
     * Barrier of all the workers), and then none is ready before all have started.
     */
    static final long BOOT_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(Long.getLong("jmp.pool.bootWaitMillis", 200));

    private enum State { RUN, CLOSE, TERMINATE }

    private final int number;
    private final int processes;
    private final Task initializer;
    private final int maxtasks;
    private final Channel results;
    private final Slot[] slots;
    private final int bootsAtOnce;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private State state = State.RUN;                               // guarded by lock
    private ProcessError broken;                                   // guarded by lock
    private boolean stopSent;                                      // guarded by lock
    private boolean shutDown;                                      // guarded by lock
    private final Ledger ledger;                                   // guarded by lock
    private final Map<Long, Worker> workers = new HashMap<>();     // guarded by lock; live, by id
    private final Set<IMapJob<?>> feeding = new HashSet<>();       // guarded by lock
    private long nextWorker;                                       // guarded by lock
    private int failedStarts;                                      // guarded by lock
    private long lastStart;                                        // guarded by lock; System.nanoTime()
    private final AtomicLong nextJob = new AtomicLong();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Callbacks callbacks;
    private final Result.Host host = new Result.Host() {
        @Override
        public boolean withdraw(Result<?> result) {
            lock.lock();
            try {
                boolean done = ledger.withdraw((Job) result, Outcome.cancelled());
                changed.signalAll();
                return done;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void runCallback(Runnable r) {
            callbacks.run(r);
        }
    };
    /**
     * The pool's step in the program's exit sequence ({@link AtExit.Phase#POOLS}, before
     * children are terminated and joined): a pool still running at exit is terminated,
     * as CPython's Pool finalizer does. Why structural: terminated first, the pool is in
     * TERMINATE when the CHILDREN phase ends its workers, so it never takes their exits
     * for deaths to replace (a SIGTERMed parent's pool refilled behind it). Removed when
     * the pool shuts down, so a closed pool is not kept reachable by the sequence.
     */
    private final Runnable exitStep = this::terminate;
    private final Watcher watcher;
    private final Thread resultThread;
    private final Thread watcherThread;

    private static final class Slot {
        final int index;
        final Channel tasks;

        Slot(int index, Channel tasks) {
            this.index = index;
            this.tasks = tasks;
        }
    }

    /** One worker process in a slot (a slot gets a new one when it dies or retires); its lane is the slot's channel. */
    private final class Worker implements Ledger.Lane {
        final long id;
        final Slot slot;
        final Process process;
        final int pid;
        final int sentinel;
        final String label;
        final Ledger.Account account;
        boolean ready;          // it said READY: its JVM runs and its initializer is done

        Worker(long id, Slot slot, Process process) {
            this.id = id;
            this.slot = slot;
            this.process = process;
            this.pid = process.pid();
            this.sentinel = process.sentinel();
            this.label = process.name() + " (pid " + pid + ")";
            this.account = ledger.open(slot.index, label, this);
        }

        @Override
        public boolean offer(byte[] frame) {
            // Never waits: a worker's channel holds at most IN_FLIGHT tasks and a STOP.
            boolean sent = slot.tasks.send(frame, Deadline.after(Duration.ZERO), "sending a task");
            if (sent) {
                TaskEvents.dispatched(number, Frames.id(frame), pid);
            }
            return sent;
        }

        @Override
        public byte[] poll() {
            try {
                return slot.tasks.tryReceive();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "pool " + number + ": taking back the tasks of " + label, e);
                return null;
            }
        }

        @Override
        public void stop() {
            try {
                slot.tasks.send(Frames.marker(Frames.STOP), Deadline.after(Duration.ZERO), "stopping a worker");
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "pool " + number + ": could not stop " + label + "; killing it", e);
                process.kill();
            }
        }
    }

    /**
     * Starts {@code processes} workers, with {@code method} (the program's start method,
     * which decides how many may boot at once). {@code maxtasks} 0: workers live as long
     * as the pool. Throws what starting a worker throws, after undoing everything.
     */
    public Engine(int processes, Task initializer, int maxtasks, StartMethod method) {
        if (processes < 1) {
            throw new IllegalArgumentException("Number of processes must be at least 1");
        }
        if (maxtasks < 0) {
            throw new IllegalArgumentException("maxtasksperchild must be a positive int (or 0: no limit), not "
                    + maxtasks);
        }
        if (initializer != null) {
            // A clear error before anything is made; a check, not a copy sent (Holds).
            boolean unsent = dev.jmp.resource.Holds.unsent(true);
            try {
                Codec.encode(initializer, "the initializer");
            } finally {
                dev.jmp.resource.Holds.unsent(unsent);
            }
        }
        this.number = POOLS.getAndIncrement();
        this.processes = processes;
        this.initializer = initializer;
        this.maxtasks = maxtasks;
        this.ledger = new Ledger(processes, IN_FLIGHT, maxtasks);
        this.callbacks = new Callbacks("jmp-pool-callbacks-" + number);
        List<Channel> made = new ArrayList<>();
        Slot[] s = new Slot[processes];
        try {
            Channel r = Channel.create();
            made.add(r);
            for (int i = 0; i < processes; i++) {
                Channel c = Channel.create(TASK_CHANNEL_MESSAGES);
                made.add(c);
                s[i] = new Slot(i, c);
            }
            this.results = r;
        } catch (RuntimeException | Error e) {
            unlinkAll(made);
            throw e;
        }
        this.slots = s;
        this.bootsAtOnce = method.bootsAhead() ? s.length : BOOTS_AT_ONCE;
        AtExit.register(AtExit.Phase.POOLS, exitStep);
        lock.lock();
        try {
            for (Slot slot : slots) {
                if (!dueToStart()) {
                    break;  // the watcher thread starts the others (maintain)
                }
                startWorker(slot);
            }
        } catch (RuntimeException | Error e) {
            AtExit.unregister(AtExit.Phase.POOLS, exitStep);
            abandonStart(made);
            throw e;
        } finally {
            lock.unlock();
        }
        watcher = new Watcher(this::unreported, this::exited, this::maintain);
        resultThread = daemon(this::resultLoop, "jmp-pool-results-" + number);
        watcherThread = daemon(watcher, "jmp-pool-workers-" + number);
        resultThread.start();
        watcherThread.start();
    }

    private static Thread daemon(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    /** The constructor failed: the workers started so far are killed and reaped, nothing is left. */
    private void abandonStart(List<Channel> made) {
        for (Worker w : workers.values()) {
            try {
                w.process.kill();
                w.process.join();
                w.process.close();
            } catch (RuntimeException ignored) {
                // Already gone.
            }
        }
        workers.clear();
        unlinkAll(made);
    }

    private static void unlinkAll(List<Channel> channels) {
        for (Channel c : channels) {
            try {
                c.unlink();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "unlinking pool channel {0}: {1}", c, e);
            }
        }
    }

    // ---- workers ----------------------------------------------------------------------

    /** Lock held. */
    private void startWorker(Slot slot) {
        long id = nextWorker++;
        Process p = new Process(WorkerLoop.target(id, slot.tasks, results, initializer, maxtasks));
        p.setName(p.name().replace("Process", "PoolWorker"));
        p.setDaemon(true);
        p.start();
        Worker w = new Worker(id, slot, p);
        workers.put(id, w);
        lastStart = System.nanoTime();
        LOG.log(System.Logger.Level.DEBUG, "pool {0}: started {1} in slot {2}", number, w.label, slot.index);
    }

    /** Lock held. True if another worker may start now ({@link #BOOTS_AT_ONCE}, {@link #BOOT_WAIT_NANOS}). */
    private boolean dueToStart() {
        int booting = 0;
        for (Worker w : workers.values()) {
            if (!w.ready && !w.account.exitSeen) {
                booting++;
            }
        }
        return booting < bootsAtOnce || System.nanoTime() - lastStart >= BOOT_WAIT_NANOS;
    }

    /**
     * The watcher thread, every slice: starts the workers that waited for a turn to boot
     * (CPython's {@code _maintain_pool}, which the same thread runs).
     */
    private void maintain() {
        lock.lock();
        try {
            startDue();
        } finally {
            lock.unlock();
        }
    }

    /** Lock held. Starts what {@link #dueToStart} allows in empty slots, and gives them tasks. */
    private void startDue() {
        if (workers.size() < slots.length) {
            refill();
            dispatch();
        }
    }

    /** Lock held. Work may still need workers: the pool runs, or is closing with tasks queued. */
    private boolean needsWorkers() {
        return broken == null && (state == State.RUN || state == State.CLOSE && ledger.hasPending());
    }

    /** Lock held. Starts workers in empty slots; if none can be started and none runs, the queue fails. */
    private void refill() {
        if (!needsWorkers()) {
            return;
        }
        RuntimeException failure = null;
        for (Slot slot : slots) {
            if (ledger.vacant(slot.index)) {
                if (!dueToStart()) {
                    break;
                }
                try {
                    startWorker(slot);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "pool " + number + ": could not start a worker", e);
                    failure = e;
                }
            }
        }
        if (failure != null && workers.isEmpty()) {
            ledger.failPending(Outcome.processError("no pool worker could be started: " + failure, failure));
            changed.signalAll();
        }
    }

    // ---- submitting --------------------------------------------------------------------

    /** The function of a job; under the warm start method its shape is noted for later warm workers. */
    private static byte[] encodeFunction(Object func) {
        byte[] f = Wire.encodeFunction(func, "the function");
        Rehearsal.learnOnce(func);     // noted only while warm children are booted ahead
        return f;
    }

    /**
     * {@code owner} (the Pool) is kept reachable until the result is in, as CPython's
     * ApplyResult keeps its pool. Either callback may be null.
     */
    public <R> AsyncResult<R> apply(Call<R> func, Consumer<? super R> callback,
            Consumer<? super Throwable> errorCallback, Object owner) {
        Objects.requireNonNull(func, "func");
        checkRunning();
        byte[] f = encodeFunction(func);
        ApplyJob<R> job = new ApplyJob<>(nextJob.getAndIncrement(), host, owner, callback, errorCallback);
        enqueue(List.of(new Ledger.Chunk(job, 0, Frames.APPLY, f, null)));
        return job;
    }

    /** {@code chunksize} -1: CPython's default for map. {@code owner} as for apply. */
    public <T, R> AsyncResult<List<R>> map(Func<T, R> func, Iterable<T> iterable, int chunksize,
            Consumer<? super List<R>> callback, Consumer<? super Throwable> errorCallback, Object owner) {
        Objects.requireNonNull(func, "func");
        Objects.requireNonNull(iterable, "iterable");
        checkRunning();
        if (chunksize != -1) {
            Chunking.check(chunksize);
        }
        List<T> items = Chunking.materialize(iterable);
        int n = items.size();
        int size = chunksize == -1 ? Chunking.defaultChunksize(n, processes) : chunksize;
        byte[] f = encodeFunction(func);
        int count = n == 0 ? 0 : (n + size - 1) / size;
        MapJob<R> job = new MapJob<>(nextJob.getAndIncrement(), count, n, host, owner, callback, errorCallback);
        // Every chunk is serialized before the first is queued: a bad item fails the call, nothing runs.
        List<Ledger.Chunk> chunks = new ArrayList<>(count);
        int room = Frames.room(f);
        for (int i = 0; i < count; i++) {
            List<T> part = items.subList(i * size, Math.min(n, (i + 1) * size));
            chunks.add(new Ledger.Chunk(job, i, Frames.MAP, f, Batch.encode(part, "an item of the iterable", room), room));
        }
        if (!chunks.isEmpty()) {
            enqueue(chunks);
        } else {
            job.settleIfEmpty();
        }
        return job;
    }

    public <T, R> Iterator<R> imap(Func<T, R> func, Iterable<T> iterable, int chunksize, boolean ordered) {
        Objects.requireNonNull(func, "func");
        Objects.requireNonNull(iterable, "iterable");
        checkRunning();
        Chunking.check(chunksize);
        byte[] f = encodeFunction(func);
        IMapJob<R> job = new IMapJob<>(nextJob.getAndIncrement(), ordered, Math.max(8, 4 * processes));
        lock.lock();
        try {
            checkRunningLocked();
            feeding.add(job);
        } finally {
            lock.unlock();
        }
        daemon(new InputFeeder(this, job, iterable, chunksize, f), "jmp-pool-feeder-" + number).start();
        return job;
    }

    /** From an imap's feeder: queues its next chunk; false if the job takes no more input. */
    boolean submitChunk(IMapJob<?> job, byte[] func, byte[] args, int argsAt, int items) {
        lock.lock();
        try {
            if (state != State.RUN || broken != null) {
                return false;
            }
            int index = job.allocate(items);
            if (index < 0) {
                return false;
            }
            ledger.queue(new Ledger.Chunk(job, index, Frames.MAP, func, args, argsAt));
            refill();
            dispatch();
            return true;
        } finally {
            lock.unlock();
        }
    }

    void feederDone(IMapJob<?> job) {
        lock.lock();
        try {
            feeding.remove(job);
        } finally {
            lock.unlock();
        }
    }

    private void enqueue(List<Ledger.Chunk> chunks) {
        lock.lock();
        try {
            checkRunningLocked();
            ledger.queueAll(chunks);
            refill();
            dispatch();
        } finally {
            lock.unlock();
        }
    }

    private void checkRunning() {
        lock.lock();
        try {
            checkRunningLocked();
        } finally {
            lock.unlock();
        }
    }

    private void checkRunningLocked() {
        if (state != State.RUN) {
            throw new IllegalStateException("Pool not running");
        }
        if (broken != null) {
            throw new IllegalStateException("Pool is broken: " + broken.getMessage(), broken);
        }
    }

    // ---- dispatching --------------------------------------------------------------------

    /** Lock held. Sends what can be sent; wakes whoever waits for the ledger to change. */
    private void dispatch() {
        ledger.dispatch();
        changed.signalAll();
    }

    // ---- the result thread ------------------------------------------------------------------

    private void resultLoop() {
        while (true) {
            byte[] frame;
            try {
                Object got = results.receiveResult(Deadline.never(), "waiting for pool results");
                if (got instanceof Frames.ArraysResult r) {
                    onResult(r);
                    continue;
                }
                frame = (byte[]) got;
            } catch (InterruptedError e) {
                Thread.interrupted();
                if (resultsDone()) {
                    return;
                }
                continue;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "pool " + number + ": unreadable message on the result channel", e);
                if (resultsDone()) {
                    return;
                }
                continue;
            }
            if (frame == null) {
                continue;
            }
            try {
                switch (Frames.kind(frame)) {
                    case Frames.RESULT:
                        onResult(frame);
                        break;
                    case Frames.EXITED:
                        onExited(Frames.id(frame));
                        break;
                    case Frames.READY:
                        onReady(Frames.id(frame));
                        break;
                    case Frames.RESEND:
                        onResend(Frames.id(frame));
                        break;
                    case Frames.INIT_FAILED:
                        onInitFailed(Frames.id(frame), Frames.payload(frame));
                        break;
                    case Frames.WAKE:
                        if (resultsDone()) {
                            return;
                        }
                        break;
                    default:
                        LOG.log(System.Logger.Level.WARNING, "pool {0}: unknown frame kind {1}", number, frame[0]);
                }
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "pool " + number + ": result thread", e);
            }
        }
    }

    private boolean resultsDone() {
        lock.lock();
        try {
            return shutDown;
        } finally {
            lock.unlock();
        }
    }

    private void onResult(byte[] frame) {
        long seq = Frames.id(frame);
        boolean ok = Frames.resultOk(frame);
        TaskEvents.completed(number, seq, ok);
        // The value stays in the frame: no copy of a big result.
        complete(seq, ok, frame, Frames.RESULT_HEADER, null);
    }

    /** A successful result of arrays, read from its spill file straight into them. */
    private void onResult(Frames.ArraysResult r) {
        TaskEvents.completed(number, r.seq(), true);
        complete(r.seq(), true, null, 0, r.arrays());
    }

    private void complete(long seq, boolean ok, byte[] frame, int offset, Object decoded) {
        lock.lock();
        try {
            if (decoded != null ? ledger.completeDecoded(seq, decoded) : ledger.complete(seq, ok, frame, offset)) {
                dispatch();
            }
        } finally {
            lock.unlock();
        }
    }

    /** A worker received a task without its function: see {@link Ledger#resend}. */
    private void onResend(long seq) {
        lock.lock();
        try {
            ledger.resend(seq);
            dispatch();
        } finally {
            lock.unlock();
        }
    }

    private void onReady(long id) {
        lock.lock();
        try {
            Worker w = workers.get(id);
            if (w != null) {
                w.ready = true;
                failedStarts = 0;
                startDue();     // the next worker's turn to boot
            }
        } finally {
            lock.unlock();
        }
    }

    /** Every result the worker sent has been read (see the class comment): settle what it held. */
    private void onExited(long id) {
        lock.lock();
        try {
            Worker w = workers.remove(id);
            if (w == null) {
                return;
            }
            Integer code = exitcode(w.process);
            ledger.close(w.account, Outcome.processError("worker " + w.label + " exited with exitcode " + code
                    + " while running this task", null));
            try {
                w.process.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing {0}: {1}", w.label, e);
            }
            LOG.log(System.Logger.Level.DEBUG, "pool {0}: {1} exited with exitcode {2}", number, w.label, code);
            if (!w.ready && code != null && code >= 0 && state != State.TERMINATE && broken == null && !stopSent
                    && ++failedStarts >= MAX_FAILED_STARTS) {
                // Its tasks went back to the queue (it never took one): without this, a JVM
                // that cannot start would be replaced forever and the tasks never run. Only
                // exits of its own count: a worker killed by a signal while it boots was
                // killed by someone, and its replacement may well start.
                breakPool(new ProcessError(failedStarts + " workers in a row exited before they were ready (the last, "
                        + w.label + ", with exitcode " + code + "; its stderr says why); the pool cannot run tasks"));
            }
            refill();
            dispatch();
        } finally {
            lock.unlock();
        }
    }

    /** Its sentinel has fired: it has exited, or is a moment from it. */
    private static Integer exitcode(Process p) {
        try {
            p.join(Duration.ofSeconds(10));
            return p.exitcode();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void onInitFailed(long id, byte[] error) {
        Throwable t;
        try {
            Object o = Codec.decode(error);
            t = o instanceof Throwable th ? th : new ProcessError(String.valueOf(o));
        } catch (ProcessError e) {
            t = e;
        }
        lock.lock();
        try {
            Worker w = workers.get(id);
            if (broken != null || state == State.TERMINATE) {
                return;
            }
            breakPool(new ProcessError("the initializer raised " + t + " in " + (w != null ? w.label : "a worker")
                    + "; the pool cannot run tasks", t));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lock held. The pool cannot run tasks: queued and running ones fail with
     * {@code why}, later calls throw IllegalStateException, the workers are killed (their
     * exits are settled as usual, without replacements). close() and terminate() still work.
     */
    private void breakPool(ProcessError why) {
        broken = why;
        Outcome o = Outcome.processError(why.getMessage(), why.getCause());
        ledger.failAll(o);
        cutFeeders(o);
        for (Worker each : workers.values()) {
            each.process.kill();
        }
        changed.signalAll();
    }

    /** Lock held. imaps read no more input; their iterators end with {@code o}. */
    private void cutFeeders(Outcome o) {
        for (IMapJob<?> job : feeding) {
            job.stopInput(o);
        }
    }

    // ---- the watcher thread -------------------------------------------------------------

    private List<Watcher.Watched> unreported() {
        lock.lock();
        try {
            List<Watcher.Watched> list = new ArrayList<>();
            for (Worker w : workers.values()) {
                if (!w.account.exitSeen) {
                    list.add(new Watcher.Watched(w.id, w.sentinel));
                }
            }
            return list;
        } finally {
            lock.unlock();
        }
    }

    /** The watcher saw the worker's sentinel: no more tasks for it; the EXITED marker goes behind all it sent. */
    private void exited(Watcher.Watched watched) {
        String label;
        lock.lock();
        try {
            Worker w = workers.get(watched.id());
            if (w == null) {
                return;
            }
            w.account.exitSeen = true;
            label = w.label;
        } finally {
            lock.unlock();
        }
        try {
            results.send(Frames.exited(watched.id()), Deadline.never(), "reporting a worker's exit");
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "pool " + number + ": could not report the exit of " + label, e);
        }
    }

    // ---- close, terminate, join ---------------------------------------------------------

    /**
     * Python's close() then join(): no new tasks; returns once the queued tasks are done
     * and the workers have exited. imaps stop reading their input.
     */
    public void close() {
        lock.lock();
        try {
            if (state == State.RUN) {
                state = State.CLOSE;
                cutFeeders(Outcome.failed(IllegalStateException::new,
                        "the pool was closed before imap had read all of its input"));
                changed.signalAll();
            }
            while (state == State.CLOSE && !ledger.idle()) {
                awaitChanged("closing the pool");
            }
            if (state == State.CLOSE && !stopSent) {
                stopSent = true;
                for (Worker w : workers.values()) {
                    w.stop();
                }
            }
            while (!workers.isEmpty()) {
                awaitChanged("waiting for the pool's workers to exit");
            }
        } finally {
            lock.unlock();
        }
        finish();
    }

    /** Stops at once: workers are terminated, every unfinished task fails with a ProcessError. */
    public void terminate() {
        List<Worker> victims;
        lock.lock();
        try {
            if (state != State.TERMINATE) {
                state = State.TERMINATE;
                ledger.failAll(Outcome.processError("the pool was terminated before this task completed", null));
                cutFeeders(Outcome.processError("the pool was terminated before imap had read all of its input", null));
                changed.signalAll();
            }
            victims = new ArrayList<>(workers.values());
        } finally {
            lock.unlock();
        }
        for (Worker w : victims) {
            w.process.terminate();  // harmless on one already reaped
        }
        lock.lock();
        try {
            Deadline grace = Deadline.after(TERMINATE_GRACE);
            while (!workers.isEmpty()) {
                if (grace != null && grace.expired()) {
                    for (Worker w : workers.values()) {
                        w.process.kill();
                    }
                    grace = null;
                }
                awaitChanged("terminating the pool", grace == null ? Deadline.never() : grace);
            }
        } finally {
            lock.unlock();
        }
        finish();
    }

    /**
     * The Pool object became unreachable: nobody can close it any more, and nobody
     * waits for a result (a pending one keeps its Pool reachable). A running pool is
     * terminated, in a thread of its own (this is called by a Cleaner), so that its
     * workers and message queues do not stay until the program exits.
     */
    public void abandoned() {
        lock.lock();
        try {
            if (state != State.RUN) {
                return;
            }
        } finally {
            lock.unlock();
        }
        LOG.log(System.Logger.Level.WARNING, "pool {0}: unclosed running Pool became unreachable; terminating it",
                number);
        daemon(this::terminate, "jmp-pool-reaper-" + number).start();
    }

    /** Waits until close() or terminate() has finished; IllegalStateException while the pool runs. */
    public void join() {
        lock.lock();
        try {
            if (state == State.RUN) {
                throw new IllegalStateException("Pool is still running");
            }
        } finally {
            lock.unlock();
        }
        Job.await(finished, Deadline.never(), "joining the pool");
    }

    /** The workers are gone: stop the threads, remove the channels. Once. */
    private void finish() {
        boolean mine;
        lock.lock();
        try {
            mine = !shutDown;
            shutDown = true;
        } finally {
            lock.unlock();
        }
        if (!mine) {
            Job.await(finished, Deadline.never(), "waiting for the pool to shut down");
            return;
        }
        watcher.stop();
        try {
            results.send(Frames.marker(Frames.WAKE), Deadline.after(Duration.ofSeconds(1)), "waking the result thread");
        } catch (RuntimeException e) {
            resultThread.interrupt();
        }
        try {
            resultThread.join(TimeUnit.SECONDS.toMillis(5));
            watcherThread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Channel> channels = new ArrayList<>();
        channels.add(results);
        for (Slot slot : slots) {
            channels.add(slot.tasks);
        }
        unlinkAll(channels);
        callbacks.shutdown();
        AtExit.unregister(AtExit.Phase.POOLS, exitStep);
        finished.countDown();
        LOG.log(System.Logger.Level.DEBUG, "pool {0}: shut down", number);
    }

    /** Lock held. */
    private void awaitChanged(String what) {
        awaitChanged(what, Deadline.never());
    }

    private void awaitChanged(String what, Deadline deadline) {
        try {
            if (deadline.isNever()) {
                changed.await();
            } else {
                changed.await(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            throw Interrupts.interrupted(what);
        }
    }

    // ---- for Pool.toString and the tests ------------------------------------------------

    public String state() {
        lock.lock();
        try {
            return state.name();
        } finally {
            lock.unlock();
        }
    }

    public int processes() {
        return processes;
    }

    /** Pids of the live workers. */
    public List<Integer> workerPids() {
        lock.lock();
        try {
            List<Integer> pids = new ArrayList<>();
            for (Worker w : workers.values()) {
                pids.add(w.pid);
            }
            return pids;
        } finally {
            lock.unlock();
        }
    }

    /** The names of the pool's message queues. */
    public List<String> kernelNames() {
        List<String> names = new ArrayList<>();
        names.add(results.name());
        for (Slot slot : slots) {
            names.add(slot.tasks.name());
        }
        return names;
    }
}
