package dev.jmp.posix;

import dev.jmp.PosixException;

/** Turns an errno into the PosixException that names the failed function. */
public final class Errno {
    private Errno() {
    }

    public static PosixException exception(String function, int errno) {
        String name = null;
        String description = null;
        try {
            jnr.constants.platform.Errno e = jnr.constants.platform.Errno.valueOf(errno);
            if (e.defined()) {
                name = e.name();
                description = e.description();
            }
        } catch (RuntimeException | LinkageError ignored) {
            // No table for this platform: the number alone still identifies it.
        }
        if (description == null) {
            description = "Unknown error " + errno;
        }
        return new PosixException(function, errno, description, name);
    }
}
