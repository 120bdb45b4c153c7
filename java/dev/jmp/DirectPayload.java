package dev.jmp;

import dev.jmp.spawn.LambdaRef;
import dev.jmp.spawn.PayloadPipe;
import dev.jmp.spawn.StaticCall;
import java.io.IOException;
import java.lang.invoke.SerializedLambda;

/**
 * The payload of a spawned child in the common case, without Java serialization: a
 * plain {@code Process} (not a subclass) whose target is a serializable lambda that
 * captured only plain values, Locks and semaphores, or Connection ends handed to a
 * spawned child ({@link LambdaRef}, {@link DirectHandles}), or no target. Its fields go as a
 * direct payload ({@link PayloadPipe} has the layout); the child builds the same
 * Process that ObjectInputStream would have built, without paying for
 * ObjectInputStream's first use (see LambdaRef). Everything else goes by Java
 * serialization, as before.
 *
 * <p>{@code -Djmp.directPayload=false} sends every Process by Java serialization
 * (to compare the two, or should this ever misbehave).
 */
final class DirectPayload {
    private DirectPayload() {
    }

    static final boolean ENABLED = !"false".equals(System.getProperty("jmp.directPayload"));

    static {
        LambdaRef.useHandles(DirectHandles.INSTANCE);     // a captured Lock travels by name here too
    }

    /** The payload for {@code p}, or null when it needs Java serialization. */
    static byte[] encode(Process p) {
        if (!ENABLED || p.getClass() != Process.class || p.parentName() == null) {
            return null;
        }
        Task target = p.target();
        SerializedLambda lambda = null;
        if (target != null && (lambda = LambdaRef.of(target)) == null) {
            return null;
        }
        byte[] payload = PayloadPipe.writeDirect(p.name(), p.daemon(), p.identity(), p.parentPid(), p.parentName(),
                lambda);
        if (payload != null && lambda != null) {
            for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
                DirectHandles.sent(lambda.getCapturedArg(i));
            }
        }
        return payload;
    }

    /** In the child: the Process that {@link #encode} described. */
    static Process decode(byte[] payload, ClassLoader loader) throws IOException, ReflectiveOperationException {
        PayloadPipe.Direct d = PayloadPipe.readDirect(payload, loader, TASK);
        Object target = d.target();
        Task task = target instanceof StaticCall call ? new StaticTask(call) : (Task) target;
        return new Process(task, d.name(), d.daemon(), d.identity(), d.parentPid(), d.parentName());
    }

    private static final String TASK = Task.class.getName().replace('.', '/');

    /** A Task whose body is a static method called without linking a lambda ({@link StaticCall}). */
    private static final class StaticTask implements Task {
        private static final long serialVersionUID = 1L;

        private final StaticCall call;

        StaticTask(StaticCall call) {
            this.call = call;
        }

        @Override
        public void run() {
            call.call();
        }

        /** Serialized again, it is the lambda it stands for. */
        private Object writeReplace() throws java.io.ObjectStreamException {
            return call;
        }

        @Override
        public String toString() {
            return call.toString();
        }
    }
}
