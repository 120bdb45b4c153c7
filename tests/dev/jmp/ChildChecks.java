package dev.jmp;

/**
 * Child-side assertions: a failed check ends the child with its own exit code, which
 * the test then names. Children cannot throw AssertionError at the test directly.
 */
final class ChildChecks {
    private ChildChecks() {
    }

    static void check(boolean ok, int exitcode) {
        if (!ok) {
            System.out.flush();
            System.exit(exitcode);
        }
    }

    /** Blocks for the test's whole life; the test terminates or kills it. */
    static void blockForever() {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
