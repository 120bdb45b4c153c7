package dev.jmp.resource;

import java.util.Objects;
import java.util.Set;
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
 * <h2>The rule: the creator unlinks, once; receivers only close</h2>
 * As in CPython, that process is the creator. Handles travel (a child's captured
 * target, a Pipe, a Queue), and a receiver cannot know whether other processes still
 * want to open the name, so it only closes its own handle. The creator unlinks the
 * name when the object can no longer be reached there (nothing in the creator can
 * hand the name to anyone any more) or when it exits, whichever comes first.
 * Unlinking does not destroy an object in use: a process that has opened it keeps
 * using it; only opening it <em>by name</em> fails afterwards. That is the one trap,
 * and it shapes two details:
 * <ul>
 * <li>Receivers open lazily (a child that never touches a Lock it was given pays
 *     nothing, not even the native binding), so a receiver may open the name long
 *     after it was sent. A {@link Process} keeps its target, and so every object the
 *     target captured, reachable until the child is reaped; a started child stays in
 *     {@code Multiprocessing.activeChildren()} until then. So a creator's
 *     unreachable-unlink never strikes a child that could still open the name.</li>
 * <li>At exit, names are unlinked in the {@link AtExit.Phase#NAMES} phase of the one
 *     exit sequence, after the children have been joined (daemons terminated first,
 *     as Python's {@code _exit_function}): a non-daemon child still starting finds
 *     its Lock.</li>
 * </ul>
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
 * <p>A SIGKILLed creator runs no hook: its names stay until a later clean-up (a
 * separate issue, like CPython's resource tracker) removes them.
 */
public final class Lifetime {
    private Lifetime() {
    }

    private static final System.Logger LOG = System.getLogger("dev.jmp.resource");


    /** Names this process created and has not unlinked yet. */
    private static final Set<OwnedName> LIVE = ConcurrentHashMap.newKeySet();
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
     * As {@link #own}, without the unreachable case: {@code name} is unlinked only at
     * {@link OwnedName#unlink()} or at exit. For names that are public rather than
     * jmp's own: a {@code SharedMemory}'s name may be known to processes that never
     * received a Java object (a Python peer attaches by name), so dropping the Java
     * object must not take the name away while the creator lives. CPython does the
     * same: its resource tracker unlinks a SharedMemory at the creator's exit.
     */
    public static OwnedName ownUntilExit(String name, Consumer<String> unlink) {
        OwnedName owned = new OwnedName(name, unlink);
        installHook();
        LIVE.add(owned);
        return owned;
    }


    private static void installHook() {
        if (AT_EXIT.compareAndSet(false, true)) {
            AtExit.register(AtExit.Phase.NAMES, Lifetime::unlinkAll);
        }
    }

    static void forget(OwnedName owned) {
        LIVE.remove(owned);
    }

    static void log(String name, RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "could not unlink " + name, e);
    }

    private static void unlinkAll() {
        for (OwnedName owned : LIVE) {
            owned.unlink();
        }
    }
}
