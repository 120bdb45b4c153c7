package dev.jmp;

/**
 * The peer of a {@link Listener} or {@link Client} failed CPython's HMAC challenge, or
 * did not follow the handshake at all: {@code multiprocessing.AuthenticationError}.
 */
public class AuthenticationError extends ProcessError {
    private static final long serialVersionUID = 1L;

    /**
     * Makes one.
     *
     * @param message how the handshake failed
     */
    public AuthenticationError(String message) {
        super(message);
    }

    /**
     * Makes one with its cause (a timeout, a broken connection).
     *
     * @param message how the handshake failed
     * @param cause what made it fail
     */
    public AuthenticationError(String message, Throwable cause) {
        super(message, cause);
    }
}
