package dev.jmp;

/**
 * A process target: a {@link Runnable} that can be serialized into a child JVM. A
 * lambda given where a Task is expected is serializable, and so is everything it
 * captures as long as each captured object is. Python: the {@code target} of
 * {@code Process(target=f)} (the child calls {@link #run()}, Python's {@code target()}).
 */
@FunctionalInterface
public interface Task extends Runnable, java.io.Serializable {
}
