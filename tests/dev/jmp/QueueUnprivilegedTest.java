package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue cases that depend on the limits of an ordinary user: programs.QueueLimits,
 * run as nobody by {@link Unprivileged}, and its report.
 */
class QueueUnprivilegedTest {
    @TempDir
    Path dir;

    @Test
    void queueLimitsAsNobody() throws Exception {
        List<String> lines = Unprivileged.run("dev.jmp.programs.QueueLimits", dir);
        String report = String.join("\n", lines);
        long queues = Unprivileged.value(lines, "queues ");
        assertTrue(queues >= 60, report);
        assertEquals(List.of(), ShmObjects.of(Unprivileged.value(lines, "pid ")), "left in /dev/shm by the program");
    }
}
