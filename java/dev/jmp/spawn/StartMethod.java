package dev.jmp.spawn;

import java.util.ArrayList;
import java.util.List;

/**
 * How a child JVM comes to be: CPython's start methods, each a context whose Process
 * makes a {@code Popen}. Here each method makes the parent's handle on a child
 * ({@link Popen}) from a payload; {@code dev.jmp.Multiprocessing} holds the one chosen.
 *
 * <ul>
 * <li>{@link #SPAWN}: a new JVM per start() (posix_spawn, see {@link ChildSpawn}).</li>
 * <li>{@link #WARM}: JVMs booted ahead of time by {@link WarmStarter}, each running one
 *     Process; a Process that inherits fds, or one started while none is ready, is
 *     spawned.</li>
 * </ul>
 * The method's name is compared only by {@link #named}, when a program chooses one.
 */
public abstract class StartMethod {
    /** A new JVM per start(). */
    public static final StartMethod SPAWN = new Spawn();
    /** JVMs booted ahead of time ({@code jmp.warm.size} of them, default 2), each running one Process. */
    public static final StartMethod WARM = new Warm();

    private static final List<StartMethod> ALL = List.of(SPAWN, WARM);

    private final String name;

    private StartMethod(String name) {
        this.name = name;
    }

    /** The method called {@code name}, or null if there is none. */
    public static StartMethod named(String name) {
        for (StartMethod m : ALL) {
            if (m.name.equals(name)) {
                return m;
            }
        }
        return null;
    }

    /** The names of all methods, as {@code multiprocessing.get_all_start_methods()}. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        for (StartMethod m : ALL) {
            names.add(m.name);
        }
        return names;
    }

    public final String name() {
        return name;
    }

    /**
     * This method is now the chosen one, for children of {@code java} (also called
     * again when the program changes its java binary).
     */
    public abstract void select(String java);

    /**
     * True if children are booted ahead of time: start() is then where a start's time
     * goes, and the parent compiles that path early too.
     */
    public abstract boolean bootsAhead();

    /** A child of {@code java} running {@code payload}, given {@code fds} from its fd 5 on. */
    public final Popen start(String java, byte[] payload, List<Integer> fds) {
        ChildStartEvent event = new ChildStartEvent();
        event.begin();
        Popen child = launch(java, payload, fds);
        if (event.isEnabled()) {
            event.pid = child.pid();
            event.startMethod = name;
            event.commit();
        }
        return child;
    }

    /** How this method makes the child of {@link #start}. */
    abstract Popen launch(String java, byte[] payload, List<Integer> fds);

    @Override
    public String toString() {
        return name;
    }

    private static final class Spawn extends StartMethod {
        Spawn() {
            super("spawn");
        }

        @Override
        public void select(String java) {
            WarmStarter.disable();
        }

        @Override
        public boolean bootsAhead() {
            return false;
        }

        @Override
        Popen launch(String java, byte[] payload, List<Integer> fds) {
            return Popen.spawn(java, payload, fds);
        }
    }

    private static final class Warm extends StartMethod {
        Warm() {
            super("warm");
        }

        @Override
        public void select(String java) {
            WarmStarter.enable(java);
        }

        @Override
        public boolean bootsAhead() {
            return true;
        }

        /** A warm child cannot take fds it was not born with: those Processes are spawned. */
        @Override
        Popen launch(String java, byte[] payload, List<Integer> fds) {
            Popen ready = fds.isEmpty() ? WarmStarter.take(java) : null;
            if (ready == null) {
                return Popen.spawn(java, payload, fds);
            }
            ready.send(payload);
            WarmStarter.handedOut();
            return ready;
        }
    }
}
