package dev.jmp;

/**
 * Python's {@code _MainProcess}: the Process of the program's own JVM, what
 * {@link Multiprocessing#currentProcess()} gives outside a child. It was not started
 * by jmp, so it cannot be started, joined or tested; it is always alive.
 */
final class MainProcess extends Process {
    private static final long serialVersionUID = 1L;

    MainProcess() {
        super("MainProcess", null, -1);
    }

    @Override
    public void setDaemon(boolean daemon) {
        throw new IllegalStateException("cannot change the daemon flag of " + name());
    }

    @Override
    String label() {
        return "_MainProcess";
    }
}
