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
    private final boolean counted;      // the tracker removes it once nobody holds it (Holds)
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile boolean sent;      // a copy left this process: others may hold it
    private volatile Cleaner.Cleanable cleanable;

    OwnedName(String name, Consumer<String> unlink, boolean counted) {
        this.name = name;
        this.unlink = unlink;
        this.counted = counted;
    }

    boolean counted() {
        return counted;
    }

    void sent() {
        sent = true;
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
     * The owner has unlinked the name itself (or found it gone): nothing is left to do
     * here, and later unlinks, the Cleaner and the exit hook do nothing. True if the
     * name was still this process's duty.
     */
    public boolean disown() {
        boolean was = done.compareAndSet(false, true);
        if (was) {
            Lifetime.forget(this);
            Tracker.unregister(name);
        }
        Cleaner.Cleanable c = cleanable;
        if (c != null) {
            c.clean();      // deregisters; its action finds the work done
        }
        return was;
    }

    boolean unlinkOnce() {
        if (!done.compareAndSet(false, true)) {
            return false;
        }
        Lifetime.forget(this);
        unlinkNow();
        return true;
    }

    private void unlinkNow() {
        try {
            unlink.accept(name);
            Tracker.unregister(name);
        } catch (PosixException e) {
            if (e.errno() != Linux.ENOENT) {
                Lifetime.log(name, e);
            }
        } catch (RuntimeException e) {
            Lifetime.log(name, e);
        }
    }

    /**
     * The creator's object is unreachable (the cleaner) or the creator is exiting: a
     * counted name that was sent loses this process's hold, and the tracker removes it
     * once nobody else holds it; a name never sent (nobody else can hold it) or not
     * counted (no tracker, or it went away) is unlinked now.
     */
    void release() {
        if (!counted || !sent || !Tracker.counts()) {
            unlinkOnce();
            return;
        }
        if (done.compareAndSet(false, true)) {
            Holds.dropped(name);
            Lifetime.forget(this);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
