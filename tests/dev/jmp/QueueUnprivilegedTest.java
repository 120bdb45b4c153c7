package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue cases that depend on the limits of an ordinary user, run as one: the
 * tests run as root here, and although root here has no CAP_SYS_RESOURCE it has a
 * quota of its own, shared with everything else root runs. So the test runs
 * programs.QueueLimits as nobody ({@code setpriv --reuid=65534 --regid=65534
 * --clear-groups}), from a copy of the classpath that nobody can read (the Maven
 * repository under /root is not), and reads its report.
 */
class QueueUnprivilegedTest {
    static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    @TempDir
    Path dir;

    @Test
    void queueLimitsAsNobody() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        Assumptions.assumeTrue(!root || Files.isExecutable(SETPRIV),
                "setpriv (util-linux) is missing: cannot run the limits as an unprivileged user");
        Path shared = Files.createTempDirectory(Path.of("/tmp"), "jmp-queue-limits-");
        try {
            String classpath = copyClasspath(shared);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>();
            if (root) {
                cmd.addAll(List.of(SETPRIV.toString(), "--reuid=65534", "--regid=65534", "--clear-groups"));
            }
            cmd.addAll(List.of(java, "-XX:-UsePerfData", "-cp", classpath,
                    "dev.jmp.programs.QueueLimits"));
            File out = dir.resolve("out").toFile();
            java.lang.Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out)
                    .directory(shared.toFile()).start();
            assertTrue(p.waitFor(180, TimeUnit.SECONDS), "QueueLimits did not end");
            List<String> lines = Files.readAllLines(out.toPath());
            String report = String.join("\n", lines);
            System.out.println("QueueLimits as " + (root ? "nobody" : "this user") + ":\n" + report);
            assertEquals(0, p.exitValue(), report);
            long pid = lines.stream().filter(l -> l.startsWith("pid ")).mapToLong(l -> Long.parseLong(l.substring(4)))
                    .findFirst().orElseThrow();
            int queues = lines.stream().filter(l -> l.startsWith("queues ")).mapToInt(l -> Integer.parseInt(
                    l.substring(7))).findFirst().orElseThrow();
            assertTrue(queues >= 60, report);
            assertEquals(List.of(), ShmObjects.of(pid), "left in /dev/shm by the program");
        } finally {
            deleteTree(shared);
        }
    }

    /** Copies every classpath entry under {@code shared}, readable by all; the new classpath. */
    static String copyClasspath(Path shared) throws IOException {
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path from = Path.of(entry);
            if (!Files.exists(from)) {
                continue;
            }
            Path to = shared.resolve("cp" + (n++) + (Files.isDirectory(from) ? "" : "-" + from.getFileName()));
            if (Files.isDirectory(from)) {
                try (Stream<Path> tree = Files.walk(from)) {
                    for (Path f : (Iterable<Path>) tree::iterator) {
                        Path t = to.resolve(from.relativize(f).toString());
                        if (Files.isDirectory(f)) {
                            Files.createDirectories(t);
                        } else {
                            Files.copy(f, t, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            } else {
                Files.copy(from, to);
            }
            entries.add(to.toString());
        }
        try (Stream<Path> tree = Files.walk(shared)) {
            for (Path f : (Iterable<Path>) tree::iterator) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(
                        Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> tree = Files.walk(root)) {
            for (Path p : (Iterable<Path>) tree.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
