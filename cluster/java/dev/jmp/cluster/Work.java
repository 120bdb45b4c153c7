package dev.jmp.cluster;

import dev.jmp.Call;
import dev.jmp.Func;
import dev.jmp.ProcessError;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What runs on a member: the bytes of a task in, the bytes of a {@link Reply} out.
 * A task is a {@link Call} (apply) or a {@link Chunk} (a function and some items of a
 * map). Whatever the task throws, and a result that cannot be serialized, become the
 * reply, so that only a lost member (or process) fails a task from outside.
 *
 * <p>Static and free of Hazelcast, so that the same code runs in a member's executor
 * thread or, isolated, inside a worker process of the member's local jmp Pool.
 */
final class Work {
    private Work() {
    }

    /** Some items of a map and the function to apply to each; one task. */
    record Chunk(Func<Object, Object> func, List<Object> items) implements Serializable {
    }

    /** How a task ended: a value (a List for a chunk) if ok, else the exception it threw. */
    record Reply(boolean ok, Object value) implements Serializable {
    }

    /** Runs the serialized task and returns its serialized reply. */
    static byte[] execute(byte[] task) {
        Reply reply;
        try {
            Object t = Payloads.decode(task, Thread.currentThread().getContextClassLoader());
            reply = new Reply(true, run(t));
        } catch (Throwable e) {
            reply = new Reply(false, e);
        }
        try {
            return Payloads.encode(reply);
        } catch (IOException e) {
            String what = reply.ok() ? "result" : "exception";
            ProcessError unsendable = new ProcessError("Error sending result: '" + reply.value() + "'. Reason: '"
                    + e + "' (the " + what + " could not be serialized)");
            try {
                return Payloads.encode(new Reply(false, unsendable));
            } catch (IOException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Object run(Object task) throws Exception {
        if (task instanceof Chunk c) {
            List<Object> out = new ArrayList<>(c.items().size());
            for (Object item : c.items()) {
                out.add(c.func().apply(item));
            }
            return out;
        }
        return ((Call<Object>) task).call();
    }
}
