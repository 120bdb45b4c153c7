package dev.jmp.spawn;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** Flight-recorder event: a child was reaped, with its exit code (-N: killed by signal N). */
@Name("dev.jmp.ChildExit")
@Label("Child Exit")
@Category({"jmp", "Process"})
@Description("A child JVM ended and was reaped")
final class ChildExitEvent extends Event {
    @Label("Pid")
    int pid;

    @Label("Exit Code")
    int exitCode;
}
