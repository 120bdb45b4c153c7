package dev.jmp.pool;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * Flight-recorder events of a pool's tasks: one when a task is sent to a worker, one
 * when its result arrives. A task is known by its pool and sequence number, which
 * both events carry, so a recording pairs them.
 */
final class TaskEvents {
    private TaskEvents() {
    }

    static void dispatched(int pool, long seq, long workerPid) {
        Dispatch e = new Dispatch();
        if (e.isEnabled()) {
            e.pool = pool;
            e.seq = seq;
            e.workerPid = workerPid;
            e.commit();
        }
    }

    static void completed(int pool, long seq, boolean ok) {
        Completion e = new Completion();
        if (e.isEnabled()) {
            e.pool = pool;
            e.seq = seq;
            e.ok = ok;
            e.commit();
        }
    }

    @Name("dev.jmp.TaskDispatch")
    @Label("Pool Task Dispatch")
    @Category({"jmp", "Pool"})
    @Description("A pool task sent to a worker")
    static final class Dispatch extends Event {
        @Label("Pool")
        int pool;

        @Label("Sequence")
        long seq;

        @Label("Worker Pid")
        long workerPid;
    }

    @Name("dev.jmp.TaskCompletion")
    @Label("Pool Task Completion")
    @Category({"jmp", "Pool"})
    @Description("A pool task's result received from its worker")
    static final class Completion extends Event {
        @Label("Pool")
        int pool;

        @Label("Sequence")
        long seq;

        @Label("Succeeded")
        boolean ok;
    }
}
