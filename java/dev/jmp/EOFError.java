package dev.jmp;

/**
 * {@code recv} found the connection at its end: every process that held the other
 * end (or, for a simplex pipe, the sending end) has closed it, and no message is
 * left. Python's built-in {@code EOFError} as {@code Connection.recv()} raises it.
 */
public class EOFError extends ProcessError {
    private static final long serialVersionUID = 1L;

    /**
     * Makes one.
     *
     * @param message which receive found the end
     */
    public EOFError(String message) {
        super(message);
    }
}
