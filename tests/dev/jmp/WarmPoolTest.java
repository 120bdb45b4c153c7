package dev.jmp;

/** The Pool contract again, with workers from the "warm" start method. */
class WarmPoolTest extends PoolTest {
    @Override
    String startMethod() {
        return "warm";
    }
}
