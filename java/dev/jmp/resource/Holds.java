package dev.jmp.resource;

/**
 * Who holds a shared kernel object: each handle object a process makes on a counted
 * name (a Lock's semaphore, a Queue's message queue, a Value's memory) is one hold,
 * told to the program's resource tracker, which removes the name once no process
 * holds it and no message carries a copy of it ({@code native/tracker/jmp_tracker.c}
 * gives the protocol and why).
 *
 * <p>The lines, one {@code write} each, none on the path of a lock's acquire or a
 * queue's put: the creator's hold is its registration ({@link KernelNames#createCounted});
 * {@link #sending} when a copy is serialized (the sender still holds the object, so
 * the count cannot reach zero before the copy is counted); {@link #arrived} or
 * {@link #landed} when a copy is decoded; {@link #opened} for a name opened without a
 * message (a pool worker's channels, named on its command line); and a drop when a
 * handle object becomes unreachable, written by the cleaner thread. A process that
 * ends, however it ends, drops all its holds: the tracker watches it.
 *
 * <p>Without a tracker (turned off, or gone) nothing is counted and the creator unlinks
 * its names itself, as {@link Lifetime} describes.
 */
public final class Holds {
    private Holds() {
    }

    /** Per thread: serialization whose bytes no process will decode (see {@link #unsent}). */
    private static final ThreadLocal<boolean[]> UNSENT = new Unsent();     // no lambdas: see Cleanup

    private static final class Unsent extends ThreadLocal<boolean[]> {
        @Override
        protected boolean[] initialValue() {
            return new boolean[1];
        }
    }

    /** A copy of {@code name} is being serialized ({@code writeObject}): one more copy in flight. */
    public static void sending(String name) {
        if (!UNSENT.get()[0]) {
            Lifetime.sent(name);
            Tracker.count('S', name, false);
        }
    }

    /**
     * {@code owner} is a new handle object on {@code name}, made for a copy that arrived
     * ({@code readObject}): it holds the name until it becomes unreachable.
     */
    public static void arrived(Object owner, String name) {
        hold('A', owner, name);
    }

    /** A copy of {@code name} arrived in this process, which already holds it: no longer in flight. */
    public static void landed(String name) {
        Tracker.count('L', name, false);
    }

    /** {@code owner} opened {@code name} by name, not from a message: it holds it until unreachable. */
    public static void opened(Object owner, String name) {
        hold('H', owner, name);
    }

    private static void hold(char op, Object owner, String name) {
        if (Tracker.counts()) {
            Tracker.count(op, name, true);
            Cleanup.onUnreachable(owner, new Dropped(name));
        }
    }

    /** One handle object of this process on {@code name} became unreachable. */
    static void dropped(String name) {
        Tracker.count('D', name, false);
    }

    private static final class Dropped implements Runnable {
        private final String name;

        Dropped(String name) {
            this.name = name;
        }

        @Override
        public void run() {
            dropped(name);
        }
    }

    /**
     * Marks this thread's serialization, until called again with false, as never sent
     * (learning a target's shape for warm children): no copy is then counted as in
     * flight, since none will arrive. Returns the previous setting, to restore.
     */
    public static boolean unsent(boolean on) {
        boolean[] flag = UNSENT.get();
        boolean was = flag[0];
        flag[0] = on;
        return was;
    }
}
