package dev.jmp.pool;

import dev.jmp.AsyncResult;
import dev.jmp.Call;
import dev.jmp.TaskPool;
import dev.jmp.resource.Log;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link TaskPool} seen as a Java {@link ExecutorService} (what
 * {@link TaskPool#asExecutorService()} returns): code written against the JDK's
 * executors runs its tasks in the pool's workers.
 *
 * <ul>
 * <li>{@code submit}/{@code execute}: {@link TaskPool#applyAsync}; the Callable or
 *     Runnable must be Serializable, since it travels to a worker (IllegalArgumentException
 *     at submit otherwise, naming the cure). {@code submit(task, result)} keeps
 *     {@code result} here: it is not sent.</li>
 * <li>The Futures follow the JDK's contract: {@code get} throws ExecutionException with
 *     the task's exception as its cause. {@code cancel} succeeds while the task has
 *     not been sent to a worker; a running task runs to its end (it is another process:
 *     there is no thread to interrupt).</li>
 * <li>{@code shutdown}: no new tasks (RejectedExecutionException), and the pool's
 *     {@code close()} in a thread of its own, so that shutdown returns at once, as the
 *     JDK's does. {@code shutdownNow}: cancels what has not been sent, returns those
 *     tasks, and terminates the pool (in the same way).
 *     {@code awaitTermination}/{@code isTerminated}: that close or terminate has
 *     returned: the workers have exited.</li>
 * <li>{@code execute}: a task's exception has nobody to go to; it is logged, as a JDK
 *     executor's thread would print it.</li>
 * </ul>
 * A pool closed directly (not through this executor) rejects new tasks here too, but
 * this executor does not know it has terminated.
 */
public final class TaskPoolExecutor implements ExecutorService {
    private static final Log LOG = new Log("dev.jmp.pool");

    private final TaskPool pool;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final Map<Submitted<?>, Object> outstanding = new ConcurrentHashMap<>();   // future -> its task
    private volatile boolean shutdown;

    public TaskPoolExecutor(TaskPool pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    // ---- submitting -----------------------------------------------------------------------

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        return start(call(task), task, false, null);
    }

    @Override
    public Future<?> submit(Runnable task) {
        return start(call(task), task, false, null);
    }

    @Override
    public <T> Future<T> submit(Runnable task, T result) {
        return start(call(task), task, true, result);
    }

    @Override
    public void execute(Runnable command) {
        Call<Object> c = call(command);
        checkOpen();
        try {
            pool.applyAsync(c, null, e -> LOG.log(System.Logger.Level.ERROR,
                    "a task given to execute() raised in the pool's worker", e));
        } catch (IllegalStateException e) {
            throw new RejectedExecutionException(e.getMessage(), e);
        }
    }

    /** The Callable as a pool call; IllegalArgumentException naming the cure if it is not Serializable. */
    static <T> Call<T> call(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        if (!(task instanceof Serializable)) {
            throw new IllegalArgumentException(notSerializable(task, "(Callable<T> & Serializable) () -> ..."));
        }
        return task::call;
    }

    static Call<Object> call(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (!(task instanceof Serializable)) {
            throw new IllegalArgumentException(notSerializable(task, "(Runnable & Serializable) () -> ..."));
        }
        return () -> {
            task.run();
            return null;
        };
    }

    private static String notSerializable(Object task, String cure) {
        return task.getClass().getName() + " is not Serializable, and a pool's task travels to another process: "
                + "write the lambda as " + cure + ", or make the class implement java.io.Serializable";
    }

    private void checkOpen() {
        if (shutdown) {
            throw new RejectedExecutionException("the executor has been shut down");
        }
    }

    private <T> Submitted<T> start(Call<?> c, Object task, boolean fixed, T result) {
        checkOpen();
        AsyncResult<?> r;
        try {
            r = pool.applyAsync(c);
        } catch (IllegalStateException e) {
            throw new RejectedExecutionException(e.getMessage(), e);
        }
        Submitted<T> s = new Submitted<>(r.toCompletableFuture(), fixed, result);
        outstanding.put(s, task);
        s.future.whenComplete((v, e) -> outstanding.remove(s));
        return s;
    }

    /** A submitted task's Future: the call's CompletableFuture, with {@code submit(task, result)}'s result. */
    private static final class Submitted<T> implements Future<T> {
        final CompletableFuture<?> future;
        private final boolean fixed;
        private final T result;

        Submitted(CompletableFuture<?> future, boolean fixed, T result) {
            this.future = future;
            this.fixed = fixed;
            this.result = result;
        }

        @SuppressWarnings("unchecked")
        private T value(Object v) {
            return fixed ? result : (T) v;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return future.cancel(mayInterruptIfRunning);
        }

        @Override
        public boolean isCancelled() {
            return future.isCancelled();
        }

        @Override
        public boolean isDone() {
            return future.isDone();
        }

        @Override
        public T get() throws InterruptedException, ExecutionException {
            return value(future.get());
        }

        @Override
        public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
            return value(future.get(timeout, unit));
        }

        boolean succeeded() {
            return future.isDone() && !future.isCompletedExceptionally();
        }
    }

    // ---- several at once -----------------------------------------------------------------

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        List<Future<T>> futures = submitAll(tasks);
        for (Future<T> f : futures) {
            try {
                f.get();
            } catch (ExecutionException | CancellationException e) {
                // The Future holds it.
            }
        }
        return futures;
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        long end = System.nanoTime() + unit.toNanos(timeout);
        List<Future<T>> futures = submitAll(tasks);
        for (Future<T> f : futures) {
            try {
                f.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | CancellationException e) {
                // The Future holds it.
            } catch (TimeoutException e) {
                break;
            }
        }
        for (Future<T> f : futures) {
            f.cancel(false);    // what is not done by now: cancelled if it was not sent; a running one ends on its own
        }
        return futures;
    }

    /** Every task submitted, or none: if one cannot be, the others are cancelled and its exception thrown. */
    private <T> List<Future<T>> submitAll(Collection<? extends Callable<T>> tasks) {
        List<Future<T>> futures = new ArrayList<>(tasks.size());
        try {
            for (Callable<T> t : tasks) {
                futures.add(submit(t));
            }
        } catch (RuntimeException e) {
            for (Future<T> f : futures) {
                f.cancel(false);
            }
            throw e;
        }
        return futures;
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return any(tasks, Long.MAX_VALUE);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no deadline, yet timed out", e);
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        return any(tasks, unit.toNanos(timeout));
    }

    /** The first task to succeed gives the result; the others are cancelled (those not yet sent). */
    private <T> T any(Collection<? extends Callable<T>> tasks, long nanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("invokeAny of no tasks");
        }
        long end = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + nanos;
        BlockingQueue<Submitted<T>> finished = new LinkedBlockingQueue<>();
        List<Future<T>> futures = submitAll(tasks);
        try {
            for (Future<T> f : futures) {
                Submitted<T> s = (Submitted<T>) f;
                s.future.whenComplete((v, e) -> finished.add(s));
            }
            ExecutionException last = null;
            for (int i = 0; i < futures.size(); i++) {
                Submitted<T> s = end == Long.MAX_VALUE ? finished.take()
                        : finished.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (s == null) {
                    throw new TimeoutException("no task succeeded within the timeout");
                }
                if (s.succeeded()) {
                    return s.get();
                }
                try {
                    s.get();
                } catch (ExecutionException e) {
                    last = e;
                } catch (CancellationException e) {
                    last = new ExecutionException(e);
                }
            }
            throw last;
        } finally {
            for (Future<T> f : futures) {
                f.cancel(false);
            }
        }
    }

    // ---- shutting down ---------------------------------------------------------------------

    @Override
    public void shutdown() {
        shutdown = true;
        stop(false);
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> never = new ArrayList<>();
        for (Map.Entry<Submitted<?>, Object> e : outstanding.entrySet()) {
            if (e.getKey().cancel(false)) {
                Object task = e.getValue();
                never.add(task instanceof Runnable r ? r : new FutureTask<>((Callable<?>) task));
            }
        }
        stop(true);
        return never;
    }

    /** The pool's close (or terminate) in a thread of its own; the first call decides. */
    private void stop(boolean now) {
        if (!stopping.compareAndSet(false, true)) {
            if (now) {
                Thread t = new Thread(pool::terminate, "jmp-pool-terminate");
                t.setDaemon(true);
                t.start();
            }
            return;
        }
        Thread t = new Thread(() -> {
            try {
                if (now) {
                    pool.terminate();
                } else {
                    pool.close();
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "shutting the pool down", e);
            } finally {
                terminated.countDown();
            }
        }, now ? "jmp-pool-terminate" : "jmp-pool-shutdown");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    @Override
    public String toString() {
        return "TaskPoolExecutor[" + pool + (isTerminated() ? ", terminated" : shutdown ? ", shut down" : "") + "]";
    }
}
