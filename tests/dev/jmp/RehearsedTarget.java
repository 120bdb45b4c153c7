package dev.jmp;

/**
 * A target that tells, by its exit code, whether its class was first initialized by a
 * warm child's rehearsal (0) or by reading the Process (3). Its own class: a class
 * initializes once per JVM, so no other test may touch it in the parent first... which
 * does not matter, the question is only asked in children.
 */
final class RehearsedTarget {
    private RehearsedTarget() {
    }

    static final boolean BY_REHEARSAL = initializedByRehearsal();

    private static boolean initializedByRehearsal() {
        for (StackTraceElement e : new Throwable().getStackTrace()) {
            if (e.getClassName().equals("dev.jmp.spawn.Rehearsal") && e.getMethodName().equals("perform")) {
                return true;
            }
        }
        return false;
    }

    static Task exitZeroIfRehearsed() {
        return () -> System.exit(BY_REHEARSAL ? 0 : 3);
    }
}
