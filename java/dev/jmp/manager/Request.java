package dev.jmp.manager;

/** A client's request (see {@link ManagerDescriptor}): {@code op}, the object, the method or typeid, the arguments. */
public record Request(byte op, long id, String name, Object[] args) {
}
