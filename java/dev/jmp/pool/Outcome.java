package dev.jmp.pool;

import dev.jmp.InterruptedError;
import dev.jmp.ProcessError;
import java.util.function.Function;

/**
 * How one task (an apply, or one chunk of a map) ended, as delivered to its job, and
 * how that becomes a value or an exception in the thread that asks for it.
 *
 * <p>Three kinds:
 * <ul>
 * <li><b>remote</b>: what the worker sent, still serialized. It is decoded by the
 *     caller that asks for it (not by the pool's result thread, which stays free to
 *     take the next result), once; the decoded value or exception is kept.</li>
 * <li><b>failed here</b>: the pool decided the task failed (its worker died, the pool
 *     was terminated, an argument could not be serialized). A new exception is made
 *     at each throw, so its stack trace is the caller's.</li>
 * <li><b>thrown</b>: an exception to rethrow as it is (the one an imap's input
 *     iterator threw).</li>
 * </ul>
 *
 * <p>The rule for a task's own exception (API.md): a RuntimeException is thrown as
 * itself, with the stack trace it had in the worker, and a suppressed ProcessError
 * whose stack trace is where the caller asked for the result (added once: the
 * same exception object is thrown to every later caller); a checked one is wrapped in
 * a new ProcessError each time, the worker's exception as its cause. So is an Error
 * (an OutOfMemoryError, a StackOverflowError): thrown as itself it would say that
 * this process is out of memory, when it was the worker; the ProcessError names the
 * worker.
 */
final class Outcome {
    private final boolean ok;
    private byte[] bytes;           // guarded by this; dropped once decoded
    private int offset;             // where the value starts in bytes (after a frame's header)
    private final String worker;
    private final Function<String, RuntimeException> failure;
    private final String message;
    private final Throwable thrown;
    private final boolean cancelled;

    private boolean decoded;        // guarded by this
    private Object value;           // guarded by this
    private Throwable error;        // guarded by this
    private boolean marked;         // guarded by this

    private Outcome(boolean ok, byte[] bytes, String worker, Function<String, RuntimeException> failure,
            String message, Throwable thrown) {
        this(ok, bytes, worker, failure, message, thrown, false);
    }

    private Outcome(boolean ok, byte[] bytes, String worker, Function<String, RuntimeException> failure,
            String message, Throwable thrown, boolean cancelled) {
        this.cancelled = cancelled;
        this.ok = ok;
        this.bytes = bytes;
        this.worker = worker;
        this.failure = failure;
        this.message = message;
        this.thrown = thrown;
    }

    /** What worker {@code worker} ("PoolWorker-2 (pid 4242)") sent: a value if ok, else an exception. */
    static Outcome remote(boolean ok, byte[] bytes, String worker) {
        return remote(ok, bytes, 0, worker);
    }

    /** As {@link #remote(boolean, byte[], String)}, the value from {@code offset} on (a RESULT frame, uncopied). */
    static Outcome remote(boolean ok, byte[] bytes, int offset, String worker) {
        Outcome o = new Outcome(ok, bytes, worker, null, null, null);
        o.offset = offset;
        return o;
    }

    /** A successful remote value that arrived decoded (a list of arrays read straight from its spill file). */
    static Outcome decoded(Object value, String worker) {
        Outcome o = new Outcome(true, null, worker, null, null, null);
        o.decoded = true;
        o.value = value;
        return o;
    }

    /** Failed here: each throw is {@code failure.apply(message)}, made in the caller's thread. */
    static Outcome failed(Function<String, RuntimeException> failure, String message) {
        return new Outcome(false, null, null, failure, message, null);
    }

    static Outcome processError(String message, Throwable cause) {
        return failed(m -> new ProcessError(m, cause), message);
    }

    /** To be rethrown as it is. */
    static Outcome thrown(Throwable t) {
        return new Outcome(false, null, null, null, null, t);
    }

    /** The task was cancelled before it was sent to a worker: each throw is a new CancellationException. */
    static Outcome cancelled() {
        return new Outcome(false, null, null, java.util.concurrent.CancellationException::new,
                "the task was cancelled before it ran", null, true);
    }

    boolean isCancellation() {
        return cancelled;
    }

    /** True if the task completed without an exception (as the worker reported it). */
    boolean ok() {
        return ok;
    }

    /** The value; or throws as the class comment says. */
    synchronized Object value() {
        if (thrown != null) {
            throw sneaky(thrown);
        }
        if (failure != null) {
            throw failure.apply(message);
        }
        if (!decoded) {
            decode();
        }
        if (error == null) {
            return value;
        }
        if (error instanceof RuntimeException) {
            if (!marked) {
                marked = true;
                error.addSuppressed(new ProcessError("the exception above was raised by the task in " + worker
                        + "; its stack trace is the worker's, this one is the caller's"));
            }
            throw sneaky(error);
        }
        if (error instanceof Error) {
            throw new ProcessError("the task raised " + error + " in " + worker
                    + " (an Error of that worker, not of this process)", error);
        }
        throw new ProcessError("the task raised " + error, error);
    }

    /**
     * The exception the task ended with, unwrapped (what a Future's ExecutionException
     * holds as its cause): the worker's own exception, checked or not, or the one made
     * here; null if the task succeeded.
     */
    synchronized Throwable error() {
        if (thrown != null) {
            return thrown;
        }
        if (failure != null) {
            return failure.apply(message);
        }
        if (!decoded) {
            decode();
        }
        return error;
    }

    private void decode() {
        decoded = true;
        byte[] b = bytes;
        bytes = null;
        Object o;
        try {
            o = Wire.decodeValue(b, offset, b.length - offset);
        } catch (InterruptedError e) {
            // Not the value's fault: the next look decodes it again.
            decoded = false;
            bytes = b;
            throw e;
        } catch (ProcessError e) {
            // The value exists only in the worker; the caller gets why it could not arrive.
            error = new ProcessError("the " + (ok ? "result" : "exception") + " of the task in " + worker
                    + " could not be deserialized here: " + e.getMessage(), e.getCause());
            return;
        }
        if (ok) {
            value = o;
        } else if (o instanceof Throwable t) {
            error = t;
        } else {
            error = new ProcessError("the task in " + worker + " failed with a non-exception: " + o);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
