package dev.jmp.posix;

import dev.jmp.PosixException;

/**
 * Errno as jmp reports it: the number (its constants live in {@link Linux}, the one
 * place jmp writes an errno value down) and the symbolic name and description, looked
 * up in one table here, so no caller spells "ENOENT" by hand beside a number that
 * could disagree with it.
 */
public final class Errno {
    private Errno() {
    }

    /** The PosixException for a failed call, in the C library's words. */
    public static PosixException exception(String function, int errno) {
        jnr.constants.platform.Errno e = lookup(errno);
        String description = e != null ? e.description() : "Unknown error " + errno;
        return new PosixException(function, errno, description, e != null ? e.name() : null);
    }

    /**
     * The PosixException for a failure jmp finds itself (a Java I/O error standing for
     * a system call's), with its own {@code text} instead of the C library's words:
     * the number and the name are still the errno's.
     */
    public static PosixException exception(String function, int errno, String text, Throwable cause) {
        PosixException p = new PosixException(function, errno, text, name(errno));
        if (cause != null) {
            p.initCause(cause);
        }
        return p;
    }

    /** The errno's symbolic name ({@code "ENOENT"}), or null if this platform has none. */
    public static String name(int errno) {
        jnr.constants.platform.Errno e = lookup(errno);
        return e != null ? e.name() : null;
    }

    private static jnr.constants.platform.Errno lookup(int errno) {
        try {
            jnr.constants.platform.Errno e = jnr.constants.platform.Errno.valueOf(errno);
            return e.defined() ? e : null;
        } catch (RuntimeException | LinkageError ignored) {
            // No table for this platform: the number alone still identifies it.
            return null;
        }
    }
}
