package dev.jmp.queue;

import dev.jmp.PosixException;
import dev.jmp.posix.Errno;
import dev.jmp.posix.Linux;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The attributes jmp gives each message queue, and what to say when the kernel's
 * limits refuse one.
 *
 * <h2>The limits of an ordinary user (Linux)</h2>
 * <ul>
 * <li>{@code /proc/sys/fs/mqueue/msg_max} (10) and {@code msgsize_max} (8192): the
 *     most messages and the longest message a queue may have; more is EINVAL, also
 *     for root without CAP_SYS_RESOURCE.</li>
 * <li>{@code RLIMIT_MSGQUEUE} ({@code ulimit -q}, 819200 bytes): what all of a user's
 *     queues may take together. A queue costs {@code maxmsg * (msgsize + 96)} bytes
 *     (the messages plus the kernel's per-message bookkeeping, 2 x 48 bytes on
 *     x86-64): only 9 queues of 10 x 8192 fit, 73 of 10 x 1024, 134 of 10 x 512.
 *     Past it mq_open fails with EMFILE, "Too many open files", which names the
 *     wrong limit.</li>
 * <li>{@code /proc/sys/fs/mqueue/queues_max} (256): queues in the whole system; past
 *     it ENOSPC.</li>
 * </ul>
 *
 * <h2>What jmp picks</h2>
 * 10 messages of 1024 bytes ({@code jmp.queue.maxmsg}, {@code jmp.queue.msgsize},
 * clamped to the two {@code /proc} limits): 11 200 bytes of the quota, so a program
 * can hold 73 queues at once, and most small items (numbers, strings, small records,
 * a serialized lambda of ~600 bytes) travel inline. The number of messages does not
 * limit a Queue's {@code maxsize} (a semaphore counts the items; the message queue
 * only carries them), and the message size does not limit an item's size (a larger
 * item spills into shared memory and the queue carries a reference; see
 * {@link Spill}).
 */
final class MqLimits {
    private MqLimits() {
    }

    /** Kernel bookkeeping per message, counted against RLIMIT_MSGQUEUE (x86-64 and aarch64). */
    static final long OVERHEAD_PER_MESSAGE = 96;
    /** The smallest message size that still carries a spill reference comfortably. */
    static final long MIN_MSGSIZE = 128;

    private static final Path PROC = Path.of("/proc/sys/fs/mqueue");

    static final long MAXMSG = Math.max(1, Math.min(property("jmp.queue.maxmsg", 10), procLimit("msg_max", 10)));
    static final long MSGSIZE = Math.max(MIN_MSGSIZE,
            Math.min(property("jmp.queue.msgsize", 1024), procLimit("msgsize_max", 8192)));

    /** The bytes of RLIMIT_MSGQUEUE one queue of these attributes takes. */
    static long quotaBytes(long maxmsg, long msgsize) {
        return maxmsg * (msgsize + OVERHEAD_PER_MESSAGE);
    }

    /** True for the errors a dropped-but-not-yet-collected queue may be causing. */
    static boolean mayBeGarbage(PosixException e) {
        return e.errno() == Linux.EMFILE || e.errno() == Linux.ENOSPC || e.errno() == Linux.ENFILE;
    }

    /**
     * The exception for a failed creating mq_open: the same errno, with a message that
     * names the limit and what raises it.
     */
    static PosixException explain(PosixException e, long maxmsg, long msgsize) {
        String text;
        switch (e.errno()) {
            case Linux.EMFILE:
                if (nearFdLimit()) {
                    text = "Too many open files: this process has reached its limit of open file descriptors"
                            + " (RLIMIT_NOFILE, ulimit -n " + limit("Max open files") + ")";
                } else {
                    text = "the user's message queues are out of quota, not of files: RLIMIT_MSGQUEUE allows "
                            + limit("Max msgqueue size") + " bytes for all message queues of a user, and each jmp"
                            + " Queue takes " + quotaBytes(maxmsg, msgsize) + " (" + maxmsg + " messages x (" + msgsize
                            + " + " + OVERHEAD_PER_MESSAGE + ") bytes). Queues that are still referenced, or were"
                            + " dropped but are held open by another process, count. Raise it with ulimit -q (up"
                            + " to the hard limit; 'msgqueue' in /etc/security/limits.conf), or give new queues"
                            + " smaller messages with -Djmp.queue.msgsize=512 (larger items then spill to shared"
                            + " memory sooner)";
                }
                break;
            case Linux.ENOSPC:
                text = "No space left on device: the system holds " + procLimit("queues_max", 256)
                        + " message queues, the most /proc/sys/fs/mqueue/queues_max allows (raise it as root:"
                        + " sysctl fs.mqueue.queues_max=N)";
                break;
            case Linux.EINVAL:
                text = "Invalid argument: " + maxmsg + " messages of " + msgsize + " bytes exceed"
                        + " /proc/sys/fs/mqueue/msg_max (" + procLimit("msg_max", -1) + ") or msgsize_max ("
                        + procLimit("msgsize_max", -1) + "); set jmp.queue.maxmsg / jmp.queue.msgsize lower, or"
                        + " raise the limits as root (sysctl fs.mqueue.msg_max=N fs.mqueue.msgsize_max=N)";
                break;
            default:
                return e;
        }
        return Errno.exception("mq_open", e.errno(), text, e);
    }

    private static boolean nearFdLimit() {
        try {
            long max = Long.parseLong(limit("Max open files"));
            long open;
            try (var fds = Files.list(Path.of("/proc/self/fd"))) {
                open = fds.count();
            }
            return open + 2 >= max;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The soft value of a line of /proc/self/limits, e.g. "Max msgqueue size". */
    static String limit(String label) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/limits"));
            for (String line : lines) {
                if (line.startsWith(label)) {
                    String[] f = line.substring(label.length()).trim().split("\\s+");
                    return f[0];
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return "?";
    }

    static long procLimit(String file, long dflt) {
        try {
            // Not Files.readString: /proc reports size 0, so the JDK reads one byte first,
            // and a sysctl file read at offset 1 returns end of file: "10" becomes "1".
            // A buffered reader asks for 8 KiB in one read.
            return Long.parseLong(Files.readAllLines(PROC.resolve(file)).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return dflt;
        }
    }

    private static long property(String name, long dflt) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n <= 0) {
                throw new IllegalArgumentException(name + ": must be positive, got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a number: '" + v + "'", e);
        }
    }
}
