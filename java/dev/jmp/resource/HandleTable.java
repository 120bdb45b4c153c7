package dev.jmp.resource;

import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One live object per kernel name per process, for one kind of object (every
 * message queue, every semaphore): {@link #attach} returns the object this process
 * already holds for a name, or makes one.
 *
 * <p><b>Why one per name.</b> Copies of a Lock or a Queue arrive in a process by many
 * paths (a child's target, a Pipe, inside another item), and they must behave as one:
 * an RLock acquired through one copy is owned through the other, and each copy opening
 * its own descriptor would spend the user's quota and the process's file descriptors
 * for nothing. In the creator, its own object stays the one every arriving copy
 * shares, and so keeps the name alive (see {@link Lifetime}).
 *
 * <p><b>Each object is a hold.</b> The program's resource tracker keeps a name while
 * any process holds it ({@link Holds}): every object made here is one hold, ended when
 * it becomes unreachable. Holds are counted per object, not per process, so an old
 * object's late clean-up never ends the hold of the new one that replaced it.
 *
 * <p><b>Why weakly.</b> The table must not keep an object alive: the object becoming
 * unreachable is what closes its handle (and ends its hold on the name). So
 * the table holds weak references, and {@link #add} registers with {@link Cleanup} the
 * action that removes the entry and closes the {@link KernelHandle}, in that order.
 *
 * <p><b>Concurrency.</b> The map is guarded by its own monitor. An object whose
 * referent the collector has cleared, but whose clean-up has not run yet, is as
 * good as gone: {@link #attach} makes a new one and replaces the entry, and the old
 * clean-up then removes only its own entry, never the new one.
 *
 * @param <O> the per-process object that owns a {@link KernelHandle}
 */
public final class HandleTable<O> {
    private final Map<String, WeakReference<O>> live = new HashMap<>();

    /**
     * This process's object for a copy of {@code name} that arrived in a message (a
     * {@code readObject}): the one it holds, or the one {@code make} builds (whose
     * constructor {@link #add}s it). Either way the copy is no longer in flight
     * ({@link Holds}); a new object is a new hold.
     */
    public O attach(String name, Function<String, O> make) {
        synchronized (live) {
            WeakReference<O> ref = live.get(name);
            O o = ref == null ? null : ref.get();
            if (o != null) {
                Holds.landed(name);
                return o;
            }
            o = make.apply(name);
            Holds.arrived(o, name);
            return o;
        }
    }

    /**
     * As {@link #attach}, for a name that did not arrive in a message (given on a
     * command line): no copy was in flight.
     */
    public O open(String name, Function<String, O> make) {
        synchronized (live) {
            WeakReference<O> ref = live.get(name);
            O o = ref == null ? null : ref.get();
            if (o == null) {
                o = make.apply(name);
                Holds.opened(o, name);
            }
            return o;
        }
    }

    /**
     * Records {@code owner} as this process's object for {@code name} and closes
     * {@code handle} once {@code owner} is unreachable. The last thing an owner's
     * constructor does, so that a constructor that fails leaves nothing behind.
     */
    public void add(O owner, String name, KernelHandle<?> handle) {
        WeakReference<O> ref = new WeakReference<>(owner);
        synchronized (live) {
            live.put(name, ref);
        }
        Cleanup.onUnreachable(owner, new Forget<>(live, name, ref, handle));
    }

    /** A named class, not a lambda: a child's first Lock or Queue registers one (see Cleanup). */
    private static final class Forget<O> implements Runnable {
        private final Map<String, WeakReference<O>> live;
        private final String name;
        private final WeakReference<O> ref;
        private final KernelHandle<?> handle;

        Forget(Map<String, WeakReference<O>> live, String name, WeakReference<O> ref, KernelHandle<?> handle) {
            this.live = live;
            this.name = name;
            this.ref = ref;
            this.handle = handle;
        }

        @Override
        public void run() {
            synchronized (live) {
                live.remove(name, ref);
            }
            handle.close();
        }
    }
}
