package dev.jmp;

/** Signal names for exit codes, as Python's repr shows them ({@code exitcode=-SIGTERM}). */
final class Signals {
    private Signals() {
    }

    private static final String[] NAMES = {
        null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
        "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
        "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
        "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    };

    static String exitcodeName(int exitcode) {
        if (exitcode < 0 && -exitcode < NAMES.length) {
            return "-" + NAMES[-exitcode];
        }
        return Integer.toString(exitcode);
    }
}
