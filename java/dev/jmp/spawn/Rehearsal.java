package dev.jmp.spawn;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.lang.invoke.SerializedLambda;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * What an idle warm child rehearses so that reading a Process it has never seen costs
 * it almost nothing: the <em>shape</em> of targets the parent started recently.
 *
 * <p>Why: a warm child has loaded jmp and linked Java serialization, but the user's
 * target is new to it. Reading it loads the classes it names, builds their stream
 * descriptors (and a generated constructor accessor per class), and links the lambda
 * through its class's {@code $deserializeLambda$}: an invokedynamic call site that
 * spins a LambdaForm and a hidden class: most of a warm start. A parent usually starts
 * the same few targets again and again (Pool workers, a loop of Processes), so it notes
 * each shape it sends and gives it to every warm child it boots, before that child
 * says it is ready.
 *
 * <p>A shape is what the payload's stream names, never its values: the class names
 * written ({@link Recorder#annotateClass}) and each lambda's {@link SerializedLambda}
 * with its captured arguments blanked (null, or zero for a primitive). Rehearsing it
 * loads those classes, looks up their descriptors, and deserializes the blank lambdas,
 * which runs only the compiler-generated {@code $deserializeLambda$}: no target and
 * no readObject of the user's runs, and no kernel object is touched. What does run
 * early is a class's static initializer, which a spawned child would run anyway when
 * it reads that Process. Forkserver's preload (CPython's {@code set_forkserver_preload})
 * is the same idea with modules.
 */
public final class Rehearsal {
    private Rehearsal() {
    }

    /** Bigger scripts are not kept: a shape is a few hundred bytes to a few KiB. */
    static final int MAX_SCRIPT = 16 * 1024;

    /** How many target shapes to remember for new warm children ({@code jmp.warm.shapes}). */
    static final int SHAPES_KEPT = Math.max(0, Integer.getInteger("jmp.warm.shapes", 16));

    private static final Object LOCK = new Object();
    /** Recent shapes, least recently started first: key to script. */
    private static final Map<String, byte[]> SHAPES = new LinkedHashMap<>(16, 0.75f, true) {  // guarded by LOCK
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > SHAPES_KEPT;
        }
    };
    private static boolean keeping;     // guarded by LOCK: the warm method is selected

    /**
     * An ObjectOutputStream that writes exactly what a plain one writes, and notes the
     * shape of it on the side.
     */
    public static final class Recorder extends ObjectOutputStream {
        private final Set<String> classes = new LinkedHashSet<>();
        private final List<SerializedLambda> lambdas = new ArrayList<>();

        public Recorder(OutputStream out) throws IOException {
            super(out);
            enableReplaceObject(true);
        }

        @Override
        protected void annotateClass(Class<?> cl) {
            classes.add(cl.getName());
        }

        @Override
        protected Object replaceObject(Object obj) {
            if (obj instanceof SerializedLambda sl) {   // what a lambda's writeReplace gave
                lambdas.add(sl);
            }
            return obj;
        }

        /** What identifies the shape: its classes and its lambdas' implementations. */
        public String key() {
            StringBuilder key = new StringBuilder();
            for (String c : classes) {
                key.append(c).append(' ');
            }
            for (SerializedLambda sl : lambdas) {
                key.append(sl.getImplClass()).append('.').append(sl.getImplMethodName())
                        .append(sl.getImplMethodSignature()).append(' ');
            }
            return key.toString();
        }

        /** The rehearsal to send warm children, or null if it cannot be made or is too big. */
        public byte[] script() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(classes.toArray(new String[0]));
                List<SerializedLambda> blanks = new ArrayList<>();
                for (SerializedLambda sl : lambdas) {
                    SerializedLambda blank = blank(sl);
                    if (blank != null) {
                        blanks.add(blank);
                    }
                }
                out.writeInt(blanks.size());
                for (SerializedLambda blank : blanks) {
                    out.writeObject(blank);
                }
            } catch (IOException | RuntimeException e) {
                return null;
            }
            return bytes.size() <= MAX_SCRIPT ? bytes.toByteArray() : null;
        }
    }

    /** Said of a class whose shape cannot be rehearsed (too large, or not serializable): never tried again. */
    private static final String NO_SHAPE = "";

    /** The shape key each class was last learned under, or {@link #NO_SHAPE}. */
    private static final Map<Class<?>, String> LEARNED = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * Notes the shape of {@code obj} (a pool's function, a target sent as a direct
     * payload) for warm children booted from now on, the first time its class is seen,
     * and again only if the shape has since left the most recent ones kept:
     * the serialization is paid once, and a class in use keeps its place among them.
     */
    public static void learnOnce(Object obj) {
        if (obj == null || !keepsShapes()) {
            return;
        }
        String known = LEARNED.get(obj.getClass());
        if (known != null && (known.equals(NO_SHAPE) || touch(known))) {
            return;
        }
        // Written to nowhere: no Lock or Queue in it is in flight (Holds).
        boolean unsent = dev.jmp.resource.Holds.unsent(true);
        try (Recorder r = new Recorder(OutputStream.nullOutputStream())) {
            r.writeObject(obj);
            LEARNED.put(obj.getClass(), learn(r) ? r.key() : NO_SHAPE);
        } catch (IOException | RuntimeException e) {
            LEARNED.put(obj.getClass(), NO_SHAPE);
            ProcessLog.debug("no shape for {0}: {1}", obj.getClass().getName(), e);
        } finally {
            dev.jmp.resource.Holds.unsent(unsent);
        }
    }

    /** On while the warm method is selected ({@link WarmStarter} says so); off, shapes are not noted. */
    static void keepShapes(boolean on) {
        synchronized (LOCK) {
            keeping = on;
        }
    }

    /** True while shapes are noted: warm is selected and {@code jmp.warm.shapes} > 0. */
    public static boolean keepsShapes() {
        synchronized (LOCK) {
            return keeping && SHAPES_KEPT > 0;
        }
    }

    /**
     * Notes the shape of a target just serialized, so that warm children booted from now
     * on rehearse it. Children already idle are not sent it: an idle child is one that
     * said it is ready, and a rehearsal may run a user's static initializer, which could
     * block; only a child that has not yet said it is ready is given one, by the
     * background thread that boots it. False if this shape cannot be rehearsed (its
     * script could not be made or is too big).
     */
    public static boolean learn(Recorder recorder) {
        String key = recorder.key();
        synchronized (LOCK) {
            if (!keeping || SHAPES_KEPT == 0 || SHAPES.get(key) != null) {
                return true;
            }
        }
        byte[] script = recorder.script();
        if (script == null) {
            return false;
        }
        synchronized (LOCK) {
            SHAPES.put(key, script);
        }
        return true;
    }

    /**
     * True if the shape {@code key} is among those kept (and now the most recent of
     * them); false if it is not (never learned, evicted, or warm is off).
     */
    private static boolean touch(String key) {
        synchronized (LOCK) {
            return keeping && SHAPES.get(key) != null;
        }
    }

    /** The scripts of the shapes kept, least recently started first: for a booting warm child. */
    static List<byte[]> scripts() {
        synchronized (LOCK) {
            return new ArrayList<>(SHAPES.values());
        }
    }

    /** The same lambda with every captured argument null or a primitive zero. */
    private static SerializedLambda blank(SerializedLambda sl) {
        Class<?> capturing;
        try {
            capturing = Class.forName(sl.getCapturingClass().replace('/', '.'), false, loader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
        List<Character> kinds = parameterKinds(sl.getImplMethodSignature());
        // Captured arguments come first; for an instance method the first is the receiver.
        int kind = sl.getImplMethodKind();
        boolean receiver = kind == 5 || kind == 7 || kind == 9;  // invokeVirtual/Special/Interface
        Object[] args = new Object[sl.getCapturedArgCount()];
        for (int i = 0; i < args.length; i++) {
            int param = receiver ? i - 1 : i;
            args[i] = param < 0 || param >= kinds.size() ? null : zero(kinds.get(param));
        }
        return new SerializedLambda(capturing, sl.getFunctionalInterfaceClass(),
                sl.getFunctionalInterfaceMethodName(), sl.getFunctionalInterfaceMethodSignature(),
                sl.getImplMethodKind(), sl.getImplClass(), sl.getImplMethodName(),
                sl.getImplMethodSignature(), sl.getInstantiatedMethodType(), args);
    }

    /** One letter per parameter of a method descriptor: its primitive letter, or 'L'. */
    static List<Character> parameterKinds(String descriptor) {
        List<Character> kinds = new ArrayList<>();
        int i = 1;   // after '('
        while (i < descriptor.length() && descriptor.charAt(i) != ')') {
            char c = descriptor.charAt(i);
            if (c == '[') {
                while (descriptor.charAt(i) == '[') {
                    i++;
                }
                if (descriptor.charAt(i) == 'L') {
                    i = descriptor.indexOf(';', i);
                }
                kinds.add('L');
            } else if (c == 'L') {
                i = descriptor.indexOf(';', i);
                kinds.add('L');
            } else {
                kinds.add(c);
            }
            i++;
        }
        return kinds;
    }

    private static Object zero(char kind) {
        switch (kind) {
            case 'Z': return Boolean.FALSE;
            case 'B': return (byte) 0;
            case 'C': return (char) 0;
            case 'S': return (short) 0;
            case 'I': return 0;
            case 'J': return 0L;
            case 'F': return 0f;
            case 'D': return 0d;
            default: return null;
        }
    }

    private static ClassLoader loader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Rehearsal.class.getClassLoader();
    }

    /**
     * In a warm child: loads and links what {@code script} names, and forgets it. A
     * shape this JVM cannot rehearse (a class it lacks, a lambda its class rejects) is
     * skipped: the real Process will report its own error, as under spawn.
     *
     * @return how many classes and lambdas were rehearsed
     */
    public static int perform(byte[] script) {
        int done = 0;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(script))) {
            for (String name : (String[]) in.readObject()) {
                try {
                    ObjectStreamClass.lookup(Class.forName(name, false, loader()));
                    done++;
                } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
                    ProcessLog.debug("rehearsal skipped class {0}: {1}", name, e);
                }
            }
            int lambdas = in.readInt();
            for (int i = 0; i < lambdas; i++) {
                try {
                    in.readObject();   // readResolve links the lambda through $deserializeLambda$
                    done++;
                } catch (ClassNotFoundException | IOException | LinkageError | RuntimeException e) {
                    ProcessLog.debug("rehearsal skipped a lambda: {0}", e);
                }
            }
        } catch (ClassNotFoundException | IOException | LinkageError | RuntimeException e) {
            ProcessLog.debug("rehearsal abandoned: {0}", e);
        }
        return done;
    }
}
