package dev.jmp.cluster;

import dev.jmp.TaskPool;
import dev.jmp.TaskPoolContract;
import org.junit.jupiter.api.AfterAll;

/**
 * The core's {@link TaskPoolContract} on a {@link ClusterPool} over three members in
 * child processes on loopback: the same API, the same answers, whether the workers
 * are processes of this machine or members of a cluster.
 */
class ClusterPoolContractTest extends TaskPoolContract {
    private LocalCluster cluster;

    @Override
    protected TaskPool newPool(int processes) {
        if (cluster == null) {
            cluster = LocalCluster.start(3);
        }
        return cluster.pool(ClusterPool.Options.defaults().processes(processes));
    }

    /** A ClusterPool sends {@code processes} tasks at once; the rest wait, cancellable. */
    @Override
    protected int sentAhead(int processes) {
        return processes;
    }

    @Override
    protected String workerWord() {
        return "member";
    }

    /** Runs before the contract's own pool.close(), which is then a no-op. */
    @AfterAll
    void stopCluster() {
        pool.close();
        if (cluster != null) {
            cluster.close();
        }
    }
}
