package dev.jmp.manager;

import dev.jmp.Namespace;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;

/** The object behind a Namespace proxy, in the manager. */
final class NamespaceObject implements Namespace {
    private final Map<String, Object> attributes = new LinkedHashMap<>();

    @Override
    public synchronized Object get(String attr) {
        if (!attributes.containsKey(attr)) {
            throw new NoSuchElementException("'Namespace' object has no attribute '" + attr + "'");
        }
        return attributes.get(attr);
    }

    @Override
    public synchronized void set(String attr, Object value) {
        attributes.put(java.util.Objects.requireNonNull(attr, "attr"), value);
    }

    @Override
    public synchronized Map<String, Object> attributes() {
        return new LinkedHashMap<>(attributes);
    }

    @Override
    public synchronized String toString() {
        StringBuilder sb = new StringBuilder("Namespace(");
        String sep = "";
        for (Map.Entry<String, Object> e : attributes.entrySet()) {
            sb.append(sep).append(e.getKey()).append('=');
            sb.append(e.getValue() instanceof String s ? "'" + s + "'" : e.getValue());
            sep = ", ";
        }
        return sb.append(')').toString();
    }
}
