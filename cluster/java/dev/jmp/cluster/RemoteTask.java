package dev.jmp.cluster;

import dev.jmp.Pool;
import dev.jmp.ProcessError;
import java.io.IOException;
import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * The Callable a ClusterPool hands Hazelcast for one task: serialized bytes in,
 * serialized reply out ({@link Work}). Run in the member's executor thread, or, when
 * the pool asked for process isolation, in a worker process of a jmp {@link Pool} that
 * the member keeps for the purpose (started at the first such task, sized by
 * {@code jmp.cluster.processes}, default the member's cores): a task that crashes or
 * exhausts its worker then takes down that process only, never the member.
 */
final class RemoteTask implements Callable<byte[]>, Serializable {
    private static final long serialVersionUID = 1L;

    private final byte[] task;
    private final boolean isolated;

    RemoteTask(byte[] task, boolean isolated) {
        this.task = task;
        this.isolated = isolated;
    }

    @Override
    public byte[] call() throws IOException {
        if (!isolated) {
            return Work.execute(task);
        }
        byte[] t = task;
        try {
            return MemberPool.get().apply(() -> Work.execute(t));
        } catch (ProcessError e) {
            // The worker process died (or the member's pool could not take the task).
            return Payloads.encode(new Work.Reply(false, e));
        }
    }

    /** The member's own jmp Pool for isolated tasks; one per member JVM. */
    static final class MemberPool {
        private static Pool pool;

        static synchronized Pool get() {
            if (pool == null) {
                int n = Integer.getInteger("jmp.cluster.processes", Runtime.getRuntime().availableProcessors());
                pool = new Pool(n);
                Pool p = pool;
                Runtime.getRuntime().addShutdownHook(new Thread(p::terminate, "jmp-cluster-memberpool-exit"));
            }
            return pool;
        }

        private MemberPool() {
        }
    }
}
