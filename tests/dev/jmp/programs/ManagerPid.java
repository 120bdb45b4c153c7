package dev.jmp.programs;

/** The pid of a manager's server process, read through the package-private accessor. */
final class ManagerPid {
    private ManagerPid() {
    }

    static long of(dev.jmp.BaseManager m) throws ReflectiveOperationException {
        java.lang.reflect.Method server = dev.jmp.BaseManager.class.getDeclaredMethod("serverProcess");
        server.setAccessible(true);
        return ((dev.jmp.Process) server.invoke(m)).pid();
    }
}
