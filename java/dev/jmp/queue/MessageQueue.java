package dev.jmp.queue;

import dev.jmp.InterruptedError;
import dev.jmp.PosixException;
import dev.jmp.blocking.Deadline;
import dev.jmp.blocking.FdWait;
import dev.jmp.blocking.Interrupts;
import dev.jmp.posix.Linux;
import dev.jmp.posix.MqAttr;
import dev.jmp.posix.Posix;
import dev.jmp.resource.HandleTable;
import dev.jmp.resource.KernelHandle;
import dev.jmp.resource.KernelNames;
import dev.jmp.resource.Lifetime;
import dev.jmp.resource.Log;
import dev.jmp.resource.OwnedName;
import java.lang.ref.Reference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * This process's handle on one POSIX message queue, the carrier under every jmp
 * queue: one kernel message per item, so concurrent producers and consumers never
 * interleave and need no lock around a send or a receive (CPython's pipe needs its
 * {@code _rlock}/{@code _wlock} for that; a message queue is atomic per message).
 *
 * <p><b>Name and lifetime.</b> {@code /jmp.<creator pid>.<random>}, mode 0600,
 * created O_EXCL. It lives while any process of the program holds a handle on it
 * (or a message carries one), and the resource tracker then removes it, and with it
 * the queue's spill directory ({@link Spill}; {@link Lifetime}, {@link dev.jmp.resource.Holds});
 * an explicit {@link #unlink()} removes both at once. Receivers open the name lazily, at their
 * first operation ({@link KernelHandle}). One handle per name per process
 * ({@link #attach}, {@link HandleTable}): every copy of a Queue that arrives in a
 * process shares it, and the creator's copies keep the creator's handle, and so the
 * name, alive.
 *
 * <p><b>Waiting.</b> The descriptor is opened O_NONBLOCK: a send or receive is one
 * attempt, and a blocking call waits in {@code poll(2)} on the descriptor (an mqd_t
 * is a file descriptor on Linux) in slices of
 * {@link dev.jmp.blocking.Interrupts#SLICE_MILLIS}, looking at the interrupt flag and
 * the caller's monotonic deadline between slices. Not mq_timedreceive: its timeout is
 * an absolute CLOCK_REALTIME time, so a wall-clock step (NTP, an administrator's
 * {@code date -s}) stretches or cuts every wait, and backwards by an hour one
 * slice becomes an hour in which Thread.interrupt() is not seen; poll's timeout is
 * relative and runs on the monotonic clock.
 *
 * <p><b>Closing.</b> The descriptor is closed when the handle becomes unreachable
 * (and by the kernel at exit), never while a call may use it: every method that
 * passes it to C keeps {@code this} reachable to the end, so a descriptor number is
 * never closed under a thread polling it and reused by an unrelated open
 * ({@link KernelHandle} states the rule for every kind of handle).
 */
public final class MessageQueue {
    private static final Log LOG = new Log("dev.jmp.queue");

    /** One handle per name in this process. */
    private static final HandleTable<MessageQueue> HANDLES = new HandleTable<>();

    /** GCs before giving up on the quota, each followed by a wait twice the last ({@link #collectGarbage}). */
    private static final int GC_RETRIES = 6;

    /**
     * How long a blocked send or receive keeps trying before it sleeps in poll. A
     * message queue holds few messages: a producer and a consumer that both sleep as
     * soon as it is full or empty take turns waking each other for every message or
     * two, while the next message is usually closer than a wake-up costs. Yielding
     * between tries lets the other side run when both share a CPU.
     */
    private static final long SPIN_NANOS = Long.getLong("jmp.queue.spinNanos", 20_000);

    private final String name;
    private final KernelHandle<Mqd> handle;
    private final OwnedName owned;    // null unless this process created the queue
    /** This process's mapping of the queue's spill arena, made at first use. */
    final Spill.ArenaHolder spillArena = new Spill.ArenaHolder();

    /** The descriptor and the queue's message size: what the handle holds. */
    private record Mqd(int fd, int msgsize) {
        static Mqd of(String name, int fd, MqAttr attr) {
            if (attr.msgsize() < MqLimits.MIN_MSGSIZE || attr.msgsize() > (1 << 24) || attr.maxmsg() < 1) {
                throw new IllegalStateException("message queue " + name + " has messages of " + attr.msgsize()
                        + " bytes: not a jmp queue");
            }
            return new Mqd(fd, (int) attr.msgsize());
        }

        /** A receiver's first use: opens the name O_NONBLOCK (see the class comment). */
        static Mqd open(String name) {
            Posix posix = Posix.libc();
            int fd;
            try {
                fd = posix.mq_open(name, Linux.O_RDWR | Linux.O_NONBLOCK);
            } catch (PosixException e) {
                throw KernelNames.gone(e, "queue " + name);
            }
            try {
                Mqd m = of(name, fd, posix.mq_getattr(fd));
                LOG.log(System.Logger.Level.DEBUG, "opened message queue {0}", name);
                return m;
            } catch (RuntimeException e) {
                posix.mq_close(fd);
                throw e;
            }
        }

        static void close(Mqd m) {
            Posix.libc().mq_close(m.fd);
        }
    }

    /**
     * Opening at first use, closing, and making a receiver's handle: named classes, not
     * lambdas, because a spawned child's first Queue and a pool worker's channels come
     * through here, and a young JVM's first lambda costs it the bootstrap of
     * java.lang.invoke (as {@code NamedSemaphore}'s).
     */
    private static final class OpenClose implements Function<String, Mqd>, Consumer<Mqd> {
        static final OpenClose INSTANCE = new OpenClose();

        @Override
        public Mqd apply(String name) {
            return Mqd.open(name);
        }

        @Override
        public void accept(Mqd m) {
            Mqd.close(m);
        }
    }

    private static final class Receiver implements Function<String, MessageQueue> {
        static final Receiver INSTANCE = new Receiver();

        @Override
        public MessageQueue apply(String name) {
            return new MessageQueue(name, null);
        }
    }

    /** {@code created}: the creator's open descriptor; null in a receiver, which opens at first use. */
    private MessageQueue(String name, Mqd created) {
        this.name = name;
        this.handle = new KernelHandle<>("message queue", name, created, OpenClose.INSTANCE, OpenClose.INSTANCE);
        this.owned = created != null ? Lifetime.hold(this, name, MessageQueue::unlinkWithSpills) : null;
        HANDLES.add(this, name, handle);
    }

    /**
     * Creates a queue under a fresh name with jmp's attributes ({@link MqLimits}) and
     * its spill directory. When the user's quota is full, it first lets the cleaner
     * unlink queues the program has dropped (a GC, then a few short waits), then
     * throws a PosixException that names the limit.
     */
    public static MessageQueue create() {
        return create(MqLimits.MAXMSG);
    }

    /**
     * As {@link #create()}, for a carrier that never holds more than {@code maxmsg}
     * messages (at most jmp's own number): it takes that much less of the user's quota
     * (a Pool worker's task channel holds at most a few).
     */
    public static MessageQueue create(long most) {
        if (most < 1) {
            throw new IllegalArgumentException("maxmsg must be positive, not " + most);
        }
        long maxmsg = Math.min(most, MqLimits.MAXMSG);
        long msgsize = MqLimits.MSGSIZE;
        for (int attempt = 0; ; attempt++) {
            try {
                return createOnce(maxmsg, msgsize);
            } catch (PosixException e) {
                if (!MqLimits.mayBeGarbage(e) || attempt >= GC_RETRIES) {
                    throw MqLimits.explain(e, maxmsg, msgsize);
                }
                collectGarbage(attempt);
            }
        }
    }

    /** Queues dropped by the program are unlinked by the cleaner, which runs after a GC. */
    private static void collectGarbage(int attempt) {
        System.gc();
        try {
            Thread.sleep(10L << attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedError("interrupted while waiting for the message queue quota", e);
        }
    }

    private static MessageQueue createOnce(long maxmsg, long msgsize) {
        Posix posix = Posix.libc();
        return KernelNames.createCounted(name -> {
            int fd = posix.mq_open(name, Linux.O_CREAT | Linux.O_EXCL | Linux.O_RDWR | Linux.O_NONBLOCK, 0600,
                    maxmsg, msgsize);
            MessageQueue q;
            try {
                Spill.createDirectory(name);
                q = new MessageQueue(name, Mqd.of(name, fd, posix.mq_getattr(fd)));
            } catch (RuntimeException | Error e) {
                posix.mq_close(fd);
                posix.mq_unlink(name);
                throw e;
            }
            LOG.log(System.Logger.Level.DEBUG, "created message queue {0} ({1} x {2} bytes)", name, maxmsg, msgsize);
            return q;
        });
    }

    /**
     * This process's handle on {@code name}, which arrived in a message: the existing
     * one, or a new one opened at first use (a hold on the name: {@link dev.jmp.resource.Holds}).
     */
    public static MessageQueue attach(String name) {
        return HANDLES.attach(name, Receiver.INSTANCE);
    }

    /** As {@link #attach}, for a name this process was given otherwise (a pool worker's command line). */
    public static MessageQueue open(String name) {
        return HANDLES.open(name, Receiver.INSTANCE);
    }

    /** The creator's unlink: the name, then whatever is left in the spill directory. */
    private static void unlinkWithSpills(String name) {
        try {
            Posix.libc().mq_unlink(name);
        } finally {
            Spill.removeDirectory(name);
        }
    }

    /** True for a name jmp could have made: {@code /jmp.<pid>.<random>}, nothing else. */
    public static boolean validName(String name) {
        if (name == null || name.length() < 8 || name.length() > 64 || !name.startsWith("/jmp.")) {
            return false;
        }
        for (int i = 5; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.')) {
                return false;
            }
        }
        return !name.contains("..");
    }

    public String name() {
        return name;
    }

    /** True in the process that created the queue (and will unlink it). */
    public boolean creator() {
        return owned != null;
    }

    private int fd() {
        return handle.get().fd;
    }

    /** The longest message the queue takes (opens it if needed). */
    public int msgsize() {
        return handle.get().msgsize;
    }

    /** One non-blocking send: true if the message is in the queue, false if it is full. */
    public boolean trySend(byte[] message, int length) {
        try {
            return Posix.libc().mq_timedsend(fd(), message, 0, length, 0, -1);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Sends, waiting for room until the deadline; false if it passed. InterruptedError
     * if the thread is interrupted while it waits.
     */
    public boolean send(byte[] message, int length, Deadline deadline, String what) {
        try {
            if (trySend(message, length) || spinSend(message, length)) {
                return true;
            }
            // Then sleep in poll for room, one native call per slice (Posix.mq_send).
            Posix posix = Posix.libc();
            long at = deadline.atNanos();
            int r = posix.mq_send(fd(), message, 0, length, 0, at, 0);
            while (r == Posix.SLICE_ENDED) {
                Interrupts.check(what);
                r = posix.mq_send(fd(), message, 0, length, 0, at, SLICE_NANOS);
            }
            return r > 0;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    private static final long SLICE_NANOS = Interrupts.SLICE_MILLIS * 1_000_000L;

    /** Waits until there is room or the deadline passes (one slice at most for the caller's checks). */
    public boolean awaitWritable(Deadline deadline, String what) {
        try {
            return FdWait.writable(fd(), deadline, what);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * One non-blocking receive into {@code buf} (at least {@link #msgsize()} long): the
     * message's length, or -1 if the queue is empty.
     */
    public int tryReceive(byte[] buf) {
        try {
            Mqd m = handle.get();
            return Posix.libc().mq_timedreceive(m.fd, buf, 0, m.msgsize, -1);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Receives into {@code buf}, waiting until the deadline: the message's length, or -1
     * if the deadline passed. InterruptedError if the thread is interrupted.
     */
    public int receive(byte[] buf, Deadline deadline, String what) {
        try {
            int n = tryReceive(buf);
            if (n >= 0 || (n = spinReceive(buf)) >= 0) {
                return n;
            }
            // Then sleep in poll for a message, one native call per slice (Posix.mq_receive).
            Posix posix = Posix.libc();
            long at = deadline.atNanos();
            n = posix.mq_receive(fd(), buf, 0, msgsize(), at, 0);
            while (n == Posix.SLICE_ENDED) {
                Interrupts.check(what);
                n = posix.mq_receive(fd(), buf, 0, msgsize(), at, SLICE_NANOS);
            }
            return n >= 0 ? n : -1;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Tries again for a few microseconds, yielding the CPU between tries, before the
     * caller goes to sleep in poll: see {@link #SPIN_NANOS}.
     */
    public boolean spinSend(byte[] message, int length) {
        long end = System.nanoTime() + SPIN_NANOS;
        do {
            Thread.yield();
            if (trySend(message, length)) {
                return true;
            }
        } while (System.nanoTime() - end < 0);
        return false;
    }

    private int spinReceive(byte[] buf) {
        long end = System.nanoTime() + SPIN_NANOS;
        do {
            Thread.yield();
            int n = tryReceive(buf);
            if (n >= 0) {
                return n;
            }
        } while (System.nanoTime() - end < 0);
        return -1;
    }

    /** Messages in the queue now (mq_getattr's mq_curmsgs). */
    public long curmsgs() {
        try {
            return Posix.libc().mq_getattr(fd()).curmsgs();
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Unlinks now if this process created the queue (tests; normally the Lifetime does it). */
    public boolean unlink() {
        return owned != null && owned.unlink();
    }

    @Override
    public String toString() {
        return name;
    }
}
