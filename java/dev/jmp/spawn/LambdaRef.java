package dev.jmp.spawn;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * A serializable lambda sent by reference, as pickle sends a function: the class and
 * method that implement it, plus the values it captured, when each is a plain value
 * (null, a String, a boxed primitive, a byte[], or a shared object that travels by
 * name or fd: {@link Handles}). Read back, it is rebuilt exactly as
 * {@code SerializedLambda.readResolve} rebuilds it, through the capturing class's
 * {@code $deserializeLambda$}, so the lambda a child gets is the one Java
 * serialization would give it.
 *
 * <p>Why not let ObjectInputStream do it: a JVM's first ObjectInputStream costs it
 * more CPU before the first object than all the rest of reading a Process (the filter
 * configuration scans every jar on the classpath for a logging backend and loads the
 * security properties; the descriptors of Process, SerializedLambda and Integer each
 * generate an accessor class); read this way, what is left is mostly the JVM's first
 * lambda link ({@link StaticCall} avoids even that where it can). A spawned child
 * pays for serialization only if its target uses it. The README's start-up section
 * has the measurements.
 *
 * <p>Anything else (a lambda capturing an object, a class implementing Task, a lambda
 * whose class sits in a named module that does not open its package to jmp) is not a
 * LambdaRef: {@link #of} says null and the caller uses Java serialization.
 */
public final class LambdaRef {
    private LambdaRef() {
    }

    private static final String DESERIALIZE = "$deserializeLambda$";

    /**
     * Shared objects that may travel in a LambdaRef by name, as they travel by Java
     * serialization, without it (a Lock): the layer that knows them writes and reads
     * them. One per program, set by that layer before any payload is written or read.
     */
    public interface Handles {
        /** True if {@code v} is one of them (its exact class: a subclass may hold more). */
        boolean travels(Object v);

        /** Writes {@code v}, which {@link #travels}. */
        void write(Object v, DataOutputStream out) throws IOException;

        /** Reads what {@link #write} wrote: the receiver's copy, attached. */
        Object read(DataInputStream in) throws IOException;
    }

    /** Sets the program's {@link Handles}. */
    public static void useHandles(Handles handles) {
        PlainValue.useHandles(handles);
    }

    /**
     * The serialized form of {@code fn} if it is a serializable lambda whose captured
     * values are all plain and whose capturing class this module may open; else null.
     */
    public static SerializedLambda of(Object fn) {
        if (fn == null || !fn.getClass().isSynthetic()) {
            return null;
        }
        Object replaced;
        try {
            // Every serializable lambda class has a private writeReplace; ObjectOutputStream
            // calls it the same way.
            Method writeReplace = fn.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            replaced = writeReplace.invoke(fn);
        } catch (ReflectiveOperationException | RuntimeException notASerializableLambda) {
            return null;
        }
        if (!(replaced instanceof SerializedLambda lambda) || !openToUs(fn.getClass())) {
            return null;
        }
        for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
            Object v = lambda.getCapturedArg(i);
            if (!PlainValue.isPlain(v) || (v instanceof byte[] && capturedBefore(lambda, i))) {
                return null;
            }
        }
        return lambda;
    }

    /** An array captured twice arrives as one array by Java serialization; here it would be two. */
    private static boolean capturedBefore(SerializedLambda lambda, int i) {
        for (int j = 0; j < i; j++) {
            if (lambda.getCapturedArg(j) == lambda.getCapturedArg(i)) {
                return true;
            }
        }
        return false;
    }

    /**
     * As {@link #of}, but null also when {@code fn} captured a shared object that
     * travels by name ({@link Handles}): for a carrier that does not count such objects
     * in flight as a Process payload does (a pool's function).
     */
    public static SerializedLambda withoutHandles(Object fn) {
        SerializedLambda lambda = of(fn);
        if (lambda != null) {
            for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
                if (PlainValue.isHandle(lambda.getCapturedArg(i))) {
                    return null;
                }
            }
        }
        return lambda;
    }

    /**
     * The child calls the capturing class's private {@code $deserializeLambda$}; that
     * needs its package open to us, which every class path package is. (The hidden
     * lambda class is in the capturing class's package and module.)
     */
    private static boolean openToUs(Class<?> lambdaClass) {
        Module module = lambdaClass.getModule();
        return module.isOpen(lambdaClass.getPackageName(), LambdaRef.class.getModule());
    }

    /** Writes {@code lambda} (from {@link #of}). Class names are written as binary names. */
    public static void write(SerializedLambda lambda, DataOutputStream out) throws IOException {
        out.writeUTF(lambda.getCapturingClass().replace('/', '.'));
        out.writeUTF(lambda.getFunctionalInterfaceClass());
        out.writeUTF(lambda.getFunctionalInterfaceMethodName());
        out.writeUTF(lambda.getFunctionalInterfaceMethodSignature());
        out.writeInt(lambda.getImplMethodKind());
        out.writeUTF(lambda.getImplClass());
        out.writeUTF(lambda.getImplMethodName());
        out.writeUTF(lambda.getImplMethodSignature());
        out.writeUTF(lambda.getInstantiatedMethodType());
        out.writeInt(lambda.getCapturedArgCount());
        for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
            PlainValue.write(lambda.getCapturedArg(i), out);
        }
    }

    /**
     * {@code fn} (a LambdaRef: see {@link #of}) written and read back, as a child would
     * rebuild it: for warm-up, where rebuilding once links the lambda ahead of time.
     */
    public static Object copy(Object fn, ClassLoader loader) throws IOException, ReflectiveOperationException {
        SerializedLambda lambda = of(fn);
        if (lambda == null) {
            throw new IllegalArgumentException("not a lambda sent by reference: " + fn);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(lambda, out);
        }
        return read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), loader);
    }

    /**
     * Reads what {@link #write} wrote and rebuilds the lambda, loading its capturing
     * class through {@code loader}.
     */
    public static Object read(DataInputStream in, ClassLoader loader) throws IOException, ReflectiveOperationException {
        return read(in, loader, null);
    }

    /**
     * As {@link #read(DataInputStream, ClassLoader)}; but where the lambda implements
     * {@code standIn} (an interface's internal name) and a {@link StaticCall} can call
     * its body, that StaticCall, for the caller to wrap in its own implementation of
     * {@code standIn}: no lambda is linked.
     */
    public static Object read(DataInputStream in, ClassLoader loader, String standIn)
            throws IOException, ReflectiveOperationException {
        Class<?> capturing = Class.forName(in.readUTF(), false, loader);
        String fiClass = in.readUTF();
        String fiMethod = in.readUTF();
        String fiSignature = in.readUTF();
        int implKind = in.readInt();
        String implClass = in.readUTF();
        String implMethod = in.readUTF();
        String implSignature = in.readUTF();
        String instantiated = in.readUTF();
        int count = in.readInt();
        if (count < 0 || count > 255) {     // a method has at most 255 parameter slots
            throw new StreamCorruptedException("lambda with " + count + " captured values");
        }
        Object[] captured = new Object[count];
        for (int i = 0; i < count; i++) {
            captured[i] = PlainValue.read(in);
        }
        SerializedLambda lambda = new SerializedLambda(capturing, fiClass, fiMethod, fiSignature,
                implKind, implClass, implMethod, implSignature, instantiated, captured);
        if (fiClass.equals(standIn) && StaticCall.available() && StaticCall.young()) {
            StaticCall call = StaticCall.of(lambda, loader);
            if (call != null) {
                return call;
            }
        }
        Method deserialize = capturing.getDeclaredMethod(DESERIALIZE, SerializedLambda.class);
        deserialize.setAccessible(true);
        try {
            return deserialize.invoke(null, lambda);
        } catch (InvocationTargetException e) {
            // "Invalid lambda deserialization": the class changed since the parent loaded it.
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
