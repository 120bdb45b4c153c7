package dev.jmp;

import java.util.Map;

/**
 * Python's {@code Namespace} of a manager: named attributes shared between processes
 * ({@code ns.x = 1} is {@code ns.set("x", 1)}, {@code ns.x} is {@code ns.get("x")}).
 * Get a shared one from {@link SyncManager#namespace()}.
 */
public interface Namespace {
    /**
     * Reads an attribute: Python's {@code ns.attr}.
     *
     * @param attr the attribute's name
     * @return its value
     * @throws java.util.NoSuchElementException if it was never set (Python's AttributeError)
     */
    Object get(String attr);

    /**
     * Sets an attribute, for every process: Python's {@code ns.attr = value}.
     *
     * @param attr the attribute's name
     * @param value its new value (serializable, or null)
     */
    void set(String attr, Object value);

    /**
     * All attributes: Python's {@code vars(ns)}.
     *
     * @return a copy, in the order the attributes were first set
     */
    Map<String, Object> attributes();
}
