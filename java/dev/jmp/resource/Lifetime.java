package dev.jmp.resource;

import dev.jmp.Multiprocessing;
import dev.jmp.Process;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
 *     {@link Multiprocessing#activeChildren()} until then. So a creator's
 *     unreachable-unlink never strikes a child that could still open the name.</li>
 * <li>At exit, {@code Multiprocessing}'s exit hook joins the children (daemons
 *     terminated first, as Python's {@code _exit_function}), but shutdown hooks run
 *     concurrently: this class's hook therefore waits for the same children before
 *     it unlinks, or a non-daemon child still starting would find its Lock gone.</li>
 * </ul>
 * The classic trick of unlinking right after creation (CPython does it under
 * {@code fork}) is not open to us: spawned children must open the object by name.
 *
 * <h2>How</h2>
 * {@link #own} registers a name with the action that unlinks it. The action runs at
 * most once, by whichever comes first: an explicit {@link OwnedName#unlink()} (as
 * {@code SharedMemory.unlink()}), the {@link Cleanup} cleaner once the owner object is
 * unreachable, or the single shutdown hook that unlinks every name still registered.
 * One hook for all names, not one per object: a hook is a thread, and a program may
 * create thousands of locks. A Cleaner action must not refer to its owner (the owner
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
 * shared memory must still exist when they are received). {@link #beforeUnlinkAtExit}
 * registers such a step; the hook runs them after the children have ended and
 * before it unlinks anything, in one thread, so "flushed, then unlinked" holds
 * within this process although the JVM runs shutdown hooks concurrently.
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
    private static final AtomicBoolean HOOK = new AtomicBoolean();
    /** Steps the exit hook runs before it unlinks (see the class comment). */
    private static final List<Runnable> BEFORE_UNLINK = new CopyOnWriteArrayList<>();

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

    /**
     * Runs {@code step} at exit, after this process's children have ended and before
     * any name is unlinked (a queue flushing its buffered items). Installs the exit
     * hook if no name has done so yet. A step that throws is logged; the others and
     * the unlinking still run.
     */
    public static void beforeUnlinkAtExit(Runnable step) {
        Objects.requireNonNull(step, "step");
        BEFORE_UNLINK.add(step);
        installHook();
    }

    private static void installHook() {
        if (HOOK.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(Lifetime::atExit, "jmp-exit-unlink"));
        }
    }

    static void forget(OwnedName owned) {
        LIVE.remove(owned);
    }

    static void log(String name, RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "could not unlink " + name, e);
    }

    private static void atExit() {
        awaitChildren();
        for (Runnable step : BEFORE_UNLINK) {
            try {
                step.run();
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.WARNING, "exit step failed", e);
            }
        }
        for (OwnedName owned : LIVE) {
            owned.unlink();
        }
    }

    /** See the class comment: a child still running may not have opened its names yet. */
    private static void awaitChildren() {
        for (Process p : Multiprocessing.activeChildren()) {
            try {
                p.join();
            } catch (RuntimeException e) {
                // Closed meanwhile, or this hook was interrupted: unlink anyway.
                LOG.log(System.Logger.Level.DEBUG, "while waiting for " + p.name() + " at exit", e);
            }
        }
    }
}
