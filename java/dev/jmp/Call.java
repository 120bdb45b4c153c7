package dev.jmp;

/**
 * A serializable call without arguments, run in a worker process: the {@code func} of
 * Python's {@code Pool.apply(func)} and {@code Pool.apply_async(func)}, and a
 * {@link BaseManager#register} factory.
 *
 * @param <R> the type of the result
 */
@FunctionalInterface
public interface Call<R> extends java.io.Serializable {
    /**
     * Computes the result, in the worker.
     *
     * @return the result, sent back to the caller
     * @throws Exception anything; it reaches the caller of {@code get} (a checked one
     *         wrapped in {@link ProcessError})
     */
    R call() throws Exception;
}
