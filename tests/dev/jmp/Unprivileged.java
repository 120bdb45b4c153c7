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

/**
 * Runs one of tests/dev/jmp/programs as an ordinary user: the tests run as root here,
 * and although root here has no CAP_SYS_RESOURCE it has a quota of its own, shared with
 * everything else root runs. So the program runs as nobody ({@code setpriv
 * --reuid=65534 --regid=65534 --clear-groups}), from a copy of the classpath that nobody
 * can read (the Maven repository under /root is not), and its report is returned.
 */
final class Unprivileged {
    private Unprivileged() {
    }

    static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    /** The program's output lines, once it exited 0 (skipped where setpriv is missing). */
    static List<String> run(String mainClass, Path dir) throws IOException, InterruptedException {
        boolean root = "root".equals(System.getProperty("user.name"));
        Assumptions.assumeTrue(!root || Files.isExecutable(SETPRIV),
                "setpriv (util-linux) is missing: cannot run as an unprivileged user");
        Path shared = Files.createTempDirectory(Path.of("/tmp"), "jmp-unprivileged-");
        try {
            String classpath = copyClasspath(shared);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>();
            if (root) {
                cmd.addAll(List.of(SETPRIV.toString(), "--reuid=65534", "--regid=65534", "--clear-groups"));
            }
            // The program loads libjmp: JDK 24+ warns about System.load without this.
            cmd.addAll(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:-UsePerfData", "-cp", classpath,
                    mainClass));
            File out = dir.resolve("out").toFile();
            java.lang.Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out)
                    .directory(shared.toFile()).start();
            String name = mainClass.substring(mainClass.lastIndexOf('.') + 1);
            assertTrue(p.waitFor(180, TimeUnit.SECONDS), name + " did not end");
            List<String> lines = Files.readAllLines(out.toPath());
            String report = String.join("\n", lines);
            System.out.println(name + " as " + (root ? "nobody" : "this user") + ":\n" + report);
            assertEquals(0, p.exitValue(), report);
            return lines;
        } finally {
            deleteTree(shared);
        }
    }

    /** The number after {@code prefix} on the report's line that starts with it. */
    static long value(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).mapToLong(l -> Long.parseLong(l.substring(prefix.length())))
                .findFirst().orElseThrow(() -> new AssertionError("no '" + prefix + "' in " + lines));
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
