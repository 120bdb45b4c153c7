package dev.jmp;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tag;

/** {@link FuzzReceiveTest}'s properties with many more tries (make stress). */
@Tag("stress")
class FuzzReceiveStressTest extends FuzzReceiveTest {
    @Property(tries = 100_000)
    void connectionRecvMany(@ForAll("messages") byte[] body) {
        checkRecv(body);
    }

    @Property(tries = 50_000)
    void connectionRecvBytesMany(@ForAll("messages") byte[] body, @ForAll("headers") byte[] garbage) {
        checkRecvBytes(body, garbage);
    }

    @Property(tries = 100_000)
    void queueGetMany(@ForAll("items") byte[] item) {
        checkQueue(item);
    }

    @Property(tries = 100_000)
    void poolResultChannelMany(@ForAll("results") byte[] message) {
        checkPool(message);
    }
}
