package dev.jmp.cluster;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.cluster.Member;
import com.hazelcast.collection.IQueue;
import com.hazelcast.config.Config;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.spi.exception.TargetNotMemberException;
import dev.jmp.AsyncResult;
import dev.jmp.Call;
import dev.jmp.Func;
import dev.jmp.ProcessError;
import dev.jmp.TaskPool;
import dev.jmp.pool.Result;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link TaskPool} whose workers are the members of a Hazelcast cluster: jmp's
 * answer to Ray's {@code ray.util.multiprocessing.Pool}. Code written against
 * {@code TaskPool} moves from a local {@link dev.jmp.Pool} to a cluster by changing the
 * line that makes the pool:
 *
 * <pre>{@code
 * try (TaskPool pool = ClusterPool.connect("10.0.0.5:5701")) {   // was: new Pool(4)
 *     List<Long> squares = pool.map(x -> (long) x * x, xs);
 * }
 * }</pre>
 *
 * <h2>How a task travels</h2>
 * Each call is cut into tasks (an apply is one, a map is one per chunk) whose function
 * and items are serialized here, in the caller's thread ({@link WireDescriptor}: the
 * function once per call, numbers as primitive arrays), so that what cannot be
 * serialized fails the call before anything is sent. The pool keeps the tasks
 * in a queue and sends at most {@link Options#processes} at a time, each to one member
 * in turn (Hazelcast's {@link IExecutorService#submitToMember}); what is still queued can
 * be cancelled, as in the local Pool. On the member a {@link RemoteTask} runs the task
 * in an executor thread, or, with {@link Options#isolated}, in a worker process of a jmp
 * Pool the member keeps; the task's value or exception comes back as bytes and is
 * decoded here.
 *
 * <h2>When a member leaves</h2>
 * The tasks a member was running when it died (or left) fail alone, with a
 * {@link ProcessError} that names the member, as a local Pool fails the tasks of a
 * worker process that died; with {@link Options#retries} (property
 * {@code jmp.cluster.retries}) each is sent again, to another member, that many times
 * first. The pool goes on with the members that are left.
 *
 * <h2>Threads</h2>
 * Hazelcast's threads deliver outcomes; callbacks of applyAsync and mapAsync run on one
 * thread of the pool ({@code jmp-callbacks-clusterpool}), one at a time; an imap reads its
 * input on a thread of its own ({@code jmp-feeder-clusterpool}).
 */
public final class ClusterPool implements TaskPool, Result.Host {
    private static final System.Logger LOG = System.getLogger("dev.jmp.cluster");

    /** The executor service tasks run in on the members (its threads are configured there). */
    public static final String EXECUTOR = "jmp-pool";

    /** How many times a task sent to a member already gone is sent elsewhere before it fails. */
    private static final int MISSES = 3;

    private enum State { RUNNING, CLOSING, TERMINATED }

    /** One task: an apply, or one chunk of a map. */
    private static final class Task {
        final Job job;
        final int index;
        final byte[] bytes;
        int attempts;
        int misses;
        boolean done;
        Member member;

        Task(Job job, int index, byte[] bytes) {
            this.job = job;
            this.index = index;
            this.bytes = bytes;
        }
    }

    private final HazelcastInstance hz;
    private final boolean ownsInstance;
    private final Options options;
    private final IExecutorService executor;
    private final ClassLoader loader;
    private final ThreadPoolExecutor callbacks;
    private volatile Thread callbackThread;

    private final Object lock = new Object();
    private final ArrayDeque<Task> queue = new ArrayDeque<>();     // guarded by lock
    private final Map<Task, Boolean> running = new IdentityHashMap<>(); // guarded by lock
    private final Map<Job, Progress> jobs = new IdentityHashMap<>();   // guarded by lock: jobs with a task unfinished
    private int feeders;                                          // guarded by lock
    private int nextMember;                                       // guarded by lock
    private State state = State.RUNNING;                          // guarded by lock
    private boolean finished;                                     // guarded by lock

    private ClusterPool(HazelcastInstance hz, boolean ownsInstance, Options options) {
        this.hz = hz;
        this.ownsInstance = ownsInstance;
        this.options = options;
        this.executor = hz.getExecutorService(EXECUTOR);
        this.loader = Thread.currentThread().getContextClassLoader();
        this.callbacks = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "jmp-callbacks-clusterpool");
            t.setDaemon(true);
            callbackThread = t;
            return t;
        });
    }

    // ---- making one ---------------------------------------------------------------------

    /**
     * Starts a member in this JVM with {@code config} (it joins the cluster the config
     * names, or starts one) and a pool over it; tasks may then run in this JVM too.
     * {@link #close()} shuts the member down.
     *
     * @param config the member's configuration ({@link Configs#member})
     * @return the pool, with {@link Options#defaults()}
     */
    public static ClusterPool join(Config config) {
        return join(config, Options.defaults());
    }

    /**
     * As {@link #join(Config)}, with options.
     *
     * @param config the member's configuration ({@link Configs#member})
     * @param options how the pool runs its tasks
     * @return the pool
     */
    public static ClusterPool join(Config config, Options options) {
        return new ClusterPool(Hazelcast.newHazelcastInstance(config), true, options);
    }

    /**
     * Connects to a cluster as a client only (no task runs in this JVM); close() disconnects.
     *
     * @param addresses members of the default cluster ("dev") to connect to ("host:port")
     * @return the pool, with {@link Options#defaults()}
     */
    public static ClusterPool connect(String... addresses) {
        return connect(Options.defaults(), addresses);
    }

    /**
     * As {@link #connect(String...)}, with options.
     *
     * @param options how the pool runs its tasks
     * @param addresses members of the default cluster ("dev") to connect to ("host:port")
     * @return the pool
     */
    public static ClusterPool connect(Options options, String... addresses) {
        return connect(Configs.client(addresses), options);
    }

    /**
     * Connects to a cluster as a client, with a configuration of the caller's ({@link Configs#client}).
     *
     * @param config the client's configuration
     * @param options how the pool runs its tasks
     * @return the pool
     */
    public static ClusterPool connect(ClientConfig config, Options options) {
        return new ClusterPool(HazelcastClient.newHazelcastClient(config), true, options);
    }

    /**
     * A pool over an instance (member or client) the caller keeps: close() leaves it running.
     *
     * @param hz the instance
     * @param options how the pool runs its tasks
     * @return the pool
     */
    public static ClusterPool over(HazelcastInstance hz, Options options) {
        return new ClusterPool(hz, false, options);
    }

    /**
     * The Hazelcast instance under this pool.
     *
     * @return the member or client
     */
    public HazelcastInstance instance() {
        return hz;
    }

    /**
     * A cluster-wide queue (Hazelcast's IQueue, a BlockingQueue): items are Serializable
     * objects, kept by the members (with a backup), and shared by every pool and member.
     * A {@code multiprocessing.Queue}, across machines.
     *
     * @param <E> the type of the items
     * @param name the queue's name in the cluster
     * @return the queue
     */
    public <E> IQueue<E> queue(String name) {
        return hz.getQueue(name);
    }

    /**
     * A cluster-wide lock with a lease: see {@link ClusterLock}.
     *
     * @param name the lock's name in the cluster
     * @return the lock
     */
    public ClusterLock lock(String name) {
        return new ClusterLock(hz.getMap(ClusterLock.MAP), name);
    }

    // ---- the TaskPool API ---------------------------------------------------------------

    @Override
    public <R> AsyncResult<R> applyAsync(Call<R> func, Consumer<? super R> callback,
            Consumer<? super Throwable> errorCallback) {
        byte[] bytes = Work.apply(encode(func, "the call"));
        ClusterResult<R> r = new ClusterResult<>(this, 1, false, callback, errorCallback);
        submit(List.of(new Task(r, 0, bytes)));
        return r;
    }

    @Override
    public <T, R> AsyncResult<List<R>> mapAsync(Func<T, R> func, Iterable<T> iterable) {
        List<T> items = list(iterable);
        return mapAsync(func, items, defaultChunksize(items.size()), null, null);
    }

    @Override
    public <T, R> AsyncResult<List<R>> mapAsync(Func<T, R> func, Iterable<T> iterable, int chunksize,
            Consumer<? super List<R>> callback, Consumer<? super Throwable> errorCallback) {
        checkChunksize(chunksize);
        checkRunning();
        List<T> items = list(iterable);
        byte[] prefix = Work.chunkPrefix(encode(func, "the function"));
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < items.size(); i += chunksize) {
            chunks.add(encodeChunk(prefix, items.subList(i, Math.min(items.size(), i + chunksize))));
        }
        ClusterResult<List<R>> r = new ClusterResult<>(this, chunks.size(), true, callback, errorCallback);
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            tasks.add(new Task(r, i, chunks.get(i)));
        }
        submit(tasks);
        return r;
    }

    @Override
    public <T, R> Iterator<R> imap(Func<T, R> func, Iterable<T> iterable, int chunksize) {
        return stream(func, iterable, chunksize, true);
    }

    @Override
    public <T, R> Iterator<R> imapUnordered(Func<T, R> func, Iterable<T> iterable, int chunksize) {
        return stream(func, iterable, chunksize, false);
    }

    private <T, R> Iterator<R> stream(Func<T, R> func, Iterable<T> iterable, int chunksize, boolean ordered) {
        checkChunksize(chunksize);
        byte[] prefix = Work.chunkPrefix(encode(func, "the function"));
        Stream<R> s = new Stream<>(ordered);
        synchronized (lock) {
            checkRunning();
            feeders++;
        }
        Thread feeder = new Thread(() -> feed(s, prefix, iterable, chunksize), "jmp-feeder-clusterpool");
        feeder.setDaemon(true);
        feeder.start();
        return s;
    }

    /** Reads the input of an imap, chunk by chunk; a chunk that cannot be serialized fails alone. */
    private <T, R> void feed(Stream<R> s, byte[] prefix, Iterable<T> iterable, int chunksize) {
        RuntimeException error = null;
        try {
            Iterator<T> it = iterable.iterator();
            List<T> chunk = new ArrayList<>();
            while (true) {
                boolean more;
                try {
                    more = it.hasNext();
                    if (more) {
                        chunk.add(it.next());
                    }
                } catch (RuntimeException e) {
                    error = e;      // the chunk being filled fails with it, as a whole
                    break;
                }
                if (chunk.size() == chunksize || (!more && !chunk.isEmpty())) {
                    int index = s.chunk(chunk.size());
                    try {
                        submit(List.of(new Task(s, index, encodeChunk(prefix, chunk))));
                    } catch (RuntimeException e) {
                        s.deliver(index, Outcome.failed(() -> e));
                    }
                    chunk = new ArrayList<>();
                }
                if (!more) {
                    break;
                }
            }
        } finally {
            s.end(error);
            synchronized (lock) {
                feeders--;
                lock.notifyAll();
            }
        }
    }

    /** No new tasks; returns once the queued and running ones are done. Python's {@code close(); join()}. */
    @Override
    public void close() {
        synchronized (lock) {
            if (state == State.RUNNING) {
                state = State.CLOSING;
            }
            while (state == State.CLOSING && (!queue.isEmpty() || !running.isEmpty() || feeders > 0)) {
                waitOn();
            }
        }
        shutdown();
    }

    /** Stops now: queued and running tasks fail with a ProcessError (a running one goes on on its member, unheard). */
    @Override
    public void terminate() {
        List<Task> lost = new ArrayList<>();
        synchronized (lock) {
            if (state == State.TERMINATED) {
                return;
            }
            state = State.TERMINATED;
            lost.addAll(queue);
            queue.clear();
            lost.addAll(running.keySet());
            running.clear();
            for (Task t : lost) {
                ended(t);
            }
            lock.notifyAll();
        }
        for (Task t : lost) {
            String where = t.member == null ? "" : " (running on " + describe(t.member) + ")";
            t.job.deliver(t.index, Outcome.failed(() -> new ProcessError("the pool was terminated" + where)));
        }
        shutdown();
    }

    @Override
    public void join() {
        synchronized (lock) {
            if (state == State.RUNNING) {
                throw new IllegalStateException("the pool is running: close() or terminate() it first");
            }
            while (!finished) {
                waitOn();
            }
        }
    }

    private void shutdown() {
        synchronized (lock) {
            if (finished) {
                return;
            }
        }
        callbacks.shutdown();
        if (Thread.currentThread() != callbackThread) {     // a callback that closes the pool cannot wait for itself
            try {
                callbacks.awaitTermination(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ownsInstance) {
            hz.shutdown();
        }
        synchronized (lock) {
            finished = true;
            lock.notifyAll();
        }
    }

    // ---- Result.Host ----------------------------------------------------------------------

    @Override
    public boolean withdraw(Result<?> result) {
        List<Task> out = new ArrayList<>();
        Job job = (ClusterResult<?>) result;
        synchronized (lock) {
            Progress p = jobs.get(job);
            if (p == null || p.sent) {
                return false;
            }
            for (Iterator<Task> it = queue.iterator(); it.hasNext();) {
                Task t = it.next();
                if (t.job == job) {
                    it.remove();
                    ended(t);
                    out.add(t);
                }
            }
            lock.notifyAll();
        }
        if (out.isEmpty()) {
            return false;
        }
        for (Task t : out) {
            job.deliver(t.index, Outcome.cancelled());
        }
        return true;
    }

    @Override
    public void runCallback(Runnable r) {
        try {
            callbacks.execute(r);
        } catch (RejectedExecutionException e) {
            r.run();
        }
    }

    // ---- sending and hearing back ---------------------------------------------------------

    private void submit(Collection<Task> tasks) {
        synchronized (lock) {
            checkRunning();
            queue.addAll(tasks);
            for (Task t : tasks) {
                jobs.computeIfAbsent(t.job, j -> new Progress()).unfinished++;
            }
        }
        dispatch();
    }

    /** Sends queued tasks while fewer than {@code processes} are out. */
    private void dispatch() {
        List<Task> go = new ArrayList<>();
        synchronized (lock) {
            while (!queue.isEmpty() && running.size() < options.processes) {
                Task t = queue.poll();
                running.put(t, Boolean.TRUE);
                jobs.get(t.job).sent = true;
                go.add(t);
            }
        }
        for (Task t : go) {
            send(t, null);
        }
    }

    /** Sends {@code t} to the next member (not {@code avoid}, if another is there). */
    private void send(Task t, Member avoid) {
        Member m;
        try {
            m = pickMember(avoid);
        } catch (RuntimeException e) {
            lose(t, null, e);
            return;
        }
        synchronized (lock) {
            t.member = m;
        }
        try {
            executor.submitToMember(new RemoteTask(t.bytes, options.isolated), m, new ExecutionCallback<byte[]>() {
                @Override
                public void onResponse(byte[] reply) {
                    heard(t, m, reply);
                }

                @Override
                public void onFailure(Throwable e) {
                    lose(t, m, e);
                }
            });
        } catch (RuntimeException e) {
            lose(t, m, e);
        }
    }

    private Member pickMember(Member avoid) {
        List<Member> members = new ArrayList<>();
        for (Member m : hz.getCluster().getMembers()) {
            if (!m.isLiteMember() && (avoid == null || !m.getUuid().equals(avoid.getUuid()))) {
                members.add(m);
            }
        }
        if (members.isEmpty()) {
            if (avoid != null) {
                return avoid;
            }
            throw new ProcessError("the cluster has no data member to run the task on");
        }
        synchronized (lock) {
            return members.get(Math.floorMod(nextMember++, members.size()));
        }
    }

    private void heard(Task t, Member m, byte[] reply) {
        Outcome o;
        try {
            o = Outcome.reply(Work.reply(reply, loader), describe(m));
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            o = Outcome.failed(() -> new ProcessError("the reply of the task on " + describe(m)
                    + " could not be deserialized here: " + e, e));
        }
        finish(t, o);
    }

    /** The task was lost with its member (or could not be sent): retried if allowed, else failed alone. */
    private void lose(Task t, Member m, Throwable e) {
        boolean again;
        synchronized (lock) {
            if (e instanceof TargetNotMemberException && t.misses < MISSES) {
                // Sent to a member that had left already (this side's member list lags):
                // the task never started, so it goes to another member whatever the retries.
                t.misses++;
                again = !t.done && state != State.TERMINATED;
            } else {
                again = !t.done && state != State.TERMINATED && t.attempts < options.retries && m != null;
                if (again) {
                    t.attempts++;
                }
            }
        }
        if (again) {
            LOG.log(System.Logger.Level.WARNING, "a task was lost with " + describe(m) + " (" + e + "); sending it again");
            send(t, m);
            return;
        }
        String where = m == null ? "the cluster" : describe(m);
        finish(t, Outcome.failed(() -> new ProcessError("the task was lost with " + where + ": " + e, e)));
    }

    private void finish(Task t, Outcome o) {
        synchronized (lock) {
            if (t.done) {
                return;     // terminated meanwhile: the caller has heard already
            }
            ended(t);
            running.remove(t);
            lock.notifyAll();
        }
        t.job.deliver(t.index, o);
        dispatch();
    }

    /** What the pool keeps of a job while it has a task queued or running. */
    private static final class Progress {
        int unfinished;
        boolean sent;       // a task of it has gone to a member: it can no longer be cancelled
    }

    /** {@code t} is done (run, failed, cancelled or lost): its job is forgotten with its last task. Under lock. */
    private void ended(Task t) {
        t.done = true;
        Progress p = jobs.get(t.job);
        if (p != null && --p.unfinished == 0) {
            jobs.remove(t.job);
        }
    }

    // ---- helpers ------------------------------------------------------------------------

    static String describe(Member m) {
        return "member " + m.getAddress();
    }

    private void checkRunning() {
        synchronized (lock) {
            if (state != State.RUNNING) {
                throw new IllegalStateException("Pool not running");
            }
        }
    }

    private void waitOn() {
        try {
            lock.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.jmp.InterruptedError("interrupted waiting for the cluster pool");
        }
    }

    private static byte[] encode(Object o, String what) {
        try {
            return Payloads.encode(o);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " could not be serialized: " + e, e);
        }
    }

    private static byte[] encodeChunk(byte[] prefix, List<?> items) {
        try {
            return Work.chunk(prefix, items);
        } catch (IOException e) {
            throw new IllegalArgumentException("a chunk of the map could not be serialized: " + e, e);
        }
    }

    private static <T> List<T> list(Iterable<T> iterable) {
        if (iterable instanceof List<T> l) {
            return l;
        }
        List<T> out = new ArrayList<>();
        iterable.forEach(out::add);
        return out;
    }

    /**
     * Two chunks per task the pool sends at once (CPython's rule is four per worker): a
     * task to a member costs a network round trip and Hazelcast's hand-offs, tens of
     * times a local worker's, so fewer, bigger chunks; the second wave still lets a fast
     * member take more than a slow one.
     */
    private int defaultChunksize(int length) {
        int per = options.processes * 2;
        int chunksize = length / per;
        return length % per != 0 ? chunksize + 1 : Math.max(chunksize, 1);
    }

    private static void checkChunksize(int chunksize) {
        if (chunksize < 1) {
            throw new IllegalArgumentException("Chunksize must be 1+, not " + chunksize);
        }
    }

    /** How a ClusterPool runs its tasks. Immutable; start from {@link #defaults()}. */
    public static final class Options {
        final int processes;
        final boolean isolated;
        final int retries;

        private Options(int processes, boolean isolated, int retries) {
            if (processes < 1) {
                throw new IllegalArgumentException("processes must be 1+, not " + processes);
            }
            if (retries < 0) {
                throw new IllegalArgumentException("retries must be 0+, not " + retries);
            }
            this.processes = processes;
            this.isolated = isolated;
            this.retries = retries;
        }

        /**
         * Eight tasks out at a time, run in the members' executor threads, retried
         * {@code jmp.cluster.retries} times (default 0) when their member is lost.
         *
         * @return the defaults
         */
        public static Options defaults() {
            return new Options(8, false, Integer.getInteger("jmp.cluster.retries", 0));
        }

        /**
         * At most {@code n} tasks sent to members at once (the rest wait here,
         * cancellable): Python's {@code Pool(processes)}.
         *
         * @param n 1 or more
         * @return new options
         */
        public Options processes(int n) {
            return new Options(n, isolated, retries);
        }

        /**
         * Run tasks in jmp worker processes on each member (a local Pool there), not in its threads.
         *
         * @param yes whether to
         * @return new options
         */
        public Options isolated(boolean yes) {
            return new Options(processes, yes, retries);
        }

        /**
         * How many times a task lost with its member is sent again, to another member.
         *
         * @param n 0 or more
         * @return new options
         */
        public Options retries(int n) {
            return new Options(processes, isolated, n);
        }
    }
}
