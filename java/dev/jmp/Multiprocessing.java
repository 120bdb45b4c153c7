package dev.jmp;

import dev.jmp.resource.AtExit;
import dev.jmp.spawn.Bootstrap;
import dev.jmp.spawn.JavaCommand;
import dev.jmp.spawn.ProcessLog;
import dev.jmp.spawn.StartMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Python's module-level functions of {@code multiprocessing}: the current and parent
 * process, the live children, the start method and the java binary children run.
 *
 * <p>Also the process-wide state behind them, as {@code multiprocessing.process}
 * keeps it: the current Process, the counter that names new children
 * ({@code Process-N}), the set of started children not yet reaped, and the first
 * step of the exit sequence ({@link AtExit}), which ends them when this JVM exits
 * (daemons terminated, the others joined).
 */
public final class Multiprocessing {
    private Multiprocessing() {
    }


    private static volatile Process current = new MainProcess();
    private static volatile Process parent;
    private static final AtomicInteger COUNTER = new AtomicInteger(1);
    private static final Set<Process> CHILDREN = ConcurrentHashMap.newKeySet();
    /**
     * Guarded by Multiprocessing.class. Not an AtomicBoolean: every child initializes
     * this class, and an AtomicBoolean's VarHandle costs a child's start time.
     */
    private static boolean exitStepRegistered;
    private static volatile String executable = System.getProperty("jmp.java", JavaCommand.defaultJava());
    private static volatile StartMethod startMethod = StartMethod.SPAWN;

    static {
        // Children start at the composition root, which the spawn layer could not name.
        JavaCommand.mainClass(new ChildMain());
        String name = System.getProperty("jmp.startMethod");
        if (name != null && !name.isEmpty()) {
            StartMethod method = StartMethod.named(name);
            if (method == null) {
                throw new IllegalArgumentException("jmp.startMethod: cannot find context for '" + name + "'");
            }
            startMethod = method;
            // A child JVM inherits the property: its warm children boot only at the first
            // start() that needs them, so a child that starts none boots none.
            if (method.bootsAhead() && !Bootstrap.isChild()) {
                method.select(executable);
            }
        }
    }

    /**
     * Python's {@code current_process()}.
     *
     * @return the Process this code runs in: "MainProcess" in the main program
     */
    public static Process currentProcess() {
        return current;
    }

    /**
     * Python's {@code parent_process()}.
     *
     * @return the process that started this one; null in the main program
     */
    public static Process parentProcess() {
        return parent;
    }

    /**
     * Python's {@code active_children()}; children that ended are reaped and dropped.
     *
     * @return the started children still running
     */
    public static List<Process> activeChildren() {
        cleanup();
        return new ArrayList<>(CHILDREN);
    }

    /**
     * Python's {@code cpu_count()}.
     *
     * @return the CPUs this JVM may use (its affinity mask and cgroup quota respected)
     */
    public static int cpuCount() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * The logger jmp logs to: Python's {@code get_logger()}. Configure it in the
     * System.Logger backend.
     *
     * @return the parent of jmp's {@code dev.jmp.*} System.Loggers
     */
    public static System.Logger getLogger() {
        return Logging.logger();
    }

    /**
     * Python's {@code log_to_stderr(level)}: jmp's records of {@code level} and above
     * go to System.err as {@code [LEVEL/processName] message}; called again, changes the
     * level. Children inherit nothing, as with spawn in CPython.
     *
     * @param level the lowest level printed
     * @return the logger, as {@link #getLogger()}
     * @throws UnsupportedOperationException unless System.Logger is backed by the JDK's
     *         default, java.util.logging
     */
    public static System.Logger logToStderr(System.Logger.Level level) {
        return Logging.toStderr(level);
    }

    /**
     * Python's {@code get_start_method()}.
     *
     * @return {@code "spawn"} (the default) or {@code "warm"}
     */
    public static String getStartMethod() {
        return startMethod.name();
    }

    /**
     * Python's {@code set_start_method(method)}: how later {@link Process#start()}s start
     * their child. {@code "warm"} boots child JVMs ahead of time (jmp's forkserver).
     *
     * @param method {@code "spawn"} or {@code "warm"}
     * @throws IllegalArgumentException for another name
     */
    public static void setStartMethod(String method) {
        Objects.requireNonNull(method, "method");
        StartMethod chosen = StartMethod.named(method);
        if (chosen == null) {
            throw new IllegalArgumentException("cannot find context for '" + method + "' (available: "
                    + getAllStartMethods() + ")");
        }
        startMethod = chosen;
        // Children are given the jmp.* properties: set before warm children boot, so that
        // every child keeps the method it was started with, as in CPython.
        System.setProperty("jmp.startMethod", chosen.name());
        chosen.select(executable);
        if (chosen.bootsAhead()) {
            ProcessPayload.warmUpParent();
        }
    }

    /**
     * Python's {@code get_all_start_methods()}. "spawn": a new JVM per start(). "warm":
     * JVMs booted ahead of time ({@code jmp.warm.size} of them, default 2), each running
     * one Process.
     *
     * @return the names {@link #setStartMethod} takes
     */
    public static List<String> getAllStartMethods() {
        return StartMethod.names();
    }

    /**
     * Python's {@code set_executable(path)}.
     *
     * @param javaBinary the java binary children run; by default the one running this
     *        JVM ({@code jmp.java})
     */
    public static void setExecutable(String javaBinary) {
        Objects.requireNonNull(javaBinary, "javaBinary");
        executable = javaBinary;
        if (startMethod.bootsAhead()) {
            startMethod.select(javaBinary);
        }
    }

    /**
     * Python's {@code Manager()}.
     *
     * @return a started {@link SyncManager} whose server is a child process, ended by
     *         {@code close()}, at this program's exit, or when this program dies
     */
    public static SyncManager manager() {
        SyncManager m = new SyncManager();
        m.start();
        return m;
    }

    // ---- state shared with Process -------------------------------------------------

    static String executable() {
        return executable;
    }

    static StartMethod startMethod() {
        return startMethod;
    }

    static int nextCount() {
        return COUNTER.getAndIncrement();
    }

    static void resetCounter() {
        COUNTER.set(1);
    }

    /** In a child JVM, once: this JVM now is {@code self}, started by {@code parentView}. */
    static void becomeChild(Process self, Process parentView) {
        current = self;
        parent = parentView;
    }

    static void addChild(Process p) {
        CHILDREN.add(p);
        synchronized (Multiprocessing.class) {
            if (!exitStepRegistered) {
                exitStepRegistered = true;
                AtExit.register(AtExit.Phase.CHILDREN, Multiprocessing::exitFunction);
            }
        }
    }

    static void discardChild(Process p) {
        CHILDREN.remove(p);
    }

    /** Python's {@code _cleanup()}: forget children that have ended, reaping them. */
    static void cleanup() {
        for (Process p : CHILDREN) {
            if (p.exitcodeQuietly() != null) {
                CHILDREN.remove(p);
            }
        }
    }

    /** Python's {@code util._exit_function}: daemons are terminated, then all joined. */
    private static void exitFunction() {
        List<Process> children = activeChildren();
        for (Process p : children) {
            if (p.daemon()) {
                ProcessLog.debug("calling terminate() for daemon {0}", p.name());
                p.terminate();
            }
        }
        for (Process p : children) {
            ProcessLog.debug("calling join() for process {0}", p.name());
            p.join();
        }
    }
}
