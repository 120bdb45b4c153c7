package dev.jmp;

import dev.jmp.spawn.LambdaRef;
import dev.jmp.spawn.PayloadPipe;
import java.io.IOException;
import java.lang.invoke.SerializedLambda;

/**
 * The payload of a spawned child in the common case, without Java serialization: a
 * plain {@code Process} (not a subclass) whose target is a serializable lambda that
 * captured only plain values ({@link LambdaRef}), or no target. Its fields go as a
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
        return PayloadPipe.writeDirect(p.name(), p.daemon(), p.identity(), p.parentPid(), p.parentName(), lambda);
    }

    /** In the child: the Process that {@link #encode} described. */
    static Process decode(byte[] payload, ClassLoader loader) throws IOException, ReflectiveOperationException {
        PayloadPipe.Direct d = PayloadPipe.readDirect(payload, loader);
        return new Process((Task) d.target(), d.name(), d.daemon(), d.identity(), d.parentPid(), d.parentName());
    }
}
