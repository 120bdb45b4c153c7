package dev.jmp;

import org.junit.jupiter.api.AfterAll;

/** The {@link TaskPoolContract} on {@link Pool}: worker processes on this machine. */
class PoolContractTest extends TaskPoolContract {

    String startMethod() {
        return "spawn";
    }

    @Override
    protected TaskPool newPool(int processes) {
        Multiprocessing.setStartMethod(startMethod());
        return new Pool(processes);
    }

    @AfterAll
    void spawnAgain() {
        Multiprocessing.setStartMethod("spawn");
    }

    /** A Pool sends each worker two tasks ahead (dev.jmp.pool.Engine.IN_FLIGHT). */
    @Override
    protected int sentAhead(int processes) {
        return 2 * processes;
    }

    @Override
    protected String workerWord() {
        return "pid";
    }
}
