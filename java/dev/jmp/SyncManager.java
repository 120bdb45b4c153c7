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

    /** A manager with a fresh AF_UNIX address and a random authkey, not started: Python's {@code SyncManager()}. */
    public SyncManager() {
        this(null, null);
    }

    /**
     * Python's {@code SyncManager(address, authkey)}.
     *
     * @param address as {@link BaseManager#BaseManager(Object, byte[])} takes it
     * @param authkey as {@link BaseManager#BaseManager(Object, byte[])} takes it
     */
    public SyncManager(Object address, byte[] authkey) {
        super(address, authkey);
        registerBuiltins(Builtins.SYNC);
    }

    /**
     * Python's {@code Manager().dict()}.
     *
     * @param <K> the type of the keys
     * @param <V> the type of the values
     * @return a shared dict: a Map keeping insertion order, as Python's dict
     */
    @SuppressWarnings("unchecked")
    public <K, V> Map<K, V> dict() {
        return createWith("dict", Map.class);
    }

    /**
     * Python's {@code Manager().list()}.
     *
     * @param <E> the type of the items
     * @return a shared, empty list
     */
    @SuppressWarnings("unchecked")
    public <E> List<E> list() {
        return createWith("list", List.class);
    }

    /**
     * Python's {@code Manager().Namespace()}.
     *
     * @return a shared namespace, without attributes
     */
    public Namespace namespace() {
        return createWith("Namespace", Namespace.class);
    }

    /**
     * Python's {@code Manager().Queue()}.
     *
     * @param <E> the type of the items
     * @return an unbounded shared queue
     */
    public <E> BlockingQueue<E> queue() {
        return queue(0);
    }

    /**
     * Python's {@code Manager().Queue(maxsize)}.
     *
     * @param <E> the type of the items
     * @param maxsize the most items it holds ({@code <= 0}: unbounded)
     * @return the shared queue
     */
    @SuppressWarnings("unchecked")
    public <E> BlockingQueue<E> queue(int maxsize) {
        return createWith("Queue", BlockingQueue.class, maxsize);
    }

    /**
     * Python's {@code Manager().Lock()}.
     *
     * @return a shared lock, owned by the thread that took it (reentrant, as {@code ReentrantLock})
     */
    public Lock lock() {
        return createWith("Lock", Lock.class);
    }

    /**
     * Python's {@code Manager().RLock()}.
     *
     * @return as {@link #lock()}: Java's locks are reentrant
     */
    public Lock rLock() {
        return createWith("RLock", Lock.class);
    }

    /**
     * Python's {@code Manager().Value(typecode, value)}: a shared value. As in Python, the
     * typecode names the kind but any serializable value may be stored.
     *
     * @param typecode a ctypes typecode, as {@link Value} takes it
     * @param value the first value
     * @return the proxy
     */
    public ValueProxy value(char typecode, Object value) {
        Typecodes.check(typecode);
        return createWith("Value", ValueProxy.class, value);
    }

    /**
     * Python's {@code Manager().Array(typecode, sequence)}.
     *
     * @param typecode a ctypes typecode, as {@link Array} takes it
     * @param sequence the numbers
     * @return a shared fixed-length list of numbers of one ctypes kind (integral kinds as
     *         Long, 'f' and 'd' as Double)
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
        /**
         * Python's {@code v.value}.
         *
         * @return the value
         */
        Object value();

        /**
         * Python's {@code v.value = x}.
         *
         * @param v the new value
         */
        void setValue(Object v);
    }

    /**
     * Python's {@code Manager().Event()}.
     *
     * @return a shared event, its flag false
     */
    public EventProxy event() {
        return createWith("Event", EventProxy.class);
    }

    /**
     * Python's {@code Manager().Semaphore(value)}.
     *
     * @param value the initial value (negative: IllegalArgumentException)
     * @return the shared semaphore
     */
    public SemaphoreProxy semaphore(int value) {
        return createWith("Semaphore", SemaphoreProxy.class, value);
    }

    /**
     * Python's {@code Manager().Barrier(parties)}.
     *
     * @param parties how many must arrive
     * @return the shared barrier
     */
    public BarrierProxy barrier(int parties) {
        return createWith("Barrier", BarrierProxy.class, parties);
    }

    /** A shared Event (the JDK has no interface for one): as {@link dev.jmp.Event}. */
    public interface EventProxy {
        /**
         * Python's {@code is_set()}.
         *
         * @return the flag
         */
        boolean isSet();

        /** Python's {@code set()}. */
        void set();

        /** Python's {@code clear()}. */
        void clear();

        /** Python's {@code wait()}. */
        void await();

        /**
         * Python's {@code wait(timeout)}.
         *
         * @param timeout the longest wait
         * @return the flag
         */
        boolean await(Duration timeout);
    }

    /** A shared counting semaphore: as {@link dev.jmp.Semaphore}. */
    public interface SemaphoreProxy {
        /** Python's {@code acquire()}. */
        void acquire();

        /**
         * Python's {@code acquire(timeout=t)}.
         *
         * @param timeout the longest wait
         * @return true if acquired
         */
        boolean acquire(Duration timeout);

        /** Python's {@code release()}. */
        void release();

        /**
         * Python's {@code get_value()}.
         *
         * @return the value now
         */
        int getValue();
    }

    /**
     * A shared barrier: as {@link dev.jmp.Barrier} (arrival index 0 for the first;
     * BrokenBarrierError when broken, reset or timed out), without an action or abort().
     */
    public interface BarrierProxy {
        /**
         * Python's {@code wait()}.
         *
         * @return the arrival index
         */
        int await();

        /**
         * Python's {@code wait(timeout)}.
         *
         * @param timeout the longest wait
         * @return the arrival index
         */
        int await(Duration timeout);

        /** Python's {@code reset()}. */
        void reset();

        /**
         * Python's {@code parties}.
         *
         * @return how many must arrive
         */
        int parties();

        /**
         * Python's {@code n_waiting}.
         *
         * @return the parties waiting now
         */
        int nWaiting();

        /**
         * Python's {@code broken}.
         *
         * @return whether it is broken
         */
        boolean broken();
    }

    /**
     * Python's {@code Manager().Condition(lock)}.
     *
     * @param lock a shared lock made by {@link #lock()} of this manager
     * @return a shared condition of that lock
     */
    public Condition condition(Lock lock) {
        return createWith("Condition", Condition.class, lock);
    }
}
