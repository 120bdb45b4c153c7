package dev.jmp;

/**
 * The peer of a {@link Listener} or {@link Client} failed CPython's HMAC challenge, or
 * did not follow the handshake at all: {@code multiprocessing.AuthenticationError}.
 */
public class AuthenticationError extends ProcessError {
    private static final long serialVersionUID = 1L;

    public AuthenticationError(String message) {
        super(message);
    }

    public AuthenticationError(String message, Throwable cause) {
        super(message, cause);
    }
}
