package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Children start with a start-up archive made on first use (an AOT cache on JDK 24 on,
 * a dynamic class-data-sharing archive before), a damaged archive is made again
 * instead of crashing them or being skipped for good, and nothing of it shows on the
 * program's stdout or stderr. A JDK can only archive a classpath of jars, so the
 * program runs from jars made of this build's classes.
 */
class ClassDataSharingTest {
    @TempDir
    Path dir;

    /**
     * The archive's training child is sent what most children are sent, a direct
     * payload: one sent by Java serialization left the direct payload's classes out of
     * the AOT cache, to be loaded from the jar by every child.
     */
    @Test
    void theTrainingChildGetsADirectPayload() throws Exception {
        byte[] payload = new ChildMain().trainingPayload();
        assertTrue(dev.jmp.spawn.PayloadPipe.isDirect(payload));
        Process p = DirectPayload.decode(payload, ClassDataSharingTest.class.getClassLoader());
        assertEquals("Process-training", p.name());
    }

    @Test
    void archiveIsMadeOnFirstUseUsedThenRebuiltWhenDamaged() throws Exception {
        List<String> classpath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) {
                Path jar = dir.resolve("classes-" + classpath.size() + ".jar");
                jar(p, jar);
                classpath.add(jar.toString());
            } else {
                classpath.add(entry);
            }
        }
        Path cache = dir.resolve("cds");
        // What earlier programs left: a temporary archive of a parent that exited while
        // training, and more old archives (other jars, other JDKs) than are kept.
        Files.createDirectories(cache);
        FileTime hourAgo = FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
        Path stale = Files.writeString(cache.resolve("tmp-1.jsa"), "partial");
        Files.setLastModifiedTime(stale, hourAgo);
        for (int i = 0; i < 10; i++) {
            Path old = Files.writeString(cache.resolve("jmp-17-old" + i + ".jsa"), "old");
            Files.setLastModifiedTime(old, FileTime.fromMillis(hourAgo.toMillis() - i * 60_000L));
        }
        assertEquals("archive true used true exitcodes 0", run(classpath, cache));
        List<Path> archives;
        try (Stream<Path> files = Files.list(cache)) {
            archives = files.filter(f -> f.toString().matches(".*\\.(jsa|aot)")).sorted().toList();
        }
        // The new archive and the 7 most recent old ones; the stale temporary file is gone.
        assertEquals(8, archives.size(), archives.toString());
        assertTrue(archives.stream().noneMatch(a -> a.getFileName().toString().startsWith("tmp-")), archives.toString());
        assertTrue(archives.stream().noneMatch(a -> a.getFileName().toString().matches("jmp-17-old[789]\\.jsa")),
                archives.toString());
        archives = archives.stream().filter(a -> !a.getFileName().toString().contains("-old")).toList();
        assertEquals(1, archives.size(), archives.toString());
        assertTrue(archives.get(0).toString().endsWith(Runtime.version().feature() >= 24 ? ".aot" : ".jsa"),
                archives.toString());

        // Truncated as by a crash mid-write: mapping it would kill every child (SIGBUS).
        Path archive = archives.get(0);
        byte[] bytes = Files.readAllBytes(archive);
        Files.write(archive, java.util.Arrays.copyOf(bytes, bytes.length / 3));
        assertEquals("archive true used true exitcodes 0", run(classpath, cache));
        // Made again, whole (not byte for byte: what a training JVM archives can differ
        // by a page from one run to the next).
        assertTrue(Files.size(archive) > bytes.length * 9L / 10, Files.size(archive) + " bytes against " + bytes.length);

        // Whole but garbage: an AOT cache's fingerprint (its length) still matches, so a
        // child is started on it, and its JVM must skip it without a word on stdout or
        // stderr; a dynamic archive's checksum does not, so it is made again.
        byte[] garbage = new byte[(int) Files.size(archive)];
        java.util.Arrays.fill(garbage, (byte) 0x5a);
        Files.write(archive, garbage);
        assertEquals("archive true used true exitcodes 0", run(classpath, cache));
    }

    /** The program's stdout; its stderr, which its children share, must stay empty. */
    private static String run(List<String> classpath, Path cache) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path err = Files.createTempFile("cds-test", ".err");
        try {
            List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                    "-Djmp.cds.dir=" + cache));
            if (Runtime.version().feature() >= 24) {
                // The jnr fallback's jffi, should the program bind it: what JDK 24 asks of such a program.
                command.add("--sun-misc-unsafe-memory-access=allow");
            }
            command.addAll(List.of("-cp", String.join(File.pathSeparator, classpath), "dev.jmp.programs.ExitScenario",
                    "cds"));
            java.lang.Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            assertTrue(p.waitFor(5, TimeUnit.MINUTES));
            assertEquals(0, p.exitValue(), out + Files.readString(err));
            assertEquals("", Files.readString(err));
            return out;
        } finally {
            Files.delete(err);
        }
    }

    private static void jar(Path classes, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString()));
                try (OutputStream entry = new java.io.FilterOutputStream(out) {
                    @Override
                    public void close() {
                        // keep the jar stream open
                    }
                }) {
                    Files.copy(f, entry);
                }
                out.closeEntry();
            }
        }
    }
}
