package dev.jmp.cluster;

import dev.jmp.ProcessError;
import java.util.concurrent.CancellationException;
import java.util.function.Supplier;

/**
 * How one task (an apply, or one chunk of a map) ended, and how that becomes a value
 * or an exception in the thread that asks for it. The rule is the core Pool's (see
 * {@link dev.jmp.AsyncResult}): a RuntimeException the task threw is thrown as itself,
 * with the member's stack trace and, once, a suppressed ProcessError with the
 * caller's; a checked exception or an Error is wrapped in a new ProcessError at each
 * throw. A failure decided here (the member left, the pool was terminated, the input
 * could not be serialized) is made anew at each throw, so its stack trace is the
 * caller's.
 */
final class Outcome {
    private final boolean ok;
    private final Object value;             // the value, or the task's own exception
    private final String where;             // "member [127.0.0.1]:5702"
    private final Supplier<RuntimeException> failure;
    private final boolean cancelled;
    private boolean marked;                 // guarded by this

    private Outcome(boolean ok, Object value, String where, Supplier<RuntimeException> failure, boolean cancelled) {
        this.ok = ok;
        this.value = value;
        this.where = where;
        this.failure = failure;
        this.cancelled = cancelled;
    }

    /** What the task returned or threw, on {@code where}. */
    static Outcome reply(Work.Reply r, String where) {
        if (!r.ok() && !(r.value() instanceof Throwable)) {
            return failed(() -> new ProcessError("the task on " + where + " failed with a non-exception: " + r.value()));
        }
        return new Outcome(r.ok(), r.value(), where, null, false);
    }

    /** Failed here: each throw is a new {@code failure.get()}. */
    static Outcome failed(Supplier<RuntimeException> failure) {
        return new Outcome(false, null, null, failure, false);
    }

    /** To be thrown as it is (what an imap's input iterator threw). */
    static Outcome thrown(RuntimeException e) {
        return new Outcome(false, e, null, null, false);
    }

    static Outcome cancelled() {
        return new Outcome(false, null, null, () -> new CancellationException("the task was cancelled before it ran"), true);
    }

    boolean ok() {
        return ok;
    }

    /** True for what the input iterator threw ({@link #thrown}). */
    boolean isInputError() {
        return !ok && failure == null && where == null;
    }

    boolean isCancellation() {
        return cancelled;
    }

    /** The value; or throws as the class comment says. */
    synchronized Object value() {
        if (ok) {
            return value;
        }
        if (failure != null) {
            throw failure.get();
        }
        Throwable e = (Throwable) value;
        if (where == null) {
            throw (RuntimeException) e;
        }
        if (e instanceof RuntimeException r) {
            if (!marked) {
                marked = true;
                r.addSuppressed(new ProcessError("the exception above was raised by the task on " + where
                        + "; its stack trace is the member's, this one is the caller's"));
            }
            throw r;
        }
        if (e instanceof Error) {
            throw new ProcessError("the task raised " + e + " on " + where
                    + " (an Error of that member, not of this process)", e);
        }
        throw new ProcessError("the task raised " + e, e);
    }

    /** The exception the task ended with, unwrapped (a Future's cause); null if it succeeded. */
    Throwable error() {
        if (ok) {
            return null;
        }
        return failure != null ? failure.get() : (Throwable) value;
    }
}
