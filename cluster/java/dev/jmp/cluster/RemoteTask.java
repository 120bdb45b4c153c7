package dev.jmp.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import dev.jmp.Pool;
import dev.jmp.ProcessError;
import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * The Callable a ClusterPool hands Hazelcast for one task: serialized bytes in,
 * serialized reply out ({@link Work}). Run in the member's executor thread, or, when
 * the pool asked for process isolation, in a worker process of a jmp {@link Pool} that
 * the member keeps for the purpose (started at the first such task, sized by
 * {@code jmp.cluster.processes}, default the member's cores): a task that crashes or
 * exhausts its worker then takes down that process only, never the member.
 *
 * <p>Hazelcast writes it as a {@link DataSerializable} (its class name, then the bytes),
 * not by Java serialization, which would wrap the task's bytes in an object stream of
 * their own on both sides.
 */
final class RemoteTask implements Callable<byte[]>, DataSerializable {
    private byte[] task;
    private boolean isolated;

    /** For Hazelcast, which makes the object and then reads it ({@link #readData}). */
    RemoteTask() {
    }

    RemoteTask(byte[] task, boolean isolated) {
        this.task = task;
        this.isolated = isolated;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeByteArray(task);
        out.writeBoolean(isolated);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        task = in.readByteArray();
        isolated = in.readBoolean();
    }

    @Override
    public byte[] call() {
        if (!isolated) {
            return Work.execute(task);
        }
        byte[] t = task;
        try {
            return MemberPool.get().apply(() -> Work.execute(t));
        } catch (ProcessError e) {
            // The worker process died (or the member's pool could not take the task).
            return Work.raised(e);
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
