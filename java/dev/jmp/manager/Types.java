package dev.jmp.manager;

import java.util.Map;

/** Class.forName that also knows the primitive types (they appear in method signatures). */
final class Types {
    private Types() {
    }

    private static final Map<String, Class<?>> PRIMITIVES = Map.of(
            "boolean", boolean.class, "byte", byte.class, "char", char.class, "short", short.class,
            "int", int.class, "long", long.class, "float", float.class, "double", double.class, "void", void.class);

    static Class<?> forName(String name, ClassLoader loader) throws ClassNotFoundException {
        Class<?> p = PRIMITIVES.get(name);
        return p != null ? p : Class.forName(name, false, loader);
    }
}
