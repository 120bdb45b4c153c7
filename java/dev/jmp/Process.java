package dev.jmp;

import dev.jmp.blocking.Deadline;
import dev.jmp.spawn.FdHandover;
import dev.jmp.spawn.Popen;
import dev.jmp.spawn.ProcessLog;
import java.io.IOException;
import java.io.Serializable;
import dev.jmp.resource.Cleanup;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A Java function run in a child JVM: Python's {@code multiprocessing.Process}.
 *
 * <p>{@link #start()} serializes this object (its target and everything the target
 * captures) and hands it to a fresh JVM started with posix_spawn; the child
 * deserializes it, makes it its {@link Multiprocessing#currentProcess()}, calls
 * {@link #run()} and exits with 0, or 1 after printing {@code Process <name>:} and the
 * stack trace of an uncaught exception, or n after {@code System.exit(n)}. A child
 * killed by signal N has exitcode -N.
 *
 * <p>Use {@code import dev.jmp.Process;}: it shadows {@code java.lang.Process}.
 */
public class Process implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Started on the first start(), not in every child that merely runs a Process. */
    static final int OWN_PID = ownPid();

    /**
     * /proc/self names this process. ProcessHandle.current() would do, but initializing
     * ProcessHandleImpl starts the JDK's process-reaper machinery, which costs every
     * child JVM a few milliseconds for nothing.
     */
    private static int ownPid() {
        try {
            return Integer.parseInt(new java.io.File("/proc/self").getCanonicalFile().getName());
        } catch (IOException | NumberFormatException e) {
            return (int) ProcessHandle.current().pid();
        }
    }

    /** What the child runs. */
    private Task target;               // dropped by start(), as CPython's del self._target
    /** The name. */
    private String name;
    /** Whether the child is a daemon. */
    private boolean daemon;
    /** The numbers of the name {@code Process-1:2}: CPython's {@code _identity}. */
    private final int[] identity;
    /** The pid of the process that made this object. */
    private final Integer parentPid;   // the pid that created this object; null for MainProcess
    /** The name of the process that started it. */
    private String parentName;         // set by start(), for the child's parentProcess()

    private transient volatile Popen popen;
    private transient volatile boolean closed;
    private transient Cleaner.Cleanable cleanable;
    private transient int sentinel = -1;

    /** For subclasses that override {@link #run()}: Python's {@code Process()} subclassed. */
    public Process() {
        this(null, null);
    }

    /**
     * Python's {@code Process(target=f)}.
     *
     * @param target what the child runs (serialized into it at {@link #start()})
     */
    public Process(Task target) {
        this(target, null);
    }

    /**
     * Python's {@code Process(target=f, name=name)}.
     *
     * @param target what the child runs (may be null: then {@link #run()} does nothing)
     * @param name the name (null: {@code Process-N}, {@code Process-N:M} in a child)
     */
    public Process(Task target, String name) {
        this.target = target;
        Process cur = Multiprocessing.currentProcess();
        int[] parentIdentity = cur.identity;
        this.identity = Arrays.copyOf(parentIdentity, parentIdentity.length + 1);
        this.identity[parentIdentity.length] = Multiprocessing.nextCount();
        this.name = name != null ? name : "Process-" + Arrays.stream(identity)
                .mapToObj(Integer::toString).collect(Collectors.joining(":"));
        this.daemon = cur.daemon;
        this.parentPid = OWN_PID;
    }

    /** For {@link MainProcess} and {@link ParentProcess}: no target, no identity of their own. */
    Process(String name, Integer parentPid, int sentinel) {
        this.target = null;
        this.name = name;
        this.identity = new int[0];
        this.parentPid = parentPid;
        this.sentinel = sentinel;
    }

    /** In a child, the Process its parent sent as a {@link DirectPayload}. */
    Process(Task target, String name, boolean daemon, int[] identity, int parentPid, String parentName) {
        this.target = target;
        this.name = name;
        this.daemon = daemon;
        this.identity = identity;
        this.parentPid = parentPid;
        this.parentName = parentName;
    }

    // ---- the Python API ---------------------------------------------------------

    /** Runs the target, in the child: Python's {@code run()}; override in a subclass to run something else. */
    public void run() {
        if (target != null) {
            target.run();
        }
    }

    /**
     * Starts the child JVM: Python's {@code start()}. The target is serialized here, so
     * a target that cannot be serialized fails with IllegalArgumentException and
     * nothing is spawned.
     *
     * @throws IllegalStateException if started before, or in a daemon process
     */
    public void start() {
        synchronized (this) {
            checkClosed();
            if (popen != null) {
                throw new IllegalStateException("cannot start a process twice");
            }
            if (!createdHere()) {
                throw new IllegalStateException("can only start a process object created by current process");
            }
            if (Multiprocessing.currentProcess().daemon) {
                throw new IllegalStateException("daemonic processes are not allowed to have children");
            }
            Multiprocessing.cleanup();
            parentName = Multiprocessing.currentProcess().name;
            Popen started;
            // A child booted ahead of time (warm) cannot inherit fds: the ones its target
            // captured are lent through the fd sharer instead of handed over.
            try (FdHandover handover = FdHandover.begin(!Multiprocessing.startMethod().bootsAhead())) {
                byte[] payload = ProcessPayload.of(this);
                started = Multiprocessing.startMethod().start(Multiprocessing.executable(), payload,
                        handover.parentFds());
            }
            popen = started;
            // The child has its own copy: dropping ours lets what the target captured be
            // collected (and its kernel objects unlinked) while the child runs.
            target = null;
            sentinel = started.sentinel();
            cleanable = Cleanup.onUnreachable(this, started::close);
            Multiprocessing.addChild(this);
            ProcessLog.debug("started {0} as pid {1}", name, started.pid());
        }
    }

    /**
     * Waits until the child ends: Python's {@code join()}.
     *
     * @throws IllegalStateException before {@link #start()}
     */
    public void join() {
        join(null);
    }

    /**
     * Waits until the child ends or the timeout passes: Python's {@code join(timeout)};
     * {@link #exitcode()} tells which.
     *
     * @param timeout the longest wait (null: none)
     * @throws IllegalStateException before {@link #start()}
     */
    public void join(Duration timeout) {
        checkClosed();
        Deadline deadline = Deadline.after(timeout);
        if (!createdHere()) {
            throw new IllegalStateException("can only join a child process");
        }
        Popen p = popen;
        if (p == null) {
            throw new IllegalStateException("can only join a started process");
        }
        if (p.await(deadline) != null) {
            Multiprocessing.discardChild(this);
        }
    }

    /**
     * Python's {@code is_alive()}.
     *
     * @return true from {@link #start()} until the child has ended
     */
    public boolean isAlive() {
        checkClosed();
        if (this == Multiprocessing.currentProcess()) {
            return true;
        }
        if (!createdHere()) {
            throw new IllegalStateException("can only test a child process");
        }
        Popen p = popen;
        if (p == null) {
            return false;
        }
        if (p.poll() == null) {
            return true;
        }
        Multiprocessing.discardChild(this);
        return false;
    }

    /**
     * Python's {@code name}.
     *
     * @return the name ({@code Process-N} unless one was given)
     */
    public String name() {
        return name;
    }

    /**
     * Python's {@code name = ...}.
     *
     * @param name the new name (not null)
     */
    public void setName(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * Python's {@code daemon}: a daemon child is terminated when its parent exits, and
     * may not start children.
     *
     * @return whether this is a daemon (by default, what its creator is)
     */
    public boolean daemon() {
        return daemon;
    }

    /**
     * Python's {@code daemon = ...}; only before {@link #start()} (else IllegalStateException).
     *
     * @param daemon whether the child is a daemon
     */
    public void setDaemon(boolean daemon) {
        if (popen != null) {
            throw new IllegalStateException("process has already started");
        }
        this.daemon = daemon;
    }

    /**
     * Python's {@code pid}.
     *
     * @return the child's pid; null before {@link #start()}. In the child itself, its own pid
     */
    public Integer pid() {
        checkClosed();
        if (this == Multiprocessing.currentProcess()) {
            return OWN_PID;
        }
        Popen p = popen;
        return p == null ? null : p.pid();
    }

    /**
     * Python's {@code exitcode}.
     *
     * @return null while running (or not started); 0 after a normal end, 1 after an
     *         uncaught exception, n after {@code System.exit(n)}, -N if killed by signal N
     */
    public Integer exitcode() {
        checkClosed();
        Popen p = popen;
        return p == null ? null : p.poll();
    }

    /**
     * Python's {@code sentinel}: what {@link Connection#await} waits on.
     *
     * @return an fd that becomes readable when the child ends (for poll/select)
     * @throws IllegalStateException before {@link #start()}
     */
    public int sentinel() {
        checkClosed();
        if (sentinel < 0) {
            throw new IllegalStateException("process not started");
        }
        return sentinel;
    }

    /** Sends SIGTERM: Python's {@code terminate()}; the child dies by the signal, exitcode -15. */
    public void terminate() {
        started().terminate();
    }

    /** Sends SIGKILL: Python's {@code kill()}; exitcode -9. */
    public void kill() {
        started().kill();
    }

    /**
     * Frees the fds held for the child: Python's {@code close()}; afterwards most
     * methods throw IllegalStateException.
     *
     * @throws IllegalStateException while the child runs
     */
    public void close() {
        synchronized (this) {
            Popen p = popen;
            if (p != null) {
                if (p.poll() == null) {
                    throw new IllegalStateException("Cannot close a process while it is still running. "
                            + "You should first call join() or terminate().");
                }
                cleanable.clean();
                popen = null;
                sentinel = -1;
            }
            Multiprocessing.discardChild(this);
            closed = true;
        }
    }

    /**
     * As Python's repr: {@code <Process name='Process-1' pid=4242 parent=4200 stopped exitcode=-SIGTERM>}.
     *
     * @return the description
     */
    @Override
    public String toString() {
        Integer exit = null;
        String status;
        Popen p = popen;
        if (this == Multiprocessing.currentProcess()) {
            status = "started";
        } else if (closed) {
            status = "closed";
        } else if (!createdHere()) {
            status = "unknown";
        } else if (p == null) {
            status = "initial";
        } else {
            exit = p.poll();
            status = exit != null ? "stopped" : "started";
        }
        StringBuilder sb = new StringBuilder("<").append(label()).append(" name='").append(name).append('\'');
        if (p != null) {
            sb.append(" pid=").append(p.pid());
        }
        sb.append(" parent=").append(parentPid == null ? "None" : parentPid).append(' ').append(status);
        if (exit != null) {
            sb.append(" exitcode=").append(Signals.exitcodeName(exit));
        }
        if (daemon) {
            sb.append(" daemon");
        }
        return sb.append('>').toString();
    }

    /** The class name repr shows: Python's {@code _MainProcess} and {@code _ParentProcess} for those two. */
    String label() {
        String simple = getClass().getSimpleName();
        return simple.isEmpty() ? "Process" : simple;
    }

    // ---- internals -------------------------------------------------------------

    /**
     * True for a Process this JVM created to start as its child; false for the main
     * process, a child's view of its parent, and a Process received from another JVM.
     */
    boolean createdHere() {
        return Objects.equals(parentPid, OWN_PID);
    }

    void checkClosed() {
        if (closed) {
            throw new IllegalStateException("process object is closed");
        }
    }

    private Popen started() {
        checkClosed();
        Popen p = popen;
        if (p == null) {
            throw new IllegalStateException("process not started");
        }
        return p;
    }

    /** exitcode() for the exit hook and cleanup: never throws for a closed object. */
    Integer exitcodeQuietly() {
        Popen p = popen;
        return p == null ? Integer.valueOf(0) : p.poll();
    }

    /** In a child, as it starts: the view of its parent, {@link Multiprocessing#parentProcess()}. */
    static Process parentOf(Process self) {
        self.sentinel = -1;     // Java serialization leaves a transient int 0: "not started" in a child
        return new ParentProcess(self.parentName, self.parentPid);
    }

    Task target() {
        return target;
    }

    int[] identity() {
        return identity;
    }

    int parentPid() {
        return parentPid;
    }

    String parentName() {
        return parentName;
    }
}
