package dev.jmp.posix;

/** Decodes a raw {@code waitpid} status the way the W* macros of sys/wait.h do. */
public final class WaitStatus {
    private WaitStatus() {
    }

    public static boolean exited(int status) {         // WIFEXITED
        return (status & 0x7f) == 0;
    }

    public static int exitStatus(int status) {         // WEXITSTATUS
        return (status >> 8) & 0xff;
    }

    public static boolean signaled(int status) {       // WIFSIGNALED
        return ((byte) ((status & 0x7f) + 1) >> 1) > 0;
    }

    public static int termSig(int status) {            // WTERMSIG
        return status & 0x7f;
    }

    /**
     * Python's {@code Popen.returncode}: the exit status, or minus the signal that
     * killed the process.
     */
    public static int toExitcode(int status) {
        if (exited(status)) {
            return exitStatus(status);
        }
        if (signaled(status)) {
            return -termSig(status);
        }
        throw new IllegalArgumentException("wait status " + status + " is neither an exit nor a signal");
    }
}
