package dev.jmp.spawn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The file descriptors a child inherits, gathered while its Process is serialized.
 *
 * <p>An object backed by an fd (a Connection end) cannot travel as bytes: the child
 * needs the open file itself. So while {@code Process.start()} serializes the target,
 * such an object's {@code writeObject} calls {@link #inherit(int)}: the fd is recorded
 * here, posix_spawn hands it to the child with {@code adddup2}, and what is written
 * into the stream is the number the child will find it under. Outside a spawn (an
 * object sent through a pipe or a queue) there is no handover and {@link #inherit}
 * returns empty, and the object lends its fd through the fd sharer instead
 * ({@code dev.jmp.connection.FdSharer}). A Process going to a warm child, which is
 * already running, collects nothing either ({@link #begin(boolean) begin(false)}).
 *
 * <p>Fd numbers in the child are fixed: 0-2 are the parent's standard streams, 3 the
 * pipe the Process arrives on, 4 the write end of the parent's sentinel, and the
 * inherited fds follow from 5 in the order they were met.
 */
public final class FdHandover implements AutoCloseable {
    public static final int PAYLOAD_FD = 3;
    public static final int SENTINEL_FD = 4;
    public static final int FIRST_INHERITED_FD = 5;

    private static final ThreadLocal<FdHandover> ACTIVE = new ThreadLocal<>();

    /** parent fd -> child fd, in the order met. */
    private final Map<Integer, Integer> fds = new LinkedHashMap<>();
    private final FdHandover outer;
    private final boolean collecting;

    private FdHandover(boolean collecting) {
        this.collecting = collecting;
        outer = ACTIVE.get();
        ACTIVE.set(this);
    }

    /** Starts collecting on this thread; close() stops. */
    public static FdHandover begin() {
        return new FdHandover(true);
    }

    /**
     * {@code collect == false}: the child is already running (warm), so nothing can be
     * handed over by posix_spawn; until close(), fd-backed objects travel through the fd
     * sharer, as in any message.
     */
    public static FdHandover begin(boolean collect) {
        return new FdHandover(collect);
    }

    /**
     * While a Process is being serialized for a child: the number under which the
     * child will find {@code parentFd}. Empty when nothing is being spawned.
     */
    public static OptionalInt inherit(int parentFd) {
        FdHandover h = ACTIVE.get();
        if (h == null || !h.collecting) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(h.fds.computeIfAbsent(parentFd, fd -> FIRST_INHERITED_FD + h.fds.size()));
    }

    /**
     * True while a Process is being serialized for a child that inherits fds (a spawn):
     * {@link #inherit} then gives a number.
     */
    public static boolean collecting() {
        FdHandover h = ACTIVE.get();
        return h != null && h.collecting;
    }

    /** Parent fds to hand over, in child-fd order (index i lands on FIRST_INHERITED_FD + i). */
    public List<Integer> parentFds() {
        return new ArrayList<>(fds.keySet());
    }

    @Override
    public void close() {
        if (outer == null) {
            ACTIVE.remove();
        } else {
            ACTIVE.set(outer);
        }
    }
}
