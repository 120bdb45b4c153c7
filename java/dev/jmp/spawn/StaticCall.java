package dev.jmp.spawn;

import dev.jmp.posix.Posix;
import java.io.Serializable;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A lambda sent by reference ({@link LambdaRef}) whose body is a static method taking
 * its captured values and nothing else (a {@code Runnable}- or {@code Callable}-shaped
 * lambda, or a method reference {@code Foo::bar}), called without being linked as a
 * lambda.
 *
 * <p>Why: a fresh JVM's first lambda costs it the bootstrap of java.lang.invoke's
 * lambda machinery (a class generated with the JDK's bytecode library, method handles
 * linked), several milliseconds of a spawned child's start that a target returning at
 * once would spend on nothing else, and of a young pool worker's first apply (the
 * numbers are in the README's start-up section).
 * How it is called instead depends on the JDK: on JDK 17 through core reflection,
 * whose first invocations go through the VM's native accessor and generate nothing;
 * from JDK 18 on, core reflection is itself built on method handles (JEP 416), so
 * there through JNI ({@link Posix#callStaticVoid} and {@link Posix#callStaticObject}:
 * libjmp's calls into Java), where libjmp is the native layer. {@link #available()}
 * says whether either applies.
 *
 * <p>Same behaviour as the lambda: the same method with the same captured values; an
 * exception it throws propagates unwrapped. Serialized again, it goes as the lambda's
 * own {@link SerializedLambda}, so a receiver gets the real lambda.
 */
public final class StaticCall implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Core reflection generates nothing for its first calls before JDK 18 (JEP 416). */
    private static final boolean REFLECTION = Runtime.version().feature() < 18;

    private final transient Method method;
    private final transient Object[] captured;
    private final SerializedLambda form;
    private final transient long[] prims;      // JNI's arguments (not on JDK 17): primitives' values, references below
    private final transient Object[] refs;

    private StaticCall(Method method, Object[] captured, SerializedLambda form) {
        this.method = method;
        this.captured = captured;
        this.form = form;
        Class<?>[] types = REFLECTION ? new Class<?>[0] : method.getParameterTypes();
        this.prims = new long[types.length];
        this.refs = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            if (types[i].isPrimitive()) {
                prims[i] = bits(captured[i]);
            } else {
                refs[i] = captured[i];
            }
        }
    }

    /** A primitive parameter's boxed value as JNI's jvalue takes it: floats and doubles as their raw bits. */
    private static long bits(Object v) {
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        } else if (v instanceof Character c) {
            return c;
        } else if (v instanceof Float f) {
            return Float.floatToRawIntBits(f);
        } else if (v instanceof Double d) {
            return Double.doubleToRawLongBits(d);
        }
        return ((Number) v).longValue();
    }

    /**
     * True where a call this way is cheaper for a fresh JVM than linking a lambda (see
     * the class comment): before JDK 18, or where the native layer is libjmp.
     */
    static boolean available() {
        return REFLECTION || Posix.cheap();
    }

    /** How many lambdas a process reads as StaticCalls before it links them (see {@link #young}). */
    private static final AtomicInteger YOUNG = new AtomicInteger(16);

    /**
     * True for a process's first few lambdas read as StaticCall candidates: what they
     * save is the JVM's first link. A process that goes on reading lambdas (a pool worker
     * with one function per apply) links them after that: a linked lambda, read again,
     * costs less than a StaticCall made again and called through JNI.
     */
    static boolean young() {
        return YOUNG.get() > 0 && YOUNG.getAndDecrement() > 0;
    }

    /**
     * {@code lambda} as a StaticCall if its body is a static method whose parameters are
     * exactly its captured values, its interface method takes nothing and returns void
     * (a Task) or an Object that the body returns as a reference, unboxed and unconverted
     * (a Call), and its implementation class is open to this module; else null (link it
     * instead).
     */
    static StaticCall of(SerializedLambda lambda, ClassLoader loader) {
        if (lambda.getImplMethodKind() != MethodHandleInfo.REF_invokeStatic || !(runs(lambda) || returns(lambda))) {
            return null;
        }
        try {
            Class<?> impl = Class.forName(lambda.getImplClass().replace('/', '.'), false, loader);
            if (!impl.getModule().isOpen(impl.getPackageName(), StaticCall.class.getModule())) {
                return null;
            }
            MethodType type = MethodType.fromMethodDescriptorString(lambda.getImplMethodSignature(), loader);
            if (type.parameterCount() != lambda.getCapturedArgCount()) {
                return null;
            }
            Method m = impl.getDeclaredMethod(lambda.getImplMethodName(), type.parameterArray());
            m.setAccessible(true);
            Object[] args = new Object[lambda.getCapturedArgCount()];
            for (int i = 0; i < args.length; i++) {
                args[i] = lambda.getCapturedArg(i);
            }
            return new StaticCall(m, args, lambda);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError cannotReflect) {
            return null;     // the lambda's own way will say what is wrong, if anything is
        }
    }

    /** {@code () -> void}, the body a void method (a method reference may drop what its method returns). */
    private static boolean runs(SerializedLambda lambda) {
        return "()V".equals(lambda.getFunctionalInterfaceMethodSignature())
                && "()V".equals(lambda.getInstantiatedMethodType()) && returned(lambda) == 'V';
    }

    /** {@code () -> Object}, the body returning a reference (a primitive would need the lambda's boxing). */
    private static boolean returns(SerializedLambda lambda) {
        char returned = returned(lambda);
        return "()Ljava/lang/Object;".equals(lambda.getFunctionalInterfaceMethodSignature())
                && lambda.getInstantiatedMethodType().startsWith("()") && (returned == 'L' || returned == '[');
    }

    private static char returned(SerializedLambda lambda) {
        String body = lambda.getImplMethodSignature();
        return body.charAt(body.indexOf(')') + 1);
    }

    /** True for a {@code () -> Object} lambda ({@link #value}), false for a {@code () -> void} one ({@link #call}). */
    boolean returnsValue() {
        return method.getReturnType() != void.class;
    }

    /** Calls the method of a {@code () -> Object} lambda, as its body would be called: what it returned. */
    public Object value() {
        return invoke();
    }

    /** Calls the method of a {@code () -> void} lambda, as its body would be called. */
    public void call() {
        invoke();
    }

    private Object invoke() {
        if (!REFLECTION) {
            Posix posix = Posix.libc();
            if (posix.firstCallsCheap()) {
                Class<?> c = method.getDeclaringClass();
                String descriptor = form.getImplMethodSignature();
                if (returnsValue()) {
                    return posix.callStaticObject(c, method.getName(), descriptor, prims, refs);
                }
                posix.callStaticVoid(c, method.getName(), descriptor, prims, refs);
                return null;
            }
        }
        try {
            return method.invoke(null, captured);
        } catch (InvocationTargetException e) {
            throw StaticCall.<RuntimeException>unchecked(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot call " + method, e);
        }
    }

    /** Rethrows {@code t} as it is, checked or not: the lambda would have. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T unchecked(Throwable t) throws T {
        throw (T) t;
    }

    /** Serialized, a StaticCall is the lambda it stands for. */
    private Object writeReplace() {
        return form;
    }

    @Override
    public String toString() {
        return method.getDeclaringClass().getName() + "::" + method.getName();
    }
}
