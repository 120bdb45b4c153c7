package dev.jmp.posix;

import dev.jmp.PosixException;

/**
 * Errno as jmp reports it: the number (its constants live in {@link Linux}, the one
 * place jmp writes an errno value down) and the symbolic name and description, looked
 * up here, so no caller spells "ENOENT" by hand beside a number that could disagree
 * with it. The name and text come from the C library through libjmp when it is
 * loaded; otherwise (the jnr-ffi backend) from jnr-constants, in a nested class so
 * that a JNI process never loads a jnr class.
 */
public final class Errno {
    private Errno() {
    }

    public static PosixException exception(String function, int errno) {
        String[] both = lookUp(errno);
        String description = both[1] != null ? both[1] : "Unknown error " + errno;
        return new PosixException(function, errno, description, both[0]);
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
        return lookUp(errno)[0];
    }

    /** {name, description}, either null where unknown. */
    private static String[] lookUp(int errno) {
        if (NativeFiles.loaded()) {
            String name = LibJmp.strerrorname_np(errno);
            return new String[] {name, name == null ? null : LibJmp.strerror(errno)};
        }
        return JnrConstants.lookUp(errno);
    }

    private static final class JnrConstants {
        static String[] lookUp(int errno) {
            try {
                jnr.constants.platform.Errno e = jnr.constants.platform.Errno.valueOf(errno);
                if (e.defined()) {
                    return new String[] {e.name(), e.description()};
                }
            } catch (RuntimeException | LinkageError ignored) {
                // No table for this platform: the number alone still identifies it.
            }
            return new String[2];
        }
    }
}
