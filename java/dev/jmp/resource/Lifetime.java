package dev.jmp.resource;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Who removes a named kernel object, and when.
 *
 * <h2>Why this exists</h2>
 * POSIX semaphores, message queues and shared memory are <em>named</em> objects: the
 * kernel keeps the name (and the memory behind it) until someone calls the matching
 * {@code *_unlink}, whether or not any process still has the object open. A name
 * nobody unlinks stays until reboot: {@code /dev/shm} fills up with
 * {@code sem.jmp.*} files, and message queues (whose file system is not even mounted
 * here) leak invisibly against a per-user quota of a few queues. So every object jmp
 * creates needs exactly one process that is responsible for its unlink.
 *
 * <h2>The rule: a shared object lives while any process holds it</h2>
 * A Lock, Queue, Value or Array travels (a child's captured target, a Pipe, a Queue),
 * and no single process can know whether another still wants it. The program's
 * resource tracker can: each process tells it which names it holds ({@link Holds}),
 * a copy in a message counts as held until it is decoded, and a process that ends,
 * however it ends, holds nothing. The tracker removes a name when its last holder
 * lets go. So in the creator, the object becoming unreachable only ends the creator's
 * hold ({@link #hold}); its receivers keep it, and a program that makes and drops a
 * Queue per request does not pile up message queues. A name its creator never sent
 * (never serialized a copy of) can have no other holder: the creator unlinks it itself,
 * at once, when it drops it or exits. An explicit unlink ({@link OwnedName#unlink()})
 * still removes the name at once, for everyone.
 *
 * <p>Unlinking does not destroy an object in use: a process that has opened it keeps
 * using it; only opening it <em>by name</em> fails afterwards. Receivers open lazily
 * (a child that never touches a Lock it was given pays nothing, not even the native
 * binding), which is why the hold, not the open, is what keeps a name.
 *
 * <p>At exit, names are unlinked in the {@link AtExit.Phase#NAMES} phase of the one
 * exit sequence, after the children have been joined (daemons terminated first, as
 * Python's {@code _exit_function}): the program's first process unlinks what it made,
 * as nobody is left to hold it; any other process unlinks what it made and never sent,
 * and only lets go of the rest, which its parent may still use.
 *
 * <p>Without a tracker ({@code -Djmp.tracker=false}, or none could start) nothing is
 * counted and CPython's rule applies: the creator unlinks, when its object can no
 * longer be reached there or when it exits, whichever comes first; receivers only
 * close. A {@link Process} then keeps its target, and so every object the target
 * captured, reachable until the child is reaped, so a creator's unreachable-unlink
 * never strikes a child that could still open the name; a copy sent through a Pipe
 * has no such guard.
 * The classic trick of unlinking right after creation (CPython does it under
 * {@code fork}) is not open to us: spawned children must open the object by name.
 *
 * <h2>How</h2>
 * {@link #own} registers a name with the action that unlinks it. The action runs at
 * most once, by whichever comes first: an explicit {@link OwnedName#unlink()} (as
 * {@code SharedMemory.unlink()}), the {@link Cleanup} cleaner once the owner object is
 * unreachable, or the exit sequence ({@link AtExit}), which unlinks every name still
 * registered. A Cleaner action must not refer to its owner (the owner
 * would then never become unreachable), so the registry holds only the name and the
 * unlink action. Closing a process's own handle (sem_close, munmap, mq_close) is
 * {@link KernelHandle}'s job and is never done at exit: the kernel closes
 * everything of a process that ends. (A mapping of shared memory needs not even
 * that: the JDK unmaps a mapped ByteBuffer when the buffer is collected.)
 *
 * <p>One kind of name is not jmp's alone: a {@code SharedMemory}'s, which a Python
 * peer may attach to by name without ever holding a Java object. Its creator
 * registers it with {@link #ownUntilExit}: unlinked explicitly or at exit, not when
 * the Java object is dropped.
 *
 * <p>Some objects must finish work before any name goes: a queue's feeder thread
 * still holds items that must reach the message queue (and spilled messages whose
 * shared memory must still exist when they are received). Such a step registers in
 * an earlier phase of {@link AtExit}, which runs its phases in order, in one thread.
 *
 * <p>A SIGKILLed creator runs no hook: the resource tracker removes its names once
 * nobody holds them ({@link Tracker}).
 */
public final class Lifetime {
    private Lifetime() {
    }

    private static final Log LOG = new Log("dev.jmp.resource");


    /** Names this process created and has not unlinked yet. */
    private static final Map<String, OwnedName> LIVE = new ConcurrentHashMap<>();
    private static final AtomicBoolean AT_EXIT = new AtomicBoolean();

    /**
     * Makes this process responsible for unlinking {@code name}, which it has just
     * created: {@code unlink} is called once, at {@link OwnedName#unlink()}, when
     * {@code owner} becomes unreachable, or at exit. {@code unlink} must not refer to
     * {@code owner}. An ENOENT from it (someone else removed the name) is ignored.
     */
    public static OwnedName own(Object owner, String name, Consumer<String> unlink) {
        Objects.requireNonNull(owner, "owner");
        OwnedName owned = ownUntilExit(name, unlink);
        owned.track(Cleanup.onUnreachable(owner, owned::unlinkOnce));
        return owned;
    }

    /**
     * The creator's side of a shared object ({@link Holds}): {@code name} was made by
     * {@link KernelNames#createCounted}. If the program's tracker counts it and a copy
     * of it was ever sent from here ({@link #sent}), {@code owner} becoming unreachable
     * only ends this process's hold, and the tracker removes the name once no process
     * holds it; {@link OwnedName#unlink()} still removes it at once. Without a tracker,
     * or never sent, as {@link #own}.
     */
    public static OwnedName hold(Object owner, String name, Consumer<String> unlink) {
        Objects.requireNonNull(owner, "owner");
        if (!KernelNames.counted(name)) {
            return own(owner, name, unlink);
        }
        OwnedName owned = new OwnedName(name, unlink, true);
        installHook();
        LIVE.put(name, owned);
        owned.track(Cleanup.onUnreachable(owner, owned::release));
        return owned;
    }

    /**
     * A copy of {@code name} is being serialized here ({@link Holds#sending}): if this
     * process made it, another process may hold it from now on, so dropping it here
     * ends only this process's hold. A name its creator never sent is unlinked when the
     * creator drops it or exits, at once, as before holders were counted: nobody else can
     * hold it.
     */
    static void sent(String name) {
        OwnedName o = LIVE.get(name);
        if (o != null) {
            o.sent();
        }
    }

    /** True while this process is responsible for {@code name} (made it, and neither unlinked nor released it). */
    public static boolean owns(String name) {
        return LIVE.containsKey(name);
    }

    /**
     * As {@link #own}, without the unreachable case: {@code name} is unlinked only at
     * {@link OwnedName#unlink()} or at exit. For names that are public rather than
     * jmp's own: a {@code SharedMemory}'s name may be known to processes that never
     * received a Java object (a Python peer attaches by name), so dropping the Java
     * object must not take the name away while the creator lives. CPython does the
     * same: its resource tracker unlinks a SharedMemory at the creator's exit.
     */
    public static OwnedName ownUntilExit(String name, Consumer<String> unlink) {
        OwnedName owned = new OwnedName(name, unlink, false);
        installHook();
        LIVE.put(name, owned);
        return owned;
    }


    private static void installHook() {
        if (AT_EXIT.compareAndSet(false, true)) {
            AtExit.register(AtExit.Phase.NAMES, Lifetime::unlinkAll);
        }
    }

    static void forget(OwnedName owned) {
        LIVE.remove(owned.name(), owned);
    }

    static void log(String name, RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "could not unlink " + name, e);
    }

    /**
     * At exit. The program's first process unlinks every name it made: its children
     * have been joined by now, so nobody is left to hold them. Any other process only
     * lets go of a counted name, which may live on in its parent or a sibling.
     */
    private static void unlinkAll() {
        boolean last = Tracker.root();
        for (OwnedName owned : LIVE.values()) {
            if (owned.counted() && !last) {
                owned.release();
            } else {
                owned.unlink();
            }
        }
    }
}
