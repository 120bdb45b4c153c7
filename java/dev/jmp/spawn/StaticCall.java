package dev.jmp.spawn;

import dev.jmp.posix.Posix;
import java.io.Serializable;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * A lambda sent by reference ({@link LambdaRef}) whose body is a static method taking
 * its captured values and nothing else (a {@code Runnable}-shaped lambda, or a method
 * reference {@code Foo::bar}), called without being linked as a lambda.
 *
 * <p>Why: a fresh JVM's first lambda costs it the bootstrap of java.lang.invoke's
 * lambda machinery (a class generated with the JDK's bytecode library, method handles
 * linked), several milliseconds of a spawned child's start that a target returning at
 * once would spend on nothing else (the numbers are in the README's start-up section).
 * How it is called instead depends on the JDK: on JDK 17 through core reflection,
 * whose first invocations go through the VM's native accessor and generate nothing;
 * from JDK 18 on, core reflection is itself built on method handles (JEP 416), so
 * there through JNI ({@link Posix#callStaticVoid}: libjmp's call into Java), where
 * libjmp is the native layer. {@link #available()} says whether either applies.
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

    /**
     * {@code lambda} as a StaticCall if its body is a static method whose parameters are
     * exactly its captured values, its interface method takes nothing and returns void,
     * and its implementation class is open to this module; else null (link it instead).
     */
    static StaticCall of(SerializedLambda lambda, ClassLoader loader) {
        if (lambda.getImplMethodKind() != MethodHandleInfo.REF_invokeStatic
                || !"()V".equals(lambda.getFunctionalInterfaceMethodSignature())
                || !"()V".equals(lambda.getInstantiatedMethodType())) {
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

    /** Calls the method, as the lambda's body would be called. */
    public void call() {
        if (!REFLECTION) {
            Posix posix = Posix.libc();
            if (posix.firstCallsCheap()) {
                posix.callStaticVoid(method.getDeclaringClass(), method.getName(), form.getImplMethodSignature(),
                        prims, refs);
                return;
            }
        }
        try {
            method.invoke(null, captured);
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
