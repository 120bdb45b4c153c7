package dev.jmp;

/**
 * Base of jmp's own exceptions, as {@code multiprocessing.ProcessError} is the base
 * of Python's. Unchecked, like every jmp exception.
 */
public class ProcessError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes one.
     *
     * @param message what went wrong
     */
    public ProcessError(String message) {
        super(message);
    }

    /**
     * Makes one with its cause (for a failed task: the task's own exception).
     *
     * @param message what went wrong
     * @param cause the exception behind it
     */
    public ProcessError(String message, Throwable cause) {
        super(message, cause);
    }
}
