package dev.jmp;

/** A serializable call without arguments, run in a worker process (Pool.apply). */
@FunctionalInterface
public interface Call<R> extends java.io.Serializable {
    R call() throws Exception;
}
