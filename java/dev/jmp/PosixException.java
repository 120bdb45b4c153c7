package dev.jmp;

/**
 * A system call failed: Python's {@code OSError}. Names the C function and the errno,
 * e.g. {@code sem_open: Permission denied (errno 13, EACCES)}.
 */
public class PosixException extends ProcessError {
    private static final long serialVersionUID = 1L;

    private final String function;
    private final int errno;

    public PosixException(String function, int errno, String description, String errnoName) {
        this(function, errno, function + ": " + description + " (errno " + errno
                + (errnoName == null ? "" : ", " + errnoName) + ")");
    }

    protected PosixException(String function, int errno, String message) {
        super(message);
        this.function = function;
        this.errno = errno;
    }

    /** The errno the call set (or returned, for posix_spawn). */
    public int errno() {
        return errno;
    }

    /** The C function that failed, e.g. {@code "sem_open"}. */
    public String function() {
        return function;
    }
}
