package dev.jmp.resource;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * The one exit sequence of a jmp process: CPython's {@code util._exit_function} with
 * the exit priorities of {@code util.Finalize}.
 *
 * <h2>Why one sequence</h2>
 * What jmp must do at exit depends on order: a child still starting must find the
 * names of the Locks and Queues it was given, so names are unlinked only after the
 * children have ended; a queue's feeder must have sent its items (whose spilled
 * shared memory must still exist) before names go. The JVM runs shutdown hooks
 * concurrently and in no order, so with one hook per concern each hook had to re-create
 * that order by calling into the others, and lower layers called up. Here there is one
 * hook, running the {@link Phase}s in their order in one thread; each layer registers
 * its steps into its phase and knows nothing of the others.
 *
 * <h2>When it runs</h2>
 * In the main program: from the JVM's shutdown hook (the program returned from main,
 * called System.exit, or got SIGINT). In a child: explicitly, right after its target
 * ends, before the child halts without running the program's shutdown hooks
 * ({@code os._exit}); or from the hook, when the target called System.exit. It runs
 * at most once; a second caller waits until the first has finished. A step that throws
 * is logged, and the steps after it still run.
 */
public final class AtExit {
    private AtExit() {
    }

    /** The phases, in the order they run. */
    public enum Phase {
        /**
         * Pools still running are terminated: their workers stopped, their channels
         * removed (CPython's Pool finalizer, exit priority 15, runs before
         * {@code _exit_function} joins children). Before CHILDREN, so that a pool never
         * sees the workers CHILDREN would terminate as deaths to replace.
         */
        POOLS,
        /** Daemonic children are terminated, then every child is joined. */
        CHILDREN,
        /** Queue feeders send what they buffered (or give up, see {@link #parentGone()}). */
        FEEDERS,
        /** Idle warm children are told to exit. */
        WARM_CHILDREN,
        /** Names this process created are unlinked. */
        NAMES,
        /** Buffered standard output and error reach their file descriptors. */
        STREAMS
    }

    /*
     * No lambda, no logger and no EnumMap in this class's initialization: every child
     * initializes it between its payload's arrival and its target's first line, and
     * there a first lambda of a kind (method handles spun and linked), the logging
     * service's start, or the reflective call by which an EnumMap finds its keys are
     * what the child would wait for.
     */
    private static final List<List<Runnable>> STEPS = new ArrayList<>();     // by Phase.ordinal()
    private static final Object HOOK_LOCK = new Object();  // not an AtomicBoolean: its first CAS links a VarHandle
    private static boolean hooked;     // guarded by HOOK_LOCK
    private static volatile BooleanSupplier parentGone;     // null: the main program
    private static boolean ran;     // guarded by AtExit.class

    static {
        for (int i = 0; i < Phase.values().length; i++) {
            STEPS.add(new CopyOnWriteArrayList<>());
        }
    }

    /**
     * Adds {@code step} to {@code phase} (after the steps already there) and installs
     * the shutdown hook if nothing has yet. A step registered while the sequence runs
     * may be missed; register before the work it finishes begins.
     */
    public static void register(Phase phase, Runnable step) {
        Objects.requireNonNull(step, "step");
        STEPS.get(Objects.requireNonNull(phase, "phase").ordinal()).add(step);
        installHook();
    }

    /**
     * Installs the shutdown hook if nothing has yet. {@link #register} does it; an idle
     * warm child does it while it waits, so that registering its first step (between
     * its payload's arrival and its target's first line) finds the JDK's hook
     * machinery initialized.
     */
    public static void installHook() {
        synchronized (HOOK_LOCK) {
            if (!hooked) {
                hooked = true;
                Runtime.getRuntime().addShutdownHook(new Hook());
            }
        }
    }

    /**
     * Removes {@code step} from {@code phase} (the same object {@link #register} was
     * given): what it would finish has been finished by its owner, who can now be
     * collected. Nothing if it is not there.
     */
    public static void unregister(Phase phase, Runnable step) {
        STEPS.get(Objects.requireNonNull(phase, "phase").ordinal()).remove(step);
    }

    /**
     * In a child: how to tell that its parent has exited, so that steps waiting for a
     * reader (a feeder with a full queue) give up instead of holding the exit forever.
     */
    public static void watchParent(BooleanSupplier gone) {
        parentGone = Objects.requireNonNull(gone, "gone");
    }

    /** True in a child whose parent has exited; false in the main program. */
    public static boolean parentGone() {
        BooleanSupplier gone = parentGone;
        if (gone == null) {
            return false;
        }
        try {
            return gone.getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Runs every phase in order, once; a second call waits for the first to finish. */
    public static synchronized void run() {
        if (ran) {
            return;
        }
        ran = true;
        for (Phase phase : Phase.values()) {
            for (Runnable step : STEPS.get(phase.ordinal())) {
                try {
                    step.run();
                } catch (RuntimeException | Error e) {
                    System.getLogger("dev.jmp.resource")
                            .log(System.Logger.Level.WARNING, "exit step of phase " + phase + " failed", e);
                }
            }
        }
    }

    /** A named class, not a lambda: a child installs it too, and a first lambda costs a JVM time to link. */
    private static final class Hook extends Thread {
        Hook() {
            super("jmp-exit");
        }

        @Override
        public void run() {
            AtExit.run();
        }
    }
}
