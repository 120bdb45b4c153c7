package dev.jmp;

import dev.jmp.spawn.Bootstrap;
import dev.jmp.spawn.ChildEntry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;

/**
 * The main class of every child JVM, and its composition root: the one place that
 * knows everything a child is made of. {@link Bootstrap} (below it) reads the payload
 * pipe; this class tells it how to decode a Process, how to run one
 * ({@link ChildSide}), and what an idle warm child loads and rehearses, from the
 * public API down to the pool's worker loop and the native bindings. Nothing below
 * {@code dev.jmp} names a class above it: the parent passes this class to the spawn
 * layer as the child's main class ({@link Multiprocessing}).
 */
final class ChildMain implements ChildEntry {

    public static void main(String[] args) {
        Bootstrap.run(args, new ChildMain());
    }

    @Override
    public Object decode(byte[] payload, ClassLoader loader) throws IOException, ReflectiveOperationException {
        return DirectPayload.decode(payload, loader);
    }

    @Override
    public void primeReading() {
        // Process's stream descriptor, with the constructor accessor the JDK generates for it.
        ObjectStreamClass.lookup(Process.class);
    }

    @Override
    public int run(Object process, InputStream parentPipe) {
        return ChildSide.run((Process) process, parentPipe);
    }

    @Override
    public void prepare() {
        Preparation.run();
    }

    @Override
    public void exit(int code) {
        ChildSide.exit(code);
    }

    /**
     * A Process whose target walks, once, the paths a spawned child most often takes
     * after an empty target's: a Process read by Java serialization (a target that
     * captured an object), the native layer and a Lock's, Queue's and pool channel's
     * calls, a pool worker's loop. It comes as a direct payload, as most targets do.
     * No kernel object is made ({@link Preparation#paths}).
     */
    @Override
    public byte[] trainingPayload() {
        Task train = ChildMain::train;
        // Made as start() makes a child's, with a parent (a Process that was never
        // started has none, and would go by Java serialization): the archive must hold
        // the direct payload's classes, which most children load first.
        return ProcessPayload.of(new Process(train, "Process-training", false, new int[] {1}, Process.OWN_PID,
                "MainProcess"));
    }

    private static void train() {
        Preparation.paths(1, 2);
    }

    @Override
    public byte[] samplePayload() {
        return Preparation.samplePayload();
    }

    /**
     * What a preparing child does, in a class of its own so that a spawned child, which
     * never prepares, does not even verify it.
     */
    private static final class Preparation {
        /** The classes of the public API a target most often uses. */
        private static final Class<?>[] API = {Lock.class, RLock.class, Semaphore.class, Condition.class,
            Event.class, Queue.class, Connection.class, SharedMemory.class, Value.class};

        static void run() {
            directPayload();
            ChildSide.prepare();
            ParentWatch.prestart();
            // 50 times: loads the classes, caches the descriptors, links the lambda
            // machinery, warms the code.
            paths(50, 50);
        }

        /**
         * A Process with a lambda target, serialized and read back {@code reads} times;
         * the public API's commonest classes; every native call a Lock, Queue or pool
         * channel makes first (failing harmlessly: no kernel object); the queue codec;
         * {@code poolRounds} rounds of a pool worker's loop. Once is enough for a
         * start-up archive's training child, which only loads and links.
         */
        static void paths(int reads, int poolRounds) {
            Task noop = () -> { };
            for (int i = 0; i < reads; i++) {
                byte[] bytes = ProcessPayload.serialize(new Process(noop), false);
                try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
                    in.readObject();
                } catch (IOException | ClassNotFoundException e) {
                    throw new IllegalStateException("child could not prepare", e);
                }
            }
            Multiprocessing.resetCounter();    // its children are still Process-N:1, :2, ...
            initialize(API);
            dev.jmp.posix.Posix.bindAll();
            // What a target that captured a Lock and takes it first runs: the Lock's
            // arrival, its semaphore's open, its owner record.
            initialize(SemLock.Arrived.class);
            dev.jmp.sync.NamedSemaphore.warmUp();
            dev.jmp.queue.Items.warmUp(dev.jmp.queue.MessageQueue.attach("/jmp.0.warmup"));
            // Pool workers are the commonest warm children: rehearse their code path too.
            // No kernel object.
            dev.jmp.pool.WarmUp.run(poolRounds);
        }

        /** Loads, links and initializes each class. */
        private static void initialize(Class<?>... classes) {
            ClassLoader loader = ChildMain.class.getClassLoader();
            for (Class<?> c : classes) {
                try {
                    Class.forName(c.getName(), true, loader);
                } catch (ClassNotFoundException cannotBe) {
                    throw new IllegalStateException(cannotBe);
                }
            }
        }

        /**
         * The direct payload's path too, with a value of every plain kind (so the
         * class-data archive, made by a child that prepares, holds its classes: without,
         * a warm child's first captured String cost it visibly more).
         */
        private static void directPayload() {
            try {
                DirectPayload.decode(samplePayload(), ChildMain.class.getClassLoader());
            } catch (IOException | ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException("warm child could not prepare", e);
            }
        }

        /** A direct payload whose target captured a value of every plain kind. */
        static byte[] samplePayload() {
            String word = "warm-up";
            int n = 1;
            long big = 2L;
            double real = 3.0;
            float ratio = 4.0f;
            boolean flag = true;
            char letter = 'c';
            byte small = 5;
            short half = 6;
            Integer nothing = null;
            Task plain = () -> java.util.Objects.hash(word, n, big, real, ratio, flag, letter, small, half, nothing);
            return DirectPayload.encode(new Process(plain, "warm-up", false, new int[] {1}, Process.OWN_PID,
                    "warm-up"));
        }
    }
}
