package dev.jmp;

import dev.jmp.manager.Builtins;
import java.time.Duration;
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
    /** ctypes typecodes, as {@link Value} and {@link Array} take them. */
    private static final class Typecodes {
        static void check(char typecode) {
            if ("bBhHiIlLqQfd".indexOf(typecode) < 0) {
                throw new IllegalArgumentException("bad typecode (must be one of bBhHiIlLqQfd): '" + typecode + "'");
            }
        }
    }

    public SyncManager() {
        this(null, null);
    }

    public SyncManager(Object address, byte[] authkey) {
        super(address, authkey);
        registerBuiltins(Builtins.SYNC);
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

    /**
     * Python's {@code Manager().Value(typecode, value)}: a shared value. As in Python, the
     * typecode names the kind but any serializable value may be stored.
     */
    public ValueProxy value(char typecode, Object value) {
        Typecodes.check(typecode);
        return createWith("Value", ValueProxy.class, value);
    }

    /**
     * Python's {@code Manager().Array(typecode, sequence)}: a shared fixed-length list of
     * numbers of one ctypes kind (integral kinds as Long, 'f' and 'd' as Double).
     */
    @SuppressWarnings("unchecked")
    public List<Number> array(char typecode, List<? extends Number> sequence) {
        Typecodes.check(typecode);
        Object[] items = new Object[sequence.size()];
        for (int i = 0; i < items.length; i++) {
            Number n = sequence.get(i);
            items[i] = typecode == 'f' || typecode == 'd' ? (Object) n.doubleValue() : (Object) n.longValue();
        }
        return createWith("Array", List.class, (Object) items);
    }

    /** Python's {@code Manager().Value}: {@code v.value} is {@code value()}, {@code v.value = x} is {@code setValue(x)}. */
    public interface ValueProxy {
        Object value();

        void setValue(Object v);
    }

    /** Python's {@code Manager().Event()}. */
    public EventProxy event() {
        return createWith("Event", EventProxy.class);
    }

    /** Python's {@code Manager().Semaphore(value)}; negative value: IllegalArgumentException. */
    public SemaphoreProxy semaphore(int value) {
        return createWith("Semaphore", SemaphoreProxy.class, value);
    }

    /** Python's {@code Manager().Barrier(parties)}. */
    public BarrierProxy barrier(int parties) {
        return createWith("Barrier", BarrierProxy.class, parties);
    }

    /** A shared Event (the JDK has no interface for one): as {@link dev.jmp.Event}. */
    public interface EventProxy {
        boolean isSet();

        void set();

        void clear();

        void await();

        /** Returns the flag. */
        boolean await(Duration timeout);
    }

    /** A shared counting semaphore: as {@link dev.jmp.Semaphore}. */
    public interface SemaphoreProxy {
        void acquire();

        boolean acquire(Duration timeout);

        void release();

        int getValue();
    }

    /**
     * A shared barrier: as {@link dev.jmp.Barrier} (arrival index 0 for the first;
     * BrokenBarrierError when broken, reset or timed out), without an action or abort().
     */
    public interface BarrierProxy {
        int await();

        int await(Duration timeout);

        void reset();

        int parties();

        int nWaiting();

        boolean broken();
    }

    /** A condition of a shared lock made by {@link #lock()} (of this manager). */
    public Condition condition(Lock lock) {
        return createWith("Condition", Condition.class, lock);
    }
}
