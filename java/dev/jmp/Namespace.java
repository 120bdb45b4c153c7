package dev.jmp;

import java.util.Map;

/**
 * Python's {@code Namespace} of a manager: named attributes shared between processes
 * ({@code ns.x = 1} is {@code ns.set("x", 1)}, {@code ns.x} is {@code ns.get("x")}).
 * Get a shared one from {@link SyncManager#namespace()}.
 */
public interface Namespace {
    /** The attribute's value; NoSuchElementException if it was never set (Python's AttributeError). */
    Object get(String attr);

    void set(String attr, Object value);

    /** A copy of all attributes, in the order they were first set. */
    Map<String, Object> attributes();
}
