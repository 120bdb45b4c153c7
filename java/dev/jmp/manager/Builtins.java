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

    static Map<String, Func<Object[], Object>> factories() {
        Map<String, Func<Object[], Object>> f = new LinkedHashMap<>();
        f.put("dict", args -> Collections.synchronizedMap(new LinkedHashMap<>()));
        f.put("list", args -> Collections.synchronizedList(new ArrayList<>()));
        f.put("Namespace", args -> new NamespaceObject());
        f.put("Queue", args -> (int) args[0] <= 0 ? new LinkedBlockingQueue<>() : new ArrayBlockingQueue<>((int) args[0]));
        f.put("Lock", args -> new ReentrantLock());
        f.put("RLock", args -> new ReentrantLock());
        f.put("Condition", args -> ((Lock) args[0]).newCondition());
        f.put("Event", args -> new SyncObjects.Event());
        f.put("Value", args -> new SyncObjects.Val(args[0]));
        f.put("Array", args -> Collections.synchronizedList(java.util.Arrays.asList((Object[]) args[0])));
        f.put("Semaphore", args -> new SyncObjects.Sem((int) args[0]));
        f.put("Barrier", args -> new SyncObjects.Barrier((int) args[0]));
        return f;
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
