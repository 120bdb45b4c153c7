package dev.jmp.spawn;

import dev.jmp.blocking.Deadline;
import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import dev.jmp.resource.AtExit;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * The "warm" start method, jmp's answer to CPython's forkserver: child JVMs booted
 * ahead of time, each waiting on its payload pipe for a Process to run.
 *
 * <p>Why not a fork server: a JVM cannot fork (see {@link ChildSpawn}), so there is no
 * warm image to copy. What is slow about a child is everything before the target's
 * first line: JVM boot, class loading, Java serialization's first use, jnr-ffi's
 * bindings. A warm child does all of that while idle ({@link Bootstrap#run} with
 * {@code warm}), says so by writing one byte on its sentinel pipe, then blocks on
 * fd 3 like any spawned child. start() hands the serialized Process to a ready one
 * and a replacement boots in the background.
 *
 * <p>Why semantics stay those of spawn: a warm child is an ordinary spawned child
 * that reads its Process late. It runs exactly one Process and exits; its pid,
 * sentinel, exit code, signals and parent pipe are the ones spawn gives. The ready
 * byte is consumed before the child is handed out, so the sentinel a user sees
 * becomes readable only at exit. A captured Connection reaches a warm child too: it
 * is not handed over by posix_spawn but lent by the parent's fd sharer, and fetched
 * by SCM_RIGHTS when the child deserializes the target.
 *
 * <p>Idle children never outlive the parent: they block reading a pipe whose only
 * writer is the parent, and exit on its end of file. Nothing is started until the
 * method is selected.
 */
public final class WarmStarter {
    private WarmStarter() {
    }

    /** How many warm children to keep ready ({@code jmp.warm.size}). */
    static final int SIZE = Math.max(1, Integer.getInteger("jmp.warm.size", 2));
    /** Pause between handing a warm child out and booting its replacement ({@code jmp.warm.refillDelayMillis}). */
    static final long REFILL_DELAY_MILLIS = Long.getLong("jmp.warm.refillDelayMillis", 200);
    /** Consecutive warm children that died before ready, after which no more are booted. */
    private static final int MAX_FAILURES = 3;

    private record Idle(Popen popen, String java) {
    }

    private static final Object LOCK = new Object();
    private static final Deque<Idle> IDLE = new ArrayDeque<>();    // guarded by LOCK
    private static String java;                                     // guarded by LOCK; null: disabled
    private static int booting;                                     // guarded by LOCK
    private static int failures;                                    // guarded by LOCK
    private static boolean hooked;                                  // guarded by LOCK

    /** Selects the warm method for children of {@code javaBinary}; boots the first ones now. */
    public static void enable(String javaBinary) {
        List<Idle> stale;
        synchronized (LOCK) {
            stale = javaBinary.equals(java) ? List.of() : drainLocked();
            java = javaBinary;
            failures = 0;
            Rehearsal.keepShapes(true);
            if (!hooked) {
                hooked = true;
                AtExit.register(AtExit.Phase.WARM_CHILDREN, WarmStarter::atExit);
            }
        }
        discard(stale);
        refill();
    }

    /** Back to spawn: idle warm children are told to exit. */
    public static void disable() {
        List<Idle> stale;
        synchronized (LOCK) {
            java = null;
            stale = drainLocked();
        }
        Rehearsal.keepShapes(false);
        discard(stale);
    }

    /**
     * A warm child ready for a Process of {@code javaBinary}, or null when none is ready
     * yet (the caller then spawns one cold, which is faster than waiting for a boot).
     * The caller sends the child its Process, then calls {@link #handedOut}.
     */
    public static Popen take(String javaBinary) {
        List<Idle> dead = new ArrayList<>();
        Popen ready = null;
        boolean enableLater = false;
        synchronized (LOCK) {
            if (java == null) {
                // Selected by jmp.startMethod in a child JVM: boot only once needed.
                enableLater = true;
            } else if (!javaBinary.equals(java)) {
                return null;
            }
        }
        if (enableLater) {
            enable(javaBinary);
            return null;
        }
        synchronized (LOCK) {
            for (var it = IDLE.iterator(); it.hasNext() && ready == null; ) {
                Idle idle = it.next();
                int state = readyState(idle.popen());
                if (state > 0) {
                    it.remove();
                    ready = idle.popen();
                } else if (state < 0) {
                    it.remove();
                    dead.add(idle);
                    failures++;
                }
            }
        }
        discard(dead);
        if (ready == null) {
            refill();
        }
        return ready;
    }

    /**
     * After the Process has been sent to a child {@link #take} returned: its replacement
     * boots after {@link #REFILL_DELAY_MILLIS}. Not in take() itself: the Process should
     * be on its way before anything else is woken.
     */
    public static void handedOut() {
        refillAfter(REFILL_DELAY_MILLIS);
    }

    /** Pids of the idle warm children (for tests and diagnostics). */
    public static List<Integer> idlePids() {
        synchronized (LOCK) {
            List<Integer> pids = new ArrayList<>();
            for (Idle idle : IDLE) {
                pids.add(idle.popen().pid());
            }
            return pids;
        }
    }

    /**
     * Waits until at least one idle warm child has said it is ready (without taking
     * it), or the deadline passes. For tests and benchmarks that must measure a warm
     * start, not a cold fallback.
     */
    public static boolean awaitReady(Deadline deadline) {
        while (true) {
            int[] fds;
            synchronized (LOCK) {
                fds = IDLE.stream().mapToInt(i -> i.popen().sentinel()).toArray();
            }
            short[] events = new short[fds.length];
            Arrays.fill(events, Linux.POLLIN);
            dev.jmp.blocking.Interrupts.check("waiting for a warm child");
            int n = Posix.libc().poll(fds, events, new short[fds.length],
                    deadline.sliceMillis(dev.jmp.blocking.Interrupts.SLICE_MILLIS));
            if (n > 0) {
                return true;
            }
            if (deadline.expired()) {
                return false;
            }
        }
    }

    /**
     * Waits until every warm slot holds a child that said it is ready and none is
     * booting, or the deadline passes. For benchmarks: a warm start measured while a
     * replacement JVM boots on the same CPUs measures that boot too.
     */
    public static boolean awaitSettled(Deadline deadline) throws InterruptedException {
        synchronized (LOCK) {
            while (java != null && (IDLE.size() < SIZE || booting > 0)) {
                if (deadline.expired()) {
                    return false;
                }
                LOCK.wait(Math.max(1, deadline.sliceMillis(1000)));
            }
            return java != null;
        }
    }

    /** 1: the ready byte was there (and is now consumed); 0: still booting; -1: dead. */
    private static int readyState(Popen popen) {
        Posix posix = Posix.libc();
        short[] revents = new short[1];
        if (posix.poll(new int[] {popen.sentinel()}, new short[] {Linux.POLLIN}, revents, 0) <= 0) {
            return 0;
        }
        return posix.read(popen.sentinel(), new byte[1], 0, 1) == 1 ? 1 : -1;
    }

    private static Thread spawner;      // guarded by LOCK; started at the first enable, then for good
    private static long bootNotBefore;  // guarded by LOCK; System.nanoTime() before which no boot starts

    /** Wakes the spawner: it boots children until SIZE are idle or booting. */
    private static void refill() {
        synchronized (LOCK) {
            if (spawner == null) {
                spawner = new Thread(WarmStarter::spawnLoop, "jmp-warm-spawner");
                spawner.setDaemon(true);
                spawner.start();
            }
            LOCK.notifyAll();
        }
    }

    /**
     * Why a delay after a take: booting a JVM and preparing it costs ~0.3 s of CPU. Started
     * at once, the replacement competes for the CPUs with the child just handed out,
     * exactly while that child deserializes and starts its target (on 2 CPUs this
     * multiplied the time to the target's first line). After the delay, the new child
     * is well under way. For the same reason only one child boots at a time.
     */
    private static void refillAfter(long delayMillis) {
        synchronized (LOCK) {
            bootNotBefore = System.nanoTime() + delayMillis * 1_000_000L;
        }
        refill();
    }

    /**
     * The one thread that boots warm children, one at a time. Why one long-lived thread
     * and not a thread per boot: starting a thread waits until it runs, and on a busy
     * machine that cost the start() that handed a child out milliseconds.
     */
    private static void spawnLoop() {
        while (true) {
            synchronized (LOCK) {
                while (true) {
                    boolean wanted = java != null && failures < MAX_FAILURES && booting == 0 && IDLE.size() < SIZE;
                    long waitNanos = bootNotBefore - System.nanoTime();
                    if (wanted && waitNanos <= 0) {
                        break;
                    }
                    try {
                        LOCK.wait(wanted ? Math.max(1, waitNanos / 1_000_000L) : 0);
                    } catch (InterruptedException e) {
                        // Nobody interrupts this thread; carry on.
                    }
                }
                booting++;
            }
            bootOne();
        }
    }

    private static void bootOne() {
        String forJava;
        synchronized (LOCK) {
            forJava = java;
        }
        Popen popen = null;
        try {
            if (forJava != null) {
                List<String> argv = new ArrayList<>(JavaCommand.argv(forJava, true));
                argv.add(Bootstrap.WARM);
                popen = Popen.boot(argv, List.of());
            }
        } catch (RuntimeException e) {
            ProcessLog.debug("warm child failed to spawn: {0}", e);
        }
        boolean ready = popen != null && rehearseAndAwaitReady(popen);
        boolean keep;
        synchronized (LOCK) {
            booting--;
            LOCK.notifyAll();
            keep = ready && forJava.equals(java);
            if (keep) {
                IDLE.add(new Idle(popen, forJava));
            } else if (!ready && forJava != null) {
                failures++;
            }
        }
        if (!keep && popen != null) {
            discard(List.of(new Idle(popen, forJava)));
        }
    }

    /**
     * Waits until the booting child has prepared (its first byte on the sentinel pipe,
     * consumed here), then sends it the shapes learned so far, asks it to say it is ready,
     * and waits for that second byte (not consumed: take() reads it). Why the first byte:
     * preparing takes ~0.3 s, and shapes learned meanwhile must not be missed; the shapes
     * are taken only once the child is about to read them. Each wait is at most a minute.
     * False if the child ended, could not be written to or stayed silent: it is then
     * discarded.
     */
    private static boolean rehearseAndAwaitReady(Popen popen) {
        Deadline prepared = Deadline.after(Duration.ofMinutes(1));
        if (!awaitSentinel(popen, prepared) || readyState(popen) <= 0) {
            return false;
        }
        List<byte[]> scripts = Rehearsal.scripts();
        try {
            for (byte[] script : scripts) {
                if (!popen.sendRehearsal(script)) {
                    return false;
                }
            }
            if (!popen.requestReady()) {
                return false;
            }
        } catch (RuntimeException e) {
            ProcessLog.debug("warm child pid {0} could not be given its rehearsals: {1}", popen.pid(), e);
            return false;
        }
        // The ready byte, or the child's end: take() tells which.
        return awaitSentinel(popen, Deadline.after(Duration.ofMinutes(1)));
    }

    /** Until the sentinel pipe is readable (a byte, or the child's end) or the deadline passes. */
    private static boolean awaitSentinel(Popen popen, Deadline deadline) {
        short[] revents = new short[1];
        while (!deadline.expired()) {
            if (Posix.libc().poll(new int[] {popen.sentinel()}, new short[] {Linux.POLLIN}, revents,
                    deadline.sliceMillis(1000)) > 0) {
                return true;
            }
        }
        return false;
    }

    private static List<Idle> drainLocked() {
        List<Idle> all = new ArrayList<>(IDLE);
        IDLE.clear();
        return all;
    }

    /** Closing the payload pipe makes an idle child exit; then it is reaped, off this thread. */
    private static void discard(List<Idle> children) {
        if (children.isEmpty()) {
            return;
        }
        Thread t = new Thread(() -> {
            for (Idle idle : children) {
                Popen p = idle.popen();
                p.closePayload();
                if (p.await(Deadline.after(Duration.ofSeconds(10))) == null) {
                    p.kill();
                    p.await(Deadline.never());
                }
                p.close();
            }
        }, "jmp-warm-reaper");
        t.setDaemon(true);
        t.start();
    }

    /** At the parent's exit: idle children see end of file and exit by themselves. */
    private static void atExit() {
        Rehearsal.keepShapes(false);
        synchronized (LOCK) {
            java = null;
            for (Idle idle : drainLocked()) {
                idle.popen().closePayload();
            }
        }
    }
}
