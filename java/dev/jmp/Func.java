package dev.jmp;

/**
 * A serializable function of one argument, run in a worker process: the {@code func}
 * of Python's {@code Pool.map(func, iterable)}, {@code imap} and {@code imap_unordered}.
 *
 * @param <T> the type of the argument
 * @param <R> the type of the result
 */
@FunctionalInterface
public interface Func<T, R> extends java.io.Serializable {
    /**
     * Applies the function to one item, in the worker.
     *
     * @param t the item
     * @return the result, sent back to the caller
     * @throws Exception anything; it reaches the caller (a checked one wrapped in
     *         {@link ProcessError})
     */
    R apply(T t) throws Exception;
}
