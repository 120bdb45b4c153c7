package dev.jmp.resource;

import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Java side of the resource tracker ({@code native/tracker/jmp_tracker.c}, whose
 * comment gives the design): one small process per program that removes every kernel
 * name the program's processes registered and did not unlink, once all of them have
 * ended, however they ended.
 *
 * <p>Who holds what: the program's first process starts the tracker the first time
 * it registers a name or spawns a child, and keeps the write end of the tracker's
 * pipe (close-on-exec, never closed before exit). Every child gets that write end
 * from the spawn ({@link #inheritableFd()}: the spawn puts it after the child's other
 * fds and names its number in {@code -Djmp.tracker.fd}); a child finds it there and
 * starts no tracker of its own. Warm children are spawned the same way, so they hold
 * it too. The tracker sees end of file when the last of these processes is gone.
 *
 * <p>Why registration is one write: a line {@code "R name\n"} is a few dozen bytes, so
 * one {@code write} on the pipe is atomic with respect to other processes' lines and
 * costs one system call, against the several that making a semaphore or a queue
 * already costs. It is written before the object is made, so a process killed
 * between the two leaves a registered name with no object, which the tracker skips.
 *
 * <p>Holders: beyond registering names, each process tells the tracker which counted
 * names it holds ({@link Holds}), each with one line of the same kind; the tracker
 * removes such a name once no process holds it. Lines about holds are written only
 * if this program has a tracker already: without one nothing is counted.
 *
 * <p>No tracker (its program missing from the build, a spawn that failed): names are
 * not registered, as before the tracker existed; a warning says so once.
 */
public final class Tracker {
    private Tracker() {
    }

    /** The child's number of the inherited write end ({@code -Djmp.tracker.fd=N}). */
    public static final String FD_PROPERTY = "jmp.tracker.fd";
    /** The tracker's pid, for children and tests. */
    public static final String PID_PROPERTY = "jmp.tracker.pid";

    private static final Log LOG = new Log("dev.jmp.resource.Tracker");

    private static final int UNSET = -2;
    private static final int NONE = -1;

    private static volatile int fd = UNSET;
    private static volatile int pid = NONE;
    private static volatile boolean root;

    /**
     * Registers a kernel name this process is about to create, kept until it is
     * unlinked or the program ends (a SharedMemory: Python's rule).
     */
    public static void register(String name) {
        send('R', name);
    }

    /**
     * Registers a name this process is about to create and holds, counted from now on:
     * the tracker removes it once no process holds it and no copy of it is in flight
     * ({@link Holds}). True if a tracker took it; false if the program has none (then the
     * creator's {@link Lifetime} unlinks it, as before the tracker counted holders).
     */
    public static boolean created(String name) {
        return send('N', name, true);
    }

    /** True if this program's tracker counts holders (it runs and has not gone away). */
    public static boolean counts() {
        return fdIfAny() >= 0;
    }

    /** True in the program's first process, the one that started the tracker. */
    public static boolean root() {
        return root;
    }

    /** One line about a counted name ({@link Holds}); nothing if the program has no tracker yet. */
    static void count(char op, String name, boolean withSelf) {
        if (fdIfAny() >= 0) {
            send(op, name, withSelf);
        }
    }

    /** The name was unlinked: the tracker forgets it. */
    public static void unregister(String name) {
        if (name.indexOf('/', 1) >= 0) {
            return;     // a path (a spill file handed over), not a name the tracker knows
        }
        send('U', name);
    }

    /**
     * The write end a spawned child must hold (starting the tracker if this program has
     * none yet), or -1 if there is no tracker.
     */
    public static int inheritableFd() {
        return fd();
    }

    /** The tracker's pid, or -1 if this program has none (or this process cannot tell). */
    public static int pid() {
        fd();
        return pid;
    }

    /**
     * {@code argv} of a child JVM with the tracker's fd number in it: the child will
     * find the write end at {@code childFd}. An inherited setting of the same property
     * (copied from this process's own) is dropped; the new one goes right after the
     * java binary, before the main class.
     */
    public static List<String> childArgv(List<String> argv, int childFd) {
        List<String> out = new java.util.ArrayList<>(argv.size() + 2);
        out.add(argv.get(0));
        out.add("-D" + FD_PROPERTY + "=" + childFd);
        if (pid > 0) {
            out.add("-D" + PID_PROPERTY + "=" + pid);
        }
        for (String a : argv.subList(1, argv.size())) {
            if (!a.startsWith("-D" + FD_PROPERTY + "=") && !a.startsWith("-D" + PID_PROPERTY + "=")) {
                out.add(a);
            }
        }
        return out;
    }

    private static void send(char op, String name) {
        send(op, name, false);
    }

    /** Writes {@code "op name[ pid start]\n"} in one write; false if there is no tracker to take it. */
    private static boolean send(char op, String name, boolean withSelf) {
        int f = fd();
        if (f < 0) {
            return false;
        }
        byte[] self = withSelf ? Self.ID : (op == 'D' ? Self.PID : NOTHING);
        byte[] line = new byte[name.length() + 3 + self.length];
        line[0] = (byte) op;
        line[1] = ' ';
        for (int i = 0; i < name.length(); i++) {
            line[2 + i] = (byte) name.charAt(i);
        }
        System.arraycopy(self, 0, line, 2 + name.length(), self.length);
        line[line.length - 1] = '\n';
        try {
            Posix.libc().write(f, line, 0, line.length);
            return true;
        } catch (RuntimeException e) {
            // The tracker is gone (EPIPE) or the fd is no longer ours: stop talking to it.
            fd = NONE;
            LOG.log(System.Logger.Level.WARNING, "the resource tracker is gone: names are no longer tracked", e);
            return false;
        }
    }

    private static final byte[] NOTHING = new byte[0];

    /**
     * Who this process is, in the tracker's lines: {@code " pid"} and {@code " pid start"},
     * the start time (field 22 of {@code /proc/self/stat}) telling this process from a
     * later one that gets the same pid.
     */
    private static final class Self {
        static final byte[] PID = (" " + pid()).getBytes(StandardCharsets.US_ASCII);
        static final byte[] ID = (" " + pid() + " " + startTime()).getBytes(StandardCharsets.US_ASCII);

        private static long pid() {
            try {
                return ProcStat.selfPid();
            } catch (RuntimeException e) {
                return ProcessHandle.current().pid();
            }
        }

        private static String startTime() {
            try {
                return Long.toString(ProcStat.selfStartTime());
            } catch (RuntimeException e) {
                return "0";     // "unknown": the tracker then trusts the pid alone
            }
        }
    }

    /** The fd if this process talks to a tracker, without starting one: no tracker yet, nothing counted. */
    private static int fdIfAny() {
        int f = fd;
        if (f != UNSET) {
            return f;
        }
        return System.getProperty(FD_PROPERTY) != null ? fd() : NONE;
    }

    private static int fd() {
        int f = fd;
        if (f != UNSET) {
            return f;
        }
        synchronized (Tracker.class) {
            if (fd == UNSET) {
                fd = open();
            }
            return fd;
        }
    }

    private static int open() {
        if (!Boolean.parseBoolean(System.getProperty("jmp.tracker", "true"))) {
            return NONE;    // -Djmp.tracker=false: names are not tracked (and children inherit that)
        }
        String given = System.getProperty(FD_PROPERTY);
        if (given != null && !given.isEmpty()) {
            try {
                String p = System.getProperty(PID_PROPERTY);
                pid = p != null && !p.isEmpty() ? Integer.parseInt(p) : NONE;
                int n = Integer.parseInt(given);
                // Only a pipe is the tracker's: a JVM started with a copy of the
                // property but not by jmp's spawn must not write into a stray fd.
                if (java.nio.file.Files.readSymbolicLink(Path.of("/proc/self/fd/" + n)).toString().startsWith("pipe:")) {
                    return n;
                }
                LOG.log(System.Logger.Level.WARNING, FD_PROPERTY + "=" + given + " is not a pipe here: no tracker");
                return NONE;
            } catch (NumberFormatException | java.io.IOException e) {
                LOG.log(System.Logger.Level.WARNING, "ignoring " + FD_PROPERTY + "=" + given + ": " + e);
                return NONE;
            }
        }
        try {
            return start();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "no resource tracker (names a killed program leaves stay): " + e);
            return NONE;
        }
    }

    /** Starts this program's tracker: its stdin is the read end of a new pipe, whose write end we keep. */
    private static int start() throws Exception {
        Path program = dev.jmp.posix.NativeFiles.executable("jmp-tracker");
        Posix posix = Posix.libc();
        int[] pipe = posix.pipe2(Linux.O_CLOEXEC);
        try {
            // Its stdin is the pipe; stdout and stderr are ours (its rare warnings); nothing else.
            pid = posix.spawn(program.toString(), List.of("jmp-tracker"), List.of(), new int[] {pipe[0], 1, 2}, 0);
        } catch (RuntimeException e) {
            posix.close(pipe[1]);
            throw e;
        } finally {
            posix.close(pipe[0]);
        }
        System.setProperty(PID_PROPERTY, Integer.toString(pid));
        root = true;
        return pipe[1];
    }
}
