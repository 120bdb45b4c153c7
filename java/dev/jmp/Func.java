package dev.jmp;

/** A serializable function of one argument, run in a worker process (Pool.map). */
@FunctionalInterface
public interface Func<T, R> extends java.io.Serializable {
    R apply(T t) throws Exception;
}
