package dev.jmp.manager;

import java.io.Serializable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server side of one request: find the method, call it, turn the result into
 * something that can travel (CPython's {@code Server.serve_client} with its
 * {@code method_to_typeid}).
 *
 * <p>What a result becomes:
 * <ul>
 * <li>an Iterator: a snapshot list of what it would have returned, taken at once, so
 *     iterating a proxy is one round trip (the client iterates the snapshot);</li>
 * <li>a collection or map that is a view of the object ({@code keySet()},
 *     {@code entrySet()}, {@code values()}, {@code subList}) or otherwise not
 *     Serializable: a copy (entries as immutable entries); a copy of a synchronized
 *     collection is taken under its lock ({@code toArray});</li>
 * <li>anything else not Serializable, returned as an interface type (a
 *     {@code Condition} from {@code Lock.newCondition()}): a new shared object,
 *     returned as a proxy;</li>
 * <li>the rest: itself, by value.</li>
 * </ul>
 */
final class Dispatch {
    private static final Map<String, Method> METHODS = new ConcurrentHashMap<>();

    private static final Set<String> OBJECT_METHODS = Set.of("equals", "hashCode", "toString");

    private final Server server;

    Dispatch(Server server) {
        this.server = server;
    }

    Reply handle(Request r) {
        try {
            return switch (r.op()) {
                case ManagerDescriptor.CREATE -> create(r.name(), (String) r.args()[0],
                        Arrays.copyOfRange(r.args(), 1, r.args().length));
                case ManagerDescriptor.CALL -> call(server.referent(r.id()), r.name(), r.args());
                default -> throw new IllegalArgumentException("unknown request " + r.op());
            };
        } catch (InvocationTargetException e) {
            return Reply.error(e.getCause());
        } catch (Throwable t) {
            return Reply.error(t);
        }
    }

    private Reply create(String typeid, String iface, Object[] args) throws Exception {
        Object obj = server.factory(typeid).apply(args);
        Class<?> type = Class.forName(iface, false, Dispatch.class.getClassLoader());
        if (!type.isInstance(obj)) {
            throw new IllegalArgumentException("the factory of '" + typeid + "' made a "
                    + (obj == null ? "null" : obj.getClass().getName()) + ", which is not a " + iface);
        }
        return Reply.proxy(server.register(typeid, obj));
    }

    /** Calls {@code signature} on {@code target} and converts the result; also used by in-server proxies. */
    static Object invoke(Object target, String signature, Object[] args) throws Exception {
        return resolve(signature).invoke(target, args);
    }

    private Reply call(Object target, String signature, Object[] args) throws Exception {
        Method m = resolve(signature);
        Object result;
        if (target instanceof Collection<?> c && args == null
                && (m.getName().equals("iterator") || m.getName().equals("listIterator"))) {
            result = new ArrayList<>(Arrays.asList(c.toArray()));     // a synchronized collection locks in toArray
        } else {
            result = m.invoke(target, args);
        }
        if (result == null || result == target && result instanceof Serializable) {
            return Reply.value(result);
        }
        if (result instanceof Iterator<?> it) {
            List<Object> snapshot = new ArrayList<>();
            it.forEachRemaining(snapshot::add);
            return Reply.value(snapshot);
        }
        if (result instanceof Collection<?> c && (isView(c) || !(c instanceof Serializable))) {
            return Reply.value(copy(c));
        }
        if (result instanceof Map<?, ?> map && (isView(map) || !(map instanceof Serializable))) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            for (Object e : map.entrySet().toArray()) {
                Map.Entry<?, ?> entry = (Map.Entry<?, ?>) e;
                copy.put(entry.getKey(), entry.getValue());
            }
            return Reply.value(copy);
        }
        if (!(result instanceof Serializable) && m.getReturnType().isInterface()) {
            return Reply.proxy(server.register(m.getReturnType().getName(), result));
        }
        return Reply.value(result);
    }

    private static boolean isView(Object o) {
        return o.getClass().getName().startsWith("java.util.Collections$Synchronized");
    }

    private static Collection<Object> copy(Collection<?> c) {
        Object[] items = c.toArray();
        for (int i = 0; i < items.length; i++) {
            if (items[i] instanceof Map.Entry<?, ?> e && !(e instanceof Serializable)) {
                items[i] = new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue());
            }
        }
        return c instanceof Set<?> ? new LinkedHashSet<>(Arrays.asList(items)) : new ArrayList<>(Arrays.asList(items));
    }

    private static Method resolve(String signature) throws ReflectiveOperationException {
        Method m = METHODS.get(signature);
        if (m == null) {
            m = lookUp(signature);
            METHODS.put(signature, m);
        }
        return m;
    }

    private static Method lookUp(String signature) throws ReflectiveOperationException {
        int open = signature.indexOf('(');
        int dot = signature.lastIndexOf('.', open);
        if (open < 0 || dot < 0 || !signature.endsWith(")")) {
            throw new IllegalArgumentException("not a method signature: " + signature);
        }
        ClassLoader loader = Dispatch.class.getClassLoader();
        Class<?> owner = Class.forName(signature.substring(0, dot), false, loader);
        String name = signature.substring(dot + 1, open);
        if (owner == Object.class ? !OBJECT_METHODS.contains(name) : !owner.isInterface()) {
            throw new IllegalArgumentException("only interface methods are called through a proxy: " + signature);
        }
        String params = signature.substring(open + 1, signature.length() - 1);
        String[] names = params.isEmpty() ? new String[0] : params.split(",");
        Class<?>[] types = new Class<?>[names.length];
        for (int i = 0; i < names.length; i++) {
            types[i] = Types.forName(names[i], loader);
        }
        return owner.getMethod(name, types);
    }
}
