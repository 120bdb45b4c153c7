package dev.jmp;

/** A result was not ready within the given timeout: {@code multiprocessing.TimeoutError}. */
public class TimeoutError extends ProcessError {
    private static final long serialVersionUID = 1L;

    /**
     * Makes one.
     *
     * @param message what was not ready in time
     */
    public TimeoutError(String message) {
        super(message);
    }
}
