package dev.jmp.connection;

import dev.jmp.PosixException;
import dev.jmp.posix.Linux;

/**
 * The errors of a frame that cannot be received. CPython raises OSError for them
 * ("bad message length", "got end of file during message"); API.md maps OSError to
 * PosixException, so they are PosixExceptions with the errno that says what happened:
 * EMSGSIZE for a message too long to accept, EBADMSG for bytes that are not a frame.
 */
final class Errors {
    private Errors() {
    }

    static PosixException tooLong(String call, long length, String limit) {
        return new PosixException(call, Linux.EMSGSIZE, "bad message length: the next message has "
                + length + " bytes, more than " + limit, "EMSGSIZE");
    }

    static PosixException badMessage(String call, String what) {
        return new PosixException(call, Linux.EBADMSG, what, "EBADMSG");
    }

    static PosixException connectFailed(int errno) {
        return dev.jmp.posix.Errno.exception("connect", errno);
    }
}
