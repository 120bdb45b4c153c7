package dev.jmp.posix;

import dev.jmp.PosixException;

/**
 * Turns an errno into the PosixException that names the failed function. The errno's
 * name and text come from the C library through libjmp when it is loaded; otherwise
 * (the jnr-ffi backend) from jnr-constants, in a nested class so that a JNI process
 * never loads a jnr class.
 */
public final class Errno {
    private Errno() {
    }

    public static PosixException exception(String function, int errno) {
        String name = null;
        String description = null;
        if (NativeLibrary.loaded()) {
            name = LibJmp.strerrorname_np(errno);
            description = name == null ? null : LibJmp.strerror(errno);
        } else {
            String[] both = JnrConstants.lookUp(errno);
            name = both[0];
            description = both[1];
        }
        if (description == null) {
            description = "Unknown error " + errno;
        }
        return new PosixException(function, errno, description, name);
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
