package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
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
        boolean root = "root".equals(System.getProperty("user.name"));
        Assumptions.assumeTrue(!root || Files.isExecutable(QueueUnprivilegedTest.SETPRIV),
                "setpriv (util-linux) is missing: cannot run as an unprivileged user");
        Path shared = Files.createTempDirectory(Path.of("/tmp"), "jmp-pool-limits-");
        try {
            String classpath = QueueUnprivilegedTest.copyClasspath(shared);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>();
            if (root) {
                cmd.addAll(List.of(QueueUnprivilegedTest.SETPRIV.toString(), "--reuid=65534", "--regid=65534",
                        "--clear-groups"));
            }
            cmd.addAll(List.of(java, "-XX:-UsePerfData", "-cp", classpath, "dev.jmp.programs.PoolLimits"));
            File out = dir.resolve("out").toFile();
            java.lang.Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out)
                    .directory(shared.toFile()).start();
            assertTrue(p.waitFor(180, TimeUnit.SECONDS), "PoolLimits did not end");
            List<String> lines = Files.readAllLines(out.toPath());
            String report = String.join("\n", lines);
            System.out.println("PoolLimits as " + (root ? "nobody" : "this user") + ":\n" + report);
            assertEquals(0, p.exitValue(), report);
            long pid = lines.stream().filter(l -> l.startsWith("pid ")).mapToLong(l -> Long.parseLong(l.substring(4)))
                    .findFirst().orElseThrow();
            int channels = lines.stream().filter(l -> l.startsWith("channels ")).mapToInt(l -> Integer.parseInt(
                    l.substring(9))).findFirst().orElseThrow();
            assertTrue(channels >= 150, report);
            assertEquals(List.of(), ShmObjects.of(pid), "left in /dev/shm by the program");
        } finally {
            QueueUnprivilegedTest.deleteTree(shared);
        }
    }
}
