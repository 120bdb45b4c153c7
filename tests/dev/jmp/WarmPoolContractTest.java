package dev.jmp;

/** The {@link TaskPoolContract} on a Pool whose workers come from the "warm" start method. */
class WarmPoolContractTest extends PoolContractTest {
    @Override
    String startMethod() {
        return "warm";
    }
}
