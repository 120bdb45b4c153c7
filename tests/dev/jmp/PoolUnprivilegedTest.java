package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Pool as an ordinary user (programs.PoolLimits as nobody, the way
 * QueueUnprivilegedTest runs the queue limits): it works, survives a dying worker, and
 * its per-worker channels are small enough that about 180 fit in the user's quota
 * (a queue of jmp's usual 10 messages: 73).
 */
class PoolUnprivilegedTest {
    @TempDir
    Path dir;

    @Test
    void poolAsNobody() throws Exception {
        List<String> lines = Unprivileged.run("dev.jmp.programs.PoolLimits", dir);
        String report = String.join("\n", lines);
        long channels = Unprivileged.value(lines, "channels ");
        assertTrue(channels >= 150, report);
        assertEquals(List.of(), ShmObjects.of(Unprivileged.value(lines, "pid ")), "left in /dev/shm by the program");
    }
}
