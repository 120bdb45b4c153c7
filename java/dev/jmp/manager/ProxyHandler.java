package dev.jmp.manager;

import dev.jmp.ProcessError;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a proxy does with a call: CPython's {@code BaseProxy._callmethod}, behind a
 * {@code java.lang.reflect.Proxy} that implements the shared object's interface.
 *
 * <p>Why the interface's own methods, and only those, go to the manager: every abstract
 * method, and {@code equals}/{@code hashCode}/{@code toString}, is one CALL round trip
 * (see {@link ManagerDescriptor}). A default method goes too when its arguments can
 * travel, so {@code merge}, {@code putIfAbsent}, {@code computeIfAbsent} with a
 * serializable function run atomically in the manager; with a function that cannot
 * travel (an ordinary lambda) the default runs here, composed of round trips, as any
 * Map's default would. {@code forEach}, {@code stream} and the like always run here:
 * they iterate one snapshot (one round trip) and call the caller's code in the caller.
 *
 * <p>Why a proxy is its Token when it travels: a proxy sent anywhere (a child's target,
 * a Pipe, a Queue, the manager itself inside a dict) reaches the same object. Inside the
 * manager that owns the object, it resolves to the object itself, so a nested proxy
 * costs the manager no socket to itself.
 */
public final class ProxyHandler implements InvocationHandler, Serializable {
    private static final long serialVersionUID = 1L;
    private static final Set<String> ALWAYS_HERE = Set.of("forEach", "spliterator", "stream", "parallelStream");
    /** What a CALL names, per method of a proxy class. */
    private static final Map<Method, String> SIGNATURES = new ConcurrentHashMap<>();

    private final Token token;
    private final transient Object local;   // the object itself, inside its own manager

    ProxyHandler(Token token) {
        this.token = token;
        Server s = Server.running();
        this.local = s != null && s.instance() == token.server() ? s.referent(token.id()) : null;
    }

    /** A new proxy for {@code token} implementing {@code type}. */
    public static <T> T proxy(Token token, Class<T> type) {
        if (!type.isInterface()) {
            throw new IllegalArgumentException("a proxy implements an interface; " + type.getName() + " is not one");
        }
        ClassLoader loader = type.getClassLoader() != null ? type.getClassLoader() : ProxyHandler.class.getClassLoader();
        return type.cast(Proxy.newProxyInstance(loader, new Class<?>[] {type}, new ProxyHandler(token)));
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
        if (m.isDefault() && (ALWAYS_HERE.contains(m.getName()) || !travels(args))) {
            return InvocationHandler.invokeDefault(proxy, m, args);
        }
        String signature = SIGNATURES.computeIfAbsent(m, ManagerDescriptor::signature);
        if (local != null) {
            try {
                return Dispatch.invoke(local, signature, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
        Reply r = Channels.roundTrip(token.address(), token::authkey,
                new Request(ManagerDescriptor.CALL, token.id(), signature, args));
        return switch (r.kind()) {
            case ManagerDescriptor.RETURN -> adapt(r.value(), m.getReturnType());
            case ManagerDescriptor.PROXY -> proxy(reached((Token) r.value()), m.getReturnType());
            default -> throw thrown((Throwable) r.value(), m, token);
        };
    }

    /** A token from the server, completed with how this process reaches that server. */
    Token reached(Token fromServer) {
        return new Token(fromServer.typeid(), token.address(), token.authkey(), fromServer.server(), fromServer.id());
    }

    /** An iterator arrives as its snapshot list. */
    private static Object adapt(Object value, Class<?> returnType) {
        if (value instanceof List<?> l) {
            if (returnType == java.util.ListIterator.class) {
                return l.listIterator();
            }
            if (returnType == java.util.Iterator.class) {
                return l.iterator();
            }
        }
        return value;
    }

    /**
     * The manager's exception, thrown here as itself when the method may throw it (an
     * unchecked one, or a checked one it declares), else wrapped in ProcessError.
     */
    static Throwable thrown(Throwable t, Method m, Token token) {
        if (t instanceof RuntimeException || t instanceof Error) {
            return t;
        }
        if (m != null) {
            for (Class<?> declared : m.getExceptionTypes()) {
                if (declared.isInstance(t)) {
                    return t;
                }
            }
        }
        return new ProcessError(t + " (in the manager at " + Addresses.show(token.address()) + ")", t);
    }

    private static boolean travels(Object[] args) {
        if (args != null) {
            for (Object a : args) {
                if (a != null && !(a instanceof Serializable)) {
                    return false;
                }
            }
        }
        return true;
    }

    private Object readResolve() throws ObjectStreamException {
        return new ProxyHandler(token);
    }

    @Override
    public String toString() {
        return "<Proxy " + token + ">";
    }
}
