package dev.jmp;

import dev.jmp.manager.Builtins;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * Python's {@code Manager()}: a manager serving dicts, lists, Namespaces, queues and
 * locks, each behind a proxy implementing Java's own interface for it. Made and started
 * by {@link Multiprocessing#manager()}.
 */
public class SyncManager extends BaseManager {
    public SyncManager() {
        this(null, null);
    }

    public SyncManager(Object address, byte[] authkey) {
        super(address, authkey);
        registerBuiltins(Builtins.factories());
    }

    /** A shared dict: a Map keeping insertion order, as Python's dict. */
    @SuppressWarnings("unchecked")
    public <K, V> Map<K, V> dict() {
        return createWith("dict", Map.class);
    }

    @SuppressWarnings("unchecked")
    public <E> List<E> list() {
        return createWith("list", List.class);
    }

    public Namespace namespace() {
        return createWith("Namespace", Namespace.class);
    }

    /** An unbounded shared queue. */
    public <E> BlockingQueue<E> queue() {
        return queue(0);
    }

    /** A shared queue holding at most {@code maxsize} items ({@code <= 0}: unbounded). */
    @SuppressWarnings("unchecked")
    public <E> BlockingQueue<E> queue(int maxsize) {
        return createWith("Queue", BlockingQueue.class, maxsize);
    }

    /** A shared lock, owned by the thread that took it (reentrant, as {@code ReentrantLock}). */
    public Lock lock() {
        return createWith("Lock", Lock.class);
    }

    /** As {@link #lock()}: Java's locks are reentrant. */
    public Lock rLock() {
        return createWith("RLock", Lock.class);
    }

    /** A condition of a shared lock made by {@link #lock()} (of this manager). */
    public Condition condition(Lock lock) {
        return createWith("Condition", Condition.class, lock);
    }
}
