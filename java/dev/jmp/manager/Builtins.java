package dev.jmp.manager;

import dev.jmp.Func;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The typeids of a SyncManager and the objects behind them. Python's dict keeps
 * insertion order, so a dict is a LinkedHashMap; dicts and lists are synchronized, since
 * the server calls them from one thread per client connection.
 */
public final class Builtins {
    private Builtins() {
    }

    private static final String[] SYNC_TYPEIDS = {
        "dict", "list", "Namespace", "Queue", "Lock", "RLock", "Condition", "Event", "Value", "Array", "Semaphore", "Barrier",
    };

    static Map<String, Func<Object[], Object>> factories() {
        Map<String, Func<Object[], Object>> f = new LinkedHashMap<>();
        for (String typeid : SYNC_TYPEIDS) {
            f.put(typeid, new SyncFactory(typeid));
        }
        return f;
    }

    /**
     * A SyncManager typeid's factory: one class for all twelve rather than twelve
     * lambdas, each of which would cost the server's young JVM a lambda link before its
     * first call.
     */
    private static final class SyncFactory implements Func<Object[], Object> {
        private static final long serialVersionUID = 1L;

        private final String typeid;

        SyncFactory(String typeid) {
            this.typeid = typeid;
        }

        @Override
        public Object apply(Object[] args) {
            return switch (typeid) {
                case "dict" -> Collections.synchronizedMap(new LinkedHashMap<>());
                case "list" -> Collections.synchronizedList(new ArrayList<>());
                case "Namespace" -> new NamespaceObject();
                case "Queue" -> (int) args[0] <= 0 ? new LinkedBlockingQueue<>() : new ArrayBlockingQueue<>((int) args[0]);
                case "Lock", "RLock" -> new ReentrantLock();
                case "Condition" -> ((Lock) args[0]).newCondition();
                case "Event" -> new SyncObjects.Event();
                case "Value" -> new SyncObjects.Val(args[0]);
                case "Array" -> Collections.synchronizedList(java.util.Arrays.asList((Object[]) args[0]));
                case "Semaphore" -> new SyncObjects.Sem((int) args[0]);
                case "Barrier" -> new SyncObjects.Barrier((int) args[0]);
                default -> throw new IllegalStateException("no SyncManager typeid " + typeid);
            };
        }
    }

    /** A SharedMemoryManager's one typeid. */
    public static Map<String, Func<Object[], Object>> segmentTracker() {
        return Map.of("SegmentTracker", TrackedSegments::make);
    }

    /**
     * The built-in typeids of a manager class, by its name: the server makes them itself,
     * so that they do not travel to it as serialized lambdas (each one costs a cold JVM
     * a lambda bootstrap when it is deserialized).
     */
    static Map<String, Func<Object[], Object>> named(String set) {
        if (set == null) {
            return Map.of();
        }
        return switch (set) {
            case SYNC -> factories();
            case SHARED_MEMORY -> segmentTracker();
            default -> throw new IllegalArgumentException("no built-in typeids called " + set);
        };
    }

    /** The names {@code named} knows. */
    public static final String SYNC = "SyncManager";
    public static final String SHARED_MEMORY = "SharedMemoryManager";
}
