package dev.jmp.resource;

import dev.jmp.PosixException;
import dev.jmp.posix.Linux;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A kernel name this process created and will unlink exactly once (see
 * {@link Lifetime}). Holds only the name and the unlink action, never the object
 * that owns it.
 */
public final class OwnedName {
    private final String name;
    private final Consumer<String> unlink;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile Cleaner.Cleanable cleanable;

    OwnedName(String name, Consumer<String> unlink) {
        this.name = name;
        this.unlink = unlink;
    }

    void track(Cleaner.Cleanable c) {
        cleanable = c;
    }

    public String name() {
        return name;
    }

    public boolean unlinked() {
        return done.get();
    }

    /**
     * Unlinks the name now, if nobody has yet; true if this call did it. Later calls,
     * the Cleaner and the exit hook then do nothing.
     */
    public boolean unlink() {
        boolean did = unlinkOnce();
        Cleaner.Cleanable c = cleanable;
        if (c != null) {
            c.clean();      // deregisters; its action finds the work done
        }
        return did;
    }

    /**
     * This process is no longer responsible for the name: someone else will unlink it
     * (a spilled queue message, once its reference is in the queue, belongs to whoever
     * receives it). Nothing is unlinked, now or later, by this process; true if this
     * call let go of it (false if it was already unlinked or handed over).
     */
    public boolean handOver() {
        if (!done.compareAndSet(false, true)) {
            return false;
        }
        Lifetime.forget(this);
        Cleaner.Cleanable c = cleanable;
        if (c != null) {
            c.clean();      // deregisters; its action finds the work done
        }
        return true;
    }

    boolean unlinkOnce() {
        if (!done.compareAndSet(false, true)) {
            return false;
        }
        Lifetime.forget(this);
        try {
            unlink.accept(name);
        } catch (PosixException e) {
            if (e.errno() != Linux.ENOENT) {
                Lifetime.log(name, e);
            }
        } catch (RuntimeException e) {
            Lifetime.log(name, e);
        }
        return true;
    }

    @Override
    public String toString() {
        return name;
    }
}
