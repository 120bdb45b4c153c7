package dev.jmp.cli;

import dev.jmp.posix.Posix;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code jmp doctor}: the limits a jmp program runs into, each with its value and
 * what to change; a list of problems and exit status 1 if any limit is too tight.
 * A queue's kernel cost follows the queue package's rule: maxmsg messages of msgsize
 * bytes plus the kernel's bookkeeping per message, against RLIMIT_MSGQUEUE.
 */
final class Doctor {
    private Doctor() {
    }

    private static final long OVERHEAD_PER_MESSAGE = 96;
    private static final int FEW_QUEUES = 8;
    private static final long LOW_SHM = 64L << 20;

    static int run(PrintStream out) throws IOException {
        List<String[]> rows = new ArrayList<>();
        List<String> problems = new ArrayList<>();

        String rlimit = limit("Max msgqueue size");
        long msgMax = proc("msg_max");
        long msgsizeMax = proc("msgsize_max");
        long queuesMax = proc("queues_max");
        long maxmsg = Math.max(1, Math.min(Long.getLong("jmp.queue.maxmsg", 10), msgMax < 0 ? 10 : msgMax));
        long msgsize = Math.max(128, Math.min(Long.getLong("jmp.queue.msgsize", 1024), msgsizeMax < 0 ? 8192 : msgsizeMax));
        long perQueue = maxmsg * (msgsize + OVERHEAD_PER_MESSAGE);
        rows.add(row("RLIMIT_MSGQUEUE", rlimit + " bytes", "ulimit -q (limits.conf: msgqueue) for more queues"));
        if (!rlimit.equals("unlimited")) {
            try {
                long fit = Long.parseLong(rlimit) / perQueue;
                rows.add(row("queues that fit", fit + " of " + maxmsg + " x " + msgsize + " bytes",
                        "-Djmp.queue.maxmsg / -Djmp.queue.msgsize make each queue smaller"));
                if (msgsizeMax > msgsize) {
                    long big = maxmsg * (msgsizeMax + OVERHEAD_PER_MESSAGE);
                    rows.add(row("queues that fit", Long.parseLong(rlimit) / big + " of " + maxmsg + " x " + msgsizeMax
                            + " bytes", "with -Djmp.queue.msgsize=" + msgsizeMax));
                }
                if (fit < FEW_QUEUES) {
                    problems.add("only " + fit + " jmp queues fit in RLIMIT_MSGQUEUE (" + rlimit
                            + " bytes): raise it with ulimit -q, or make queues smaller");
                }
            } catch (NumberFormatException e) {
                problems.add("cannot read RLIMIT_MSGQUEUE from /proc/self/limits");
            }
        }
        rows.add(row("fs/mqueue/msg_max", Long.toString(msgMax), "sysctl fs.mqueue.msg_max (caps jmp.queue.maxmsg)"));
        rows.add(row("fs/mqueue/msgsize_max", Long.toString(msgsizeMax), "sysctl fs.mqueue.msgsize_max"));
        rows.add(row("fs/mqueue/queues_max", Long.toString(queuesMax), "sysctl fs.mqueue.queues_max (all users)"));
        if (msgMax >= 0 && msgMax < 2) {
            problems.add("fs.mqueue.msg_max is " + msgMax + ": a Queue holds one message at a time");
        }
        if (queuesMax >= 0 && queuesMax < FEW_QUEUES) {
            problems.add("fs.mqueue.queues_max is " + queuesMax + ": raise it with sysctl");
        }

        long free = Files.getFileStore(KernelObjects.SHM).getUsableSpace();
        rows.add(row("/dev/shm free", mib(free), "mount -o remount,size=... /dev/shm (docker: --shm-size)"));
        if (free < LOW_SHM) {
            problems.add("/dev/shm has only " + mib(free) + " free: large items and SharedMemory blocks will fail");
        }

        Runtime.Version v = Runtime.version();
        rows.add(row("JDK", v + " (" + System.getProperty("java.vendor") + ", " + System.getProperty("java.home") + ")",
                v.feature() >= 24 ? "AOT caches (-XX:AOTCache) supported" : "JDK 24+ adds AOT caches (faster child start)"));
        for (String other : otherJdks()) {
            rows.add(row("other JDK", other, ""));
        }
        String backend = Posix.libc().getClass().getSimpleName();
        rows.add(row("native layer", backend.equals("JniPosix") ? "libjmp (JNI)" : "jnr-ffi fallback (" + backend + ")",
                "-Djmp.posix=jni|jnr"));
        Path cache = cacheDir();
        rows.add(row("class-data cache", mib(size(cache)) + " in " + cache, "delete it to rebuild the archives"));

        Main.table(out, new String[] {"kind", "value", "what to change"}, rows);
        if (problems.isEmpty()) {
            out.println("(nothing wrong)");
            return 0;
        }
        out.println("problems:");
        for (String p : problems) {
            out.println("- " + p);
        }
        return 1;
    }

    /** The JDKs in /usr/lib/jvm besides this one, each with whether it has AOT caches (JDK 24+). */
    private static List<String> otherJdks() {
        List<String> out = new ArrayList<>();
        Path self = Path.of(System.getProperty("java.home")).toAbsolutePath().normalize();
        try (Stream<Path> s = Files.list(Path.of("/usr/lib/jvm"))) {
            for (Path home : s.sorted().toList()) {
                Path release = home.resolve("release");
                if (Files.isSymbolicLink(home) || !Files.isRegularFile(release) || home.toAbsolutePath().normalize().equals(self)) {
                    continue;
                }
                for (String line : Files.readAllLines(release)) {
                    if (line.startsWith("JAVA_VERSION=")) {
                        String v = line.substring(13).replace("\"", "");
                        int feature = Integer.parseInt(v.split("[.+-]")[0]);
                        out.add(v + " at " + home + (feature >= 24 ? ": has AOT caches" : ""));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /usr/lib/jvm: nothing to suggest
        }
        return out;
    }

    private static String[] row(String what, String value, String change) {
        return new String[] {what, value, change};
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }

    /** The soft value of a line of /proc/self/limits ("unlimited" or a number). */
    private static String limit(String label) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith(label)) {
                return line.substring(label.length()).trim().split("\\s+")[0];
            }
        }
        return "?";
    }

    /** A /proc/sys/fs/mqueue value, or -1 (read through a buffered reader: /proc files report size 0). */
    private static long proc(String file) {
        try {
            return Long.parseLong(Files.readAllLines(Path.of("/proc/sys/fs/mqueue", file)).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("jmp");
    }

    private static long size(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
