package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The sample payload an idle warm child decodes before it says it is ready
 * (spawn/Bootstrap): a direct payload, as most real ones are, that decodes again and
 * again to the same Process, whose target is never run.
 */
class ChildMainTest {

    @Test
    void theSamplePayloadIsADirectOneThatDecodesToTheSameProcessEachTime() throws Exception {
        ChildMain entry = new ChildMain();
        byte[] sample = entry.samplePayload();
        assertNotNull(sample);
        assertTrue(dev.jmp.spawn.PayloadPipe.isDirect(sample));
        for (int i = 0; i < 3; i++) {
            Process p = (Process) entry.decode(sample, ChildMainTest.class.getClassLoader());
            assertEquals("warm-up", p.name());
            assertNotNull(p.target());
        }
    }
}
