package dev.jmp;

/**
 * A system call failed: Python's {@code OSError}. Names the C function and the errno,
 * e.g. {@code sem_open: Permission denied (errno 13, EACCES)}.
 */
public class PosixException extends ProcessError {
    private static final long serialVersionUID = 1L;

    /** The C function that failed. */
    private final String function;
    /** The errno it set. */
    private final int errno;

    /**
     * Makes one with the message {@code function: description (errno N, NAME)}.
     *
     * @param function the C function that failed
     * @param errno the errno it set
     * @param description the errno's text ({@code strerror})
     * @param errnoName the errno's symbolic name ({@code "EACCES"}), or null if unknown
     */
    public PosixException(String function, int errno, String description, String errnoName) {
        this(function, errno, function + ": " + description + " (errno " + errno
                + (errnoName == null ? "" : ", " + errnoName) + ")");
    }

    /**
     * Makes one with a message of its own (for a subclass that explains more).
     *
     * @param function the C function that failed
     * @param errno the errno it set
     * @param message the whole message
     */
    protected PosixException(String function, int errno, String message) {
        super(message);
        this.function = function;
        this.errno = errno;
    }

    /**
     * The error number: Python's {@code OSError.errno}.
     *
     * @return the errno the call set (or returned, for posix_spawn)
     */
    public int errno() {
        return errno;
    }

    /**
     * The C function that failed (Python's {@code OSError} names no function).
     *
     * @return its name, e.g. {@code "sem_open"}
     */
    public String function() {
        return function;
    }
}
