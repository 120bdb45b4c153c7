package dev.jmp;

/**
 * {@code recvBytesInto} received a message longer than the room left in the buffer:
 * {@code multiprocessing.BufferTooShort}. The message has been taken off the
 * connection whole, so it is not lost: {@link #message()} holds it.
 */
public class BufferTooShort extends ProcessError {
    private static final long serialVersionUID = 1L;

    /** The whole message that did not fit. */
    private final byte[] message;

    /**
     * Makes one holding the message.
     *
     * @param message the whole message received (kept, not copied)
     * @param room the bytes that were left in the buffer
     */
    public BufferTooShort(byte[] message, int room) {
        super("message of " + message.length + " bytes does not fit in the " + room
                + " bytes left in the buffer; message() holds it");
        this.message = message;
    }

    /**
     * The whole message that did not fit: Python's {@code e.args[0]}.
     *
     * @return the message (not a copy)
     */
    public byte[] message() {
        return message;
    }
}
