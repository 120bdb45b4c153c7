package dev.jmp.bench;

import dev.jmp.Task;

/**
 * The targets the benchmarks run in child processes. A serialized lambda names the
 * class it was written in, and the child loads that class to rebuild it: keeping the
 * lambdas here, in a class that references nothing of JMH, keeps the child's class
 * loading to what a user's small target would cost.
 */
final class ChildTargets {
    private ChildTargets() {
    }

    static Task noop() {
        return () -> { };
    }

    static Task firstLine(InheritedFd out) {
        return () -> out.signal();
    }
}
