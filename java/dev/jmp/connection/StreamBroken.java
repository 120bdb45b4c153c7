package dev.jmp.connection;

import dev.jmp.ProcessError;

/**
 * Thrown by {@link Receiver} when the bytes on the connection can no longer be followed:
 * a frame header that is garbage, or a message longer than the caller's maxlength or
 * than {@link Limits#MAX_MESSAGE_BYTES}. Its header has been read but not its body, so
 * the next read would start in the middle of a message. The Connection reacts as
 * CPython's {@code _bad_message_length} does (stops reading: unreadable if duplex,
 * closed if receive-only) and throws {@link #error()} to the caller.
 */
public final class StreamBroken extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ProcessError error;

    StreamBroken(ProcessError error) {
        super(error.getMessage(), null, false, false);
        this.error = error;
    }

    public ProcessError error() {
        return error;
    }
}
