package dev.jmp;

/** The {@link TaskPoolContract} on {@link Pool}: worker processes on this machine. */
class PoolContractTest extends TaskPoolContract {

    @Override
    TaskPool newPool(int processes) {
        return new Pool(processes);
    }

    /** A Pool sends each worker two tasks ahead (dev.jmp.pool.Engine.IN_FLIGHT). */
    @Override
    int sentAhead(int processes) {
        return 2 * processes;
    }

    @Override
    String workerWord() {
        return "pid";
    }
}
