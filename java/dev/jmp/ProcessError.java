package dev.jmp;

/**
 * Base of jmp's own exceptions, as {@code multiprocessing.ProcessError} is the base
 * of Python's. Unchecked, like every jmp exception.
 */
public class ProcessError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProcessError(String message) {
        super(message);
    }

    public ProcessError(String message, Throwable cause) {
        super(message, cause);
    }
}
