package dev.jmp.pool;

import dev.jmp.Call;
import dev.jmp.Func;
import dev.jmp.ProcessError;
import dev.jmp.Task;
import dev.jmp.blocking.Deadline;
import dev.jmp.queue.Codec;
import java.util.ArrayList;
import java.util.List;

/**
 * What a pool worker runs (its Process's target): CPython's {@code pool.worker}. Runs
 * the initializer once, then takes tasks from its own channel and answers each on the
 * shared result channel, until a STOP frame or its {@code maxtasks}-th task.
 *
 * <p>Every task gets exactly one answer, whatever happens short of the process dying:
 * the task's exception is sent as its result; a result or exception that cannot be
 * serialized is replaced by a ProcessError that says so (CPython's
 * MaybeEncodingError); a function or arguments that cannot be deserialized here fail
 * the task. So the pool's count of what this worker holds is always right.
 */
final class WorkerLoop implements Task {
    private static final long serialVersionUID = 1L;

    /** toString of an unserializable result in the error: at most this many characters. */
    private static final int REPR_MAX = 200;

    private final long id;
    private final Channel tasks;
    private final Channel results;
    private final Task initializer;
    private final int maxtasks;

    // The function of the last job (the pool sends it once per job and worker).
    private transient long job = -1;
    private transient Object func;
    private transient ProcessError funcError;

    /**
     * A worker's target. Without an initializer it is a lambda that captured only the
     * worker's id, its channels' names and maxtasks: plain values, so the worker gets its
     * Process as a direct payload (dev.jmp.spawn.LambdaRef), cheaper to write and to read
     * than this object by Java serialization. With an initializer, this object.
     */
    static Task target(long id, Channel tasks, Channel results, Task initializer, int maxtasks) {
        if (initializer != null) {
            return new WorkerLoop(id, tasks, results, initializer, maxtasks);
        }
        String tasksName = tasks.name();
        String resultsName = results.name();
        return () -> serve(id, tasksName, resultsName, maxtasks);
    }

    /** In the worker: the loop over the channels the parent named. */
    private static void serve(long id, String tasksName, String resultsName, int maxtasks) {
        new WorkerLoop(id, Channel.named(tasksName), Channel.named(resultsName), null, maxtasks).run();
    }

    WorkerLoop(long id, Channel tasks, Channel results, Task initializer, int maxtasks) {
        this.id = id;
        this.tasks = tasks;
        this.results = results;
        this.initializer = initializer;
        this.maxtasks = maxtasks;
    }

    @Override
    public void run() {
        job = -1;
        if (initializer != null) {
            try {
                initializer.run();
            } catch (Throwable t) {
                byte[] error = encodeError(t);
                results.send(Frames.initFailed(id, error, error.length), Deadline.never(), "reporting the initializer");
                return;
            }
        }
        results.send(Frames.ready(id), Deadline.never(), "reporting for work");
        int completed = 0;
        while (maxtasks == 0 || completed < maxtasks) {
            Object got = tasks.receiveTask(Deadline.never(), "waiting for a task");
            Frames.Task task;
            if (got instanceof Frames.Task read) {
                task = read;
            } else if (Frames.kind((byte[]) got) == Frames.TASK) {
                task = Frames.readTask((byte[]) got);
            } else {
                break;      // STOP
            }
            if (task.func() == null && task.job() != job) {
                // The pool took back the frame that carried this job's function (to give
                // unreceived tasks to an idle worker) while this one was on its way here:
                // a message queue hands frames out in order, but the two receivers race.
                results.send(Frames.resend(task.seq()), Deadline.never(), "asking for a task's function");
                continue;
            }
            byte[] reply = run(task);
            results.send(reply, Deadline.never(), "sending a result");
            completed++;
        }
    }

    /** The RESULT frame for one task (also {@link WarmUp}'s way in). */
    byte[] run(Frames.Task task) {
        Object value;
        try {
            value = call(task);
        } catch (Throwable t) {
            byte[] error = encodeError(t);
            return Frames.result(task.seq(), false, error, error.length);
        }
        byte[] bytes;
        try {
            // Results that are primitive arrays are written behind the frame's header at once: no copy.
            byte[] framed = value instanceof Batch b ? Codec.encodeArrays(b.items(), Frames.RESULT_HEADER) : null;
            if (framed != null) {
                return Frames.resultAround(task.seq(), framed);
            }
            bytes = value instanceof Batch b ? Batch.encode(b.items(), "the result") : Wire.encodeValue(value, "the result");
        } catch (IllegalArgumentException e) {
            ProcessError unsendable = new ProcessError("Error sending result: '" + repr(value) + "'. Reason: '"
                    + e.getMessage() + "'", e.getCause());
            byte[] error = encodeError(unsendable);
            return Frames.result(task.seq(), false, error, error.length);
        }
        return Frames.result(task.seq(), true, bytes, bytes.length);
    }

    private Object call(Frames.Task task) throws Exception {
        Object f = function(task);
        if (task.mode() == Frames.APPLY) {
            return ((Call<?>) f).call();
        }
        @SuppressWarnings("unchecked")
        Func<Object, Object> each = (Func<Object, Object>) f;
        Batch batch = Batch.of(task.decodeArgs());
        if (batch == null) {
            throw new ProcessError("a map task without its items");
        }
        List<Object> items = batch.items();
        List<Object> out = new ArrayList<>(items.size());
        for (Object item : items) {
            out.add(each.apply(item));
        }
        return new Batch(out);
    }

    private Object function(Frames.Task task) {
        if (task.func() != null) {
            job = task.job();
            func = null;
            funcError = null;
            try {
                func = Wire.decodeFunction(task.func());
            } catch (RuntimeException e) {
                funcError = e instanceof ProcessError pe ? pe : new ProcessError(e.toString(), e);
            }
        } else if (task.job() != job) {
            throw new ProcessError("task of job " + task.job() + " arrived without its function");
        }
        if (funcError != null) {
            throw new ProcessError("the function could not be deserialized in the worker: " + funcError.getMessage(),
                    funcError.getCause());
        }
        boolean expected = task.mode() == Frames.APPLY ? func instanceof Call<?> : func instanceof Func<?, ?>;
        if (!expected) {
            throw new ProcessError("the task's function is a " + (func == null ? "null" : func.getClass().getName()));
        }
        return func;
    }

    /** An exception as bytes; one that cannot be serialized becomes a ProcessError with its text and stack trace. */
    private static byte[] encodeError(Throwable t) {
        try {
            return Codec.encode(t, "the exception");
        } catch (IllegalArgumentException e) {
            ProcessError stand = new ProcessError(t + " (the exception itself could not be sent: " + e.getMessage() + ")");
            stand.setStackTrace(t.getStackTrace());
            return Codec.encode(stand, "the exception");
        }
    }

    private static String repr(Object value) {
        String s;
        try {
            s = String.valueOf(value instanceof Batch b ? b.items() : value);
        } catch (RuntimeException e) {
            s = value.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(value));
        }
        return s.length() > REPR_MAX ? s.substring(0, REPR_MAX) + "..." : s;
    }
}
