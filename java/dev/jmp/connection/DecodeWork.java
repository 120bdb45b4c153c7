package dev.jmp.connection;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.InvalidObjectException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bound on the work of decoding one message: it ends in time roughly proportional
 * to its size, or fails fast, naming the limit it hit.
 *
 * <p>Why the limits of {@link MessageFilter} are not enough: depth, object count and
 * array lengths bound what a message <em>builds</em>, not what building it
 * <em>costs</em>. A HashSet (HashMap, Hashtable...) hashes each element as it reads it,
 * and the hashCode of a collection is the hashCode of its elements, recomputed on every
 * call. A message of a few kilobytes can describe a graph in which one object is
 * reachable along 2^100 paths (100 levels, each a pair of sets holding both sets of the
 * next level: the classic deserialization bomb), and hashing it walks every path. All
 * of that happens inside one {@code hashCode} call, where no filter callback runs, so
 * neither a filter limit nor a time check between callbacks can stop it once started.
 *
 * <p>So the check comes before the hashing. The stream hands every object it completes
 * to {@code resolveObject} (the reader enables it) before the enclosing readObject
 * hashes it, children before parents. Here each completed object's <em>unfolded
 * size</em> is computed: 1 plus the unfolded sizes of what its hashCode and equals
 * would walk (a collection's elements, a map's keys and values, an entry's key and
 * value, the reference fields of a class that overrides hashCode, records included).
 * It is the number of nodes a hashCode visits, computed in time linear in the graph
 * from the children's memoized values. An object past {@code jmp.connection.maxUnfoldedPerByte}
 * per byte of the message (with a fixed allowance for small messages) fails the message
 * before anyone hashes it. Objects whose hashCode is Object's (identity) count 1 and
 * stop the walk, so graphs of ordinary objects, however shared, are never refused;
 * only hashable values that are exponentially shared are, and hashing those would
 * never end anyway. A class of a module that does not open its package to jmp counts
 * 1 unless it is a collection, map or entry: the JDK's other serializable classes do
 * not hash through their fields.
 *
 * <p><b>Objects not completed yet.</b> A back-reference can name an object that is still
 * being read: an ancestor, such as a set whose readObject hashes each element as it
 * adds it. Counted as one node, as before, it let a forged message through whose
 * hashing walked the set's growing contents along exponentially many paths, or around a
 * cycle without end (until the stack overflowed, seconds later: what {@code make
 * stress}'s fuzzing found). So every completed object is recorded, one that reaches an
 * object not completed yet is marked unfinished, and the size of a completed object
 * that reaches one is what hashing it walks now: the unfinished objects counted with
 * what they hold so far, walked again at each such completion (a memo would go stale
 * as they grow). A cycle through a Set fails the message: the Set contract forbids a
 * set to contain itself, and hashing one (as the set or map being read that holds it
 * does) would not end. A cycle otherwise (a list holding itself, a map holding itself
 * as a value, which their contracts allow) counts its back edge as one, as before.
 *
 * <p>The rest is bounded by a CPU budget: {@code jmp.connection.maxDecodeMillis} of the
 * decoding thread's CPU time per started MiB of message. It covers what is costly
 * without being deep, chiefly many keys with one hash code, which make each insertion
 * walk all earlier keys. The budget is checked at every filter callback and every
 * completed object, which separates each insertion from the next; the cheap wall clock
 * is read each time and the thread's CPU time only once the wall clock has passed the
 * budget (a loaded machine stretches the one, not the other). The same checks end the
 * decode when the thread is interrupted, once it has run long enough to be more than
 * a step of the receive.
 */
final class DecodeWork {
    /** Every message may unfold this far, whatever its size. */
    static final long UNFOLDED_ALLOWANCE = 1 << 16;

    private static final long MIB = 1 << 20;

    /**
     * A decode this young ignores an interrupt: it is not a wait, it is about to end,
     * and giving it up would lose a queue item that has already left its queue.
     */
    private static final long INTERRUPTIBLE_AFTER_NANOS = 20_000_000;

    private static final Object[] NO_CHILDREN = {};

    private final long unfoldedPerByte;
    private final long millisPerMiB;
    private final IdentityHashMap<Object, Long> unfolded = new IdentityHashMap<>();
    /** Completed objects that reach one not completed yet (see "An unfinished set or map"). */
    private final IdentityHashMap<Object, Boolean> unfinished = new IdentityHashMap<>();
    private long maxUnfolded;
    private long bytes;
    private long startNanos;
    private long budgetNanos;
    private long startCpu = -1;

    DecodeWork() {
        this(Limits.MAX_UNFOLDED_PER_BYTE, Limits.MAX_DECODE_MILLIS);
    }

    DecodeWork(long unfoldedPerByte, long millisPerMiB) {
        this.unfoldedPerByte = unfoldedPerByte;
        this.millisPerMiB = millisPerMiB;
    }

    /** Called before each message of {@code bytes} bytes is read. */
    void startMessage(int bytes) {
        this.bytes = bytes;
        unfolded.clear();
        unfinished.clear();
        long perByte = unfoldedPerByte > Long.MAX_VALUE / Math.max(1, bytes) ? Long.MAX_VALUE : unfoldedPerByte * bytes;
        maxUnfolded = perByte > Long.MAX_VALUE - UNFOLDED_ALLOWANCE ? Long.MAX_VALUE : perByte + UNFOLDED_ALLOWANCE;
        long mib = (bytes + MIB - 1) / MIB;
        long millis = millisPerMiB > Long.MAX_VALUE / 1_000_000 / Math.max(1, mib)
                ? Long.MAX_VALUE / 1_000_000 : millisPerMiB * Math.max(1, mib);
        budgetNanos = millis * 1_000_000;
        startNanos = System.nanoTime();
        startCpu = -1;
    }

    /** After the message: drop the references to its objects. */
    void endMessage() {
        unfolded.clear();
        unfinished.clear();
    }

    /**
     * Called at every filter callback and completed object: fails the decode if the
     * thread was interrupted or the message has used up its CPU budget.
     */
    void tick() throws IOException {
        long elapsed = System.nanoTime() - startNanos;
        if (elapsed > INTERRUPTIBLE_AFTER_NANOS && Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted while decoding a message");
        }
        if (elapsed > budgetNanos) {
            long cpu = CpuClock.threadNanos();
            if (startCpu < 0) {
                // The first look at the CPU clock: the wall clock overestimates the CPU
                // used so far; count from here, with what the wall clock leaves.
                startCpu = cpu - Math.min(budgetNanos, System.nanoTime() - startNanos) / 2;
            }
            if (cpu < 0 || cpu - startCpu > budgetNanos) {
                throw new Exceeded("decoding took more than jmp.connection.maxDecodeMillis="
                        + millisPerMiB + " ms of CPU per started MiB of message (" + bytes + " bytes)");
            }
        }
    }

    /** A completed object, before its parent sees it. */
    Object completed(Object obj) throws IOException {
        tick();
        if (obj == null) {
            return null;
        }
        Shape shape = SHAPES.get(obj.getClass());
        if (shape == Shape.LEAF) {
            return obj;
        }
        long u = 1;
        for (Object child : shape.children(obj)) {
            if (child != null) {
                Long c = unfolded.get(child);
                if (c == null ? SHAPES.get(child.getClass()) != Shape.LEAF : unfinished.containsKey(child)) {
                    return completedReachingUnfinished(obj, shape);
                }
                u = c == null ? u + 1 : u + c;
                checkUnfolded(obj, u);
            }
        }
        unfolded.put(obj, u);
        return obj;
    }

    private void checkUnfolded(Object obj, long u) throws Exceeded {
        if (u < 0 || u > maxUnfolded) {
            throw new Exceeded("an object of " + obj.getClass().getName() + " unfolds to more than "
                    + maxUnfolded + " objects along its shared references, as hashCode and equals walk it "
                    + "(jmp.connection.maxUnfoldedPerByte=" + unfoldedPerByte + " per byte of a "
                    + bytes + "-byte message): a deserialization bomb?");
        }
    }

    /**
     * {@link #completed} for an object that reaches one not completed yet: its size is
     * what hashing it walks now, the unfinished objects counted with what they hold so
     * far (a memo of one would be stale: a set being read keeps growing); a cycle through
     * a Set fails the message (see the class comment).
     */
    private Object completedReachingUnfinished(Object obj, Shape shape) throws IOException {
        Walk w = new Walk();
        long u = w.size(obj, shape);
        unfolded.put(obj, u);
        unfinished.put(obj, Boolean.TRUE);
        return obj;
    }

    /** One walk of what hashing a completed object would visit now. */
    private final class Walk {
        private final IdentityHashMap<Object, Long> sizes = new IdentityHashMap<>();
        private final IdentityHashMap<Object, Boolean> onPath = new IdentityHashMap<>();
        private final ArrayDeque<Object> path = new ArrayDeque<>();
        private long steps;

        long size(Object o, Shape s) throws IOException {
            checkUnfolded(o, ++steps);
            if ((steps & 1023) == 0) {
                tick();
            }
            onPath.put(o, Boolean.TRUE);
            path.push(o);
            long u = 1;
            for (Object c : s.children(o)) {
                if (c == null) {
                    continue;
                }
                Long memo = unfolded.get(c);
                Shape cs = memo != null && !unfinished.containsKey(c) ? null : SHAPES.get(c.getClass());
                long cu;
                if (cs == null) {
                    cu = memo;
                } else if (cs == Shape.LEAF) {
                    cu = 1;
                } else if (onPath.containsKey(c)) {
                    if (cycleThroughASet(c)) {
                        throw new Exceeded("a set that contains itself (through " + c.getClass().getName()
                                + "): a Set may not, and hashing it would not end");
                    }
                    cu = 1;     // a list or map holding itself, which their contracts allow: as before
                } else {
                    Long known = sizes.get(c);
                    cu = known != null ? known : size(c, cs);
                }
                u += cu;
                checkUnfolded(o, u);
            }
            path.pop();
            onPath.remove(o);
            sizes.put(o, u);
            return u;
        }

        /** Whether the cycle from {@code c} to the top of the path runs through a Set. */
        private boolean cycleThroughASet(Object c) {
            for (Object o : path) {         // from the top of the path down to c
                if (o instanceof Set) {
                    return true;
                }
                if (o == c) {
                    break;
                }
            }
            return false;
        }
    }

    /** A decode refused for the work it would take. */
    static final class Exceeded extends InvalidObjectException {
        private static final long serialVersionUID = 1L;

        Exceeded(String why) {
            super(why);
        }
    }

    /** What a class's hashCode and equals walk. */
    abstract static class Shape {
        abstract Object[] children(Object o);

        static final Shape LEAF = new Shape() {
            @Override
            Object[] children(Object o) {
                return NO_CHILDREN;
            }
        };

        static final Shape COLLECTION = new Shape() {
            @Override
            Object[] children(Object o) {
                try {
                    return ((Collection<?>) o).toArray();
                } catch (RuntimeException e) {
                    return NO_CHILDREN;    // a collection that cannot list itself cannot hash it either
                }
            }
        };

        static final Shape MAP = new Shape() {
            @Override
            Object[] children(Object o) {
                List<Object> l = new ArrayList<>();
                try {
                    for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
                        l.add(e.getKey());
                        l.add(e.getValue());
                    }
                } catch (RuntimeException e) {
                    // as for a collection
                }
                return l.toArray();
            }
        };

        static final Shape ENTRY = new Shape() {
            @Override
            Object[] children(Object o) {
                try {
                    Map.Entry<?, ?> e = (Map.Entry<?, ?>) o;
                    return new Object[] {e.getKey(), e.getValue()};
                } catch (RuntimeException e) {
                    return NO_CHILDREN;
                }
            }
        };
    }

    /** The reference fields of a class (and its superclasses) whose hashCode is its own. */
    private static final class Fields extends Shape {
        private final Field[] fields;

        Fields(Field[] fields) {
            this.fields = fields;
        }

        @Override
        Object[] children(Object o) {
            Object[] c = new Object[fields.length];
            for (int i = 0; i < fields.length; i++) {
                try {
                    c[i] = fields[i].get(o);
                } catch (IllegalAccessException e) {
                    c[i] = null;
                }
            }
            return c;
        }
    }

    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> c) {
            return shapeOf(c);
        }
    };

    private static Shape shapeOf(Class<?> c) {
        if (c.isArray() || c.isEnum() || c == String.class || Number.class.isAssignableFrom(c)
                || c == Boolean.class || c == Character.class || c == Class.class) {
            return Shape.LEAF;    // arrays and enums hash by identity; the others do not recurse
        }
        if (java.lang.reflect.Proxy.isProxyClass(c)) {
            // A dynamic proxy (a manager's dict or list, say) answers through its handler:
            // asking it for its elements may be a call to another process, in the middle
            // of this decode. What its hashCode walks is its handler's business.
            return Shape.LEAF;
        }
        if (Map.class.isAssignableFrom(c)) {
            return Shape.MAP;
        }
        if (Collection.class.isAssignableFrom(c)) {
            return Shape.COLLECTION;
        }
        if (Map.Entry.class.isAssignableFrom(c)) {
            return Shape.ENTRY;
        }
        if (!overridesHashCode(c)) {
            return Shape.LEAF;
        }
        List<Field> fields = new ArrayList<>();
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            if (!DecodeWork.class.getModule().canRead(k.getModule())
                    || (k.getModule().isNamed() && !k.getModule().isOpen(k.getPackageName(), DecodeWork.class.getModule()))) {
                continue;
            }
            for (Field f : k.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive()) {
                    try {
                        f.setAccessible(true);
                        fields.add(f);
                    } catch (RuntimeException e) {
                        // not ours to read: it counts as a leaf
                    }
                }
            }
        }
        return fields.isEmpty() ? Shape.LEAF : new Fields(fields.toArray(new Field[0]));
    }

    private static boolean overridesHashCode(Class<?> c) {
        try {
            return c.getMethod("hashCode").getDeclaringClass() != Object.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
