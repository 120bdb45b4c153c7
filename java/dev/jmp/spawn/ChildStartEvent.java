package dev.jmp.spawn;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * Flight-recorder event: a child started, lasting from start() until the child is
 * running (spawned, or a warm child handed its payload). Committed only while a
 * recording enables it: with JFR off, {@link #isEnabled()} is a constant false.
 */
@Name("dev.jmp.ChildStart")
@Label("Child Start")
@Category({"jmp", "Process"})
@Description("A child JVM started by Process.start() or a pool")
final class ChildStartEvent extends Event {
    @Label("Pid")
    int pid;

    @Label("Start Method")
    String startMethod;
}
