package dev.jmp;

import dev.jmp.blocking.Deadline;
import dev.jmp.blocking.FdWait;
import dev.jmp.spawn.ChildEntry;
import dev.jmp.spawn.FdHandover;
import dev.jmp.spawn.Popen;
import dev.jmp.spawn.ProcessLog;
import dev.jmp.spawn.Rehearsal;
import dev.jmp.spawn.WarmStarter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
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
    private static final class Cleaners {
        static final Cleaner CLEANER = Cleaner.create(r -> {
            Thread t = new Thread(r, "jmp-cleaner-process");
            t.setDaemon(true);
            return t;
        });
    }
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

    static {
        // A named class, not a method reference: the first lambda a JVM links costs it
        // ~20 ms of bootstrap, and every child runs this.
        ChildEntry.Registry.register(new Entry());
    }

    private static final class Entry implements ChildEntry {
        @Override
        public int bootstrap(Object process, InputStream parentPipe) {
            return bootstrapChild(process, parentPipe);
        }

        @Override
        public Object decode(byte[] payload, ClassLoader loader) throws IOException, ReflectiveOperationException {
            return DirectPayload.decode(payload, loader);
        }

        @Override
        public void prepare() {
            Task noop = () -> { };
            for (int i = 0; i < 50; i++) {
                byte[] bytes = serialize(new Process(noop), false);
                try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                        new java.io.ByteArrayInputStream(bytes))) {
                    in.readObject();
                } catch (IOException | ClassNotFoundException e) {
                    throw new IllegalStateException("warm child could not prepare", e);
                }
            }
            // The direct payload's path too, with a value of every plain kind (so the
            // class-data archive, made by a child that prepares, holds its classes:
            // measured, a warm child's first captured String cost 0.56 ms without).
            String word = "warm-up";
            int n = 1;
            long big = 2L;
            double real = 3.0;
            float ratio = 4.0f;
            boolean flag = true;
            char letter = 'c';
            byte small = 5;
            short half = 6;
            Integer nothing = null;
            Task plain = () -> java.util.Objects.hash(word, n, big, real, ratio, flag, letter, small, half, nothing);
            Process p = new Process(plain);
            byte[] direct = DirectPayload.encode(p, plain, p.name, false, p.identity, OWN_PID, "warm-up");
            try {
                DirectPayload.decode(direct, Process.class.getClassLoader());
            } catch (IOException | ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException("warm child could not prepare", e);
            }
            Multiprocessing.resetCounter();    // its children are still Process-N:1, :2, ...
            ParentWatch.prestart();
        }

        @Override
        public byte[] trainingPayload() {
            Task noop = () -> { };
            return payload(new Process(noop), false);
        }
    }

    private final Task target;
    private String name;
    private boolean daemon;
    private final int[] identity;
    private final Integer parentPid;   // the pid that created this object; null for MainProcess
    private String parentName;         // set by start(), for the child's parentProcess()

    /** Python's class name in repr for the two special instances; null otherwise. */
    private final transient String role;
    private transient volatile Popen popen;
    private transient volatile boolean closed;
    private transient Cleaner.Cleanable cleanable;
    private transient int sentinel = -1;

    /** For subclasses that override {@link #run()}. */
    public Process() {
        this(null, null);
    }

    public Process(Task target) {
        this(target, null);
    }

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
        this.role = null;
    }

    private Process(String role, String name, Integer parentPid, int sentinel) {
        this.target = null;
        this.name = name;
        this.identity = new int[0];
        this.parentPid = parentPid;
        this.role = role;
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
        this.role = null;
    }

    /** Never started, only serialized: see {@link #warmUpParent}. */
    private Process(Task target, String name, int[] identity, String role) {
        this.target = target;
        this.name = name;
        this.identity = identity;
        this.parentPid = OWN_PID;
        this.role = role;
    }

    /**
     * Under the warm start method, once children are ready, start() is where the time
     * goes, and most of it is serializing the Process, interpreted in a program that has
     * started few (measured: 110-200 us per start() over the first 25, ~10 us once
     * compiled). So when warm is selected, a background thread serializes a throwaway
     * Process with a lambda target 2000 times (~0.1 s of CPU, once per JVM): the same
     * code path, compiled before the first start() needs it. It creates no name, no
     * count and no kernel object.
     */
    static void warmUpParent() {
        if (!PARENT_WARMED.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> {
            Process throwaway = new Process(() -> { }, "warm-up", new int[] {0}, "warm-up");
            for (int i = 0; i < 2000; i++) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (Rehearsal.Recorder out = new Rehearsal.Recorder(bytes)) {
                    out.writeObject(throwaway);
                    out.key();
                } catch (IOException e) {
                    return;
                }
            }
        }, "jmp-warm-parent");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    private static final java.util.concurrent.atomic.AtomicBoolean PARENT_WARMED =
            new java.util.concurrent.atomic.AtomicBoolean();

    static Process mainProcess() {
        return new Process("_MainProcess", "MainProcess", null, -1);
    }

    // ---- the Python API ---------------------------------------------------------

    /** Runs the target; override in a subclass to run something else. */
    public void run() {
        if (target != null) {
            target.run();
        }
    }

    /**
     * Starts the child JVM. The target is serialized here, so a target that cannot be
     * serialized fails with IllegalArgumentException and nothing is spawned.
     */
    public void start() {
        synchronized (this) {
            checkClosed();
            if (popen != null) {
                throw new IllegalStateException("cannot start a process twice");
            }
            if (role != null || !Objects.equals(parentPid, OWN_PID)) {
                throw new IllegalStateException("can only start a process object created by current process");
            }
            if (Multiprocessing.currentProcess().daemon) {
                throw new IllegalStateException("daemonic processes are not allowed to have children");
            }
            Multiprocessing.cleanup();
            parentName = Multiprocessing.currentProcess().name;
            byte[] payload;
            Popen started;
            String java = Multiprocessing.executable();
            try (FdHandover handover = FdHandover.begin()) {
                boolean warm = Multiprocessing.getStartMethod().equals("warm");
                payload = payload(this, warm);
                List<Integer> fds = handover.parentFds();
                started = fds.isEmpty() && warm ? WarmStarter.take(java) : null;
                if (started != null) {
                    started.send(payload);
                    WarmStarter.handedOut();
                } else {
                    started = Popen.spawn(java, payload, fds);
                }
            }
            popen = started;
            sentinel = started.sentinel();
            cleanable = Cleaners.CLEANER.register(this, started::close);
            Multiprocessing.addChild(this);
            ProcessLog.debug("started {0} as pid {1}", name, started.pid());
        }
    }

    /**
     * What start() sends: a {@link DirectPayload} when the Process allows one, else Java
     * serialization. Under warm, the shape of the target is learned for the warm children
     * booted later: at every start for a serialized Process, once per lambda for a
     * direct one (a direct payload is cheaper to write and to read, ~0.2-0.3 ms less in
     * all, only if the parent does not serialize the target anyway).
     */
    private static byte[] payload(Process p, boolean warm) {
        byte[] direct = DirectPayload.encode(p, p.target, p.name, p.daemon, p.identity, p.parentPid, p.parentName);
        if (direct == null) {
            return serialize(p, warm);
        }
        if (warm) {
            Rehearsal.learnOnce(p.target);
        }
        return direct;
    }

    /** With {@code learnShape}, warm children booted later rehearse this target's shape. */
    private static byte[] serialize(Process p, boolean learnShape) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = learnShape ? new Rehearsal.Recorder(bytes) : new ObjectOutputStream(bytes)) {
            out.writeObject(p);
            if (out instanceof Rehearsal.Recorder shape) {
                WarmStarter.learn(shape);
            }
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException("process target cannot be serialized: " + e.getMessage()
                    + " is not Serializable (a lambda captures every variable it uses, and 'this' "
                    + "when it calls an instance method)", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("process target cannot be serialized: " + e, e);
        }
        return bytes.toByteArray();
    }

    /** Waits until the child ends. */
    public void join() {
        join(null);
    }

    /** Waits until the child ends or the timeout passes; check {@link #exitcode()}. */
    public void join(Duration timeout) {
        checkClosed();
        Deadline deadline = Deadline.after(timeout);
        if ("_ParentProcess".equals(role)) {
            FdWait.readable(sentinel, deadline, "joining the parent process");
            return;
        }
        if (role != null || !Objects.equals(parentPid, OWN_PID)) {
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

    public boolean isAlive() {
        checkClosed();
        if (this == Multiprocessing.currentProcess()) {
            return true;
        }
        if ("_ParentProcess".equals(role)) {
            return !FdWait.readable(sentinel, Deadline.after(Duration.ZERO), "polling the parent process");
        }
        if (role != null || !Objects.equals(parentPid, OWN_PID)) {
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

    public String name() {
        return name;
    }

    public void setName(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    public boolean daemon() {
        return daemon;
    }

    /** Only before start(). */
    public void setDaemon(boolean daemon) {
        if (popen != null) {
            throw new IllegalStateException("process has already started");
        }
        if (role != null) {
            throw new IllegalStateException("cannot change the daemon flag of " + name);
        }
        this.daemon = daemon;
    }

    /** The child's pid; null before start(). In the child itself, its own pid. */
    public Integer pid() {
        checkClosed();
        if (this == Multiprocessing.currentProcess()) {
            return OWN_PID;
        }
        if ("_ParentProcess".equals(role)) {
            return parentPid;
        }
        Popen p = popen;
        return p == null ? null : p.pid();
    }

    /** null while running (or not started); 0, 1, n after System.exit(n), -N if killed by signal N. */
    public Integer exitcode() {
        checkClosed();
        Popen p = popen;
        return p == null ? null : p.poll();
    }

    /** An fd that becomes readable when the child ends (for poll/select). */
    public int sentinel() {
        checkClosed();
        if (sentinel < 0) {
            throw new IllegalStateException("process not started");
        }
        return sentinel;
    }

    /** SIGTERM: the child dies by the signal, exitcode -15. */
    public void terminate() {
        started().terminate();
    }

    /** SIGKILL: exitcode -9. */
    public void kill() {
        started().kill();
    }

    /** Frees the fds held for the child; while it runs, IllegalStateException. */
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

    @Override
    public String toString() {
        Integer exit = null;
        String status;
        Popen p = popen;
        if (this == Multiprocessing.currentProcess()) {
            status = "started";
        } else if (closed) {
            status = "closed";
        } else if (!Objects.equals(parentPid, OWN_PID) || role != null) {
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

    private String label() {
        if (role != null) {
            return role;
        }
        String simple = getClass().getSimpleName();
        return simple.isEmpty() ? "Process" : simple;
    }

    // ---- internals -------------------------------------------------------------

    private void checkClosed() {
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

    /**
     * The child side, Python's {@code BaseProcess._bootstrap}: become the current
     * process, run, report an uncaught exception, wait for non-daemon threads, flush.
     */
    private static int bootstrapChild(Object obj, InputStream parentPipe) {
        Process self = (Process) obj;
        self.sentinel = -1;     // Java serialization leaves a transient int 0: "not started" in a child
        Process parentView = new Process("_ParentProcess", self.parentName, self.parentPid, FdHandover.PAYLOAD_FD);
        Multiprocessing.becomeChild(self, parentView);
        System.setIn(InputStream.nullInputStream());    // as Python: a child's stdin is /dev/null
        Runtime.getRuntime().addShutdownHook(new FlushHook());
        if (self.daemon) {
            ParentWatch.start(parentPipe, self.name);
        }
        int code;
        try {
            self.run();
            code = 0;
        } catch (Throwable t) {
            synchronized (System.err) {
                System.err.println("Process " + self.name + ":");
                t.printStackTrace();
            }
            code = 1;
        }
        joinNonDaemonThreads();
        flushStd();
        return code;
    }

    /** For System.exit(n) in the target: output written so far still reaches the parent. */
    private static final class FlushHook extends Thread {
        FlushHook() {
            super("jmp-flush");
        }

        @Override
        public void run() {
            flushStd();
        }
    }

    private static void flushStd() {
        System.out.flush();
        System.err.flush();
    }

    /** As Python's threading._shutdown() in a child: the process ends when its threads do. */
    private static void joinNonDaemonThreads() {
        Thread me = Thread.currentThread();
        while (true) {
            Thread other = null;
            for (Thread t : Thread.getAllStackTraces().keySet()) {   // no lambda: see Entry
                if (t != me && !t.isDaemon() && t.isAlive()) {
                    other = t;
                    break;
                }
            }
            if (other == null) {
                return;
            }
            try {
                other.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
