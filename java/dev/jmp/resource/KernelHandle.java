package dev.jmp.resource;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * This process's handle on one named kernel object (a message queue's descriptor, a
 * semaphore's {@code sem_t *}, a shared-memory mapping): opened at first use, closed
 * once, never reopened.
 *
 * <p><b>Why lazily.</b> A handle usually arrives by deserialization, inside a child's
 * target or a queued item, and many arrive that are never used: a child that never
 * touches a Lock it captured should bind no native code and map nothing for it. So a
 * receiver opens the name at its first operation. A creator either starts with the
 * handle it created, or (a semaphore) opens by name at its first operation too. The price is that a name its creator has unlinked fails
 * at first use rather than on arrival; {@link Lifetime} explains why that does not
 * happen to a child's own target.
 *
 * <p><b>Concurrency.</b> {@link #get()} is one volatile read once the handle is open.
 * The first users race into {@link #get()} together; they open under this object's
 * monitor, so the name is opened once and all of them see the same handle. The
 * closed flag is written under the same monitor, so no open can follow a close.
 * {@link #close()} takes the handle out under the monitor and passes it to the close
 * action outside it, exactly once, whichever thread gets there first.
 *
 * <p><b>Closing is the owner's business.</b> This class does not know when nobody
 * uses the handle any more. The owners of native handles (message queue, semaphore)
 * close only from {@link Cleanup}, once they are unreachable, and keep themselves
 * reachable across every native call ({@link java.lang.ref.Reference#reachabilityFence}),
 * so a descriptor is never closed under a thread that uses it and then reused by an
 * unrelated open. The open and close actions must therefore not refer to the owner.
 * A shared-memory segment closes on request, but its close action does nothing: the
 * mapping goes when the last buffer over it is collected, since unmapping memory a
 * thread still reads would crash the JVM.
 *
 * @param <H> the handle: an immutable value, published whole by one volatile write
 */
public final class KernelHandle<H> {
    private final String kind;
    private final String name;
    private final Function<String, H> open;
    private final Consumer<H> close;
    private volatile H handle;
    private volatile boolean closed;    // written under this

    /**
     * A handle on {@code name}, a {@code kind} ("semaphore", "message queue") for the
     * messages: {@code opened} if this process has just created the object, or null to
     * open it with {@code open} at the first {@link #get()}. {@code close} releases a
     * handle {@code open} gave; a failure of it is ignored, since the kernel releases
     * everything of a process at its exit anyway.
     */
    public KernelHandle(String kind, String name, H opened, Function<String, H> open, Consumer<H> close) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.name = Objects.requireNonNull(name, "name");
        this.open = Objects.requireNonNull(open, "open");
        this.close = Objects.requireNonNull(close, "close");
        this.handle = opened;
    }

    /** The open handle, opening it now if this is the first use. IllegalStateException once closed. */
    public H get() {
        H h = handle;
        return h != null ? h : openNow();
    }

    private synchronized H openNow() {
        if (closed) {
            throw new IllegalStateException(kind + " " + name + " is closed");
        }
        H h = handle;
        if (h == null) {
            h = Objects.requireNonNull(open.apply(name), "open");
            handle = h;
        }
        return h;
    }

    /** Closes the handle if it was opened; later {@link #get()} calls throw. */
    public void close() {
        H h;
        synchronized (this) {
            closed = true;
            h = handle;
            handle = null;
        }
        if (h != null) {
            try {
                close.accept(h);
            } catch (RuntimeException ignored) {
                // Often this runs in the cleaner thread, where nobody could handle it.
            }
        }
    }

    public boolean closed() {
        return closed;
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return kind + " " + name;
    }
}
