package dev.jmp;

import dev.jmp.fuzz.Fuzz;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@link FuzzReceiveTest}'s properties with many more cases (make stress). */
@Tag("stress")
class FuzzReceiveStressTest extends FuzzReceiveTest {
    static final int MANY = 40 * Fuzz.CASES;

    @Test
    void connectionRecvMany() {
        Fuzz.check("connectionRecvMany", MANY, (r, name) -> checkRecv(name, message(r)));
    }

    @Test
    void connectionRecvBytesMany() {
        Fuzz.check("connectionRecvBytesMany", MANY / 2, (r, name) -> checkRecvBytes(name, message(r), header(r)));
    }

    @Test
    void queueGetMany() {
        Fuzz.check("queueGetMany", MANY, (r, name) -> checkQueue(name, item(r)));
    }

    @Test
    void poolResultChannelMany() {
        Fuzz.check("poolResultChannelMany", MANY, (r, name) -> checkPool(name, result(r)));
    }
}
