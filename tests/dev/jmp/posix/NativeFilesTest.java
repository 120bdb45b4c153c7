package dev.jmp.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jmp run from a jar: its native files (libjmp, the tracker's program) are extracted into
 * the cache as {@code <crc>-<size>/<name>}, found there by the next JVM without a write,
 * and an older build's copies are removed (not those of an older layout, which an
 * older version's program may be using). The tests run from target/classes,
 * where nothing is extracted, so this one makes a jar of those classes and runs a JVM
 * on it.
 */
class NativeFilesTest {

    /** Run from the jar: loads libjmp and starts the tracker (a Lock registers a name). */
    public static final class FromJar {
        public static void main(String[] args) throws Exception {
            Posix.libc().getpid();
            System.out.println("lib=" + System.getProperty(NativeFiles.PROPERTY));
            System.out.println("tracker=" + NativeFiles.executable("jmp-tracker"));
            System.out.println("loadedFrom=" + NativeFiles.class.getProtectionDomain().getCodeSource().getLocation());
            new dev.jmp.Lock();
            String pid = System.getProperty("jmp.tracker.pid");
            System.out.println("comm=" + Files.readString(Path.of("/proc", pid, "comm")).trim());
        }
    }

    @TempDir
    static Path dir;
    static Path jar;

    @BeforeAll
    static void makeJar() throws IOException {
        Path classes = Path.of(NativeFiles.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        jar = dir.resolve("jmp-test.jar");
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file);
                Stream<Path> all = Files.walk(classes)) {
            for (Path p : all.filter(Files::isRegularFile).collect(Collectors.toList())) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString()));
                Files.copy(p, out);
                out.closeEntry();
            }
        }
    }

    /** Runs FromJar with the jar instead of target/classes, and the cache in {@code cache}. */
    private static Map<String, String> run(Path cache) throws Exception {
        String classes = Path.of(NativeFiles.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
        List<String> cp = new ArrayList<>(List.of(jar.toString()));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!Path.of(entry).toString().equals(classes)) {
                cp.add(entry);
            }
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", String.join(File.pathSeparator, cp), FromJar.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        java.lang.Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the program ended");
        assertEquals(0, p.exitValue(), out);
        Map<String, String> values = new HashMap<>();
        out.lines().filter(l -> l.contains("=")).forEach(l -> values.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        return values;
    }

    @Test
    void fromAJarTheNativeFilesAreExtractedOnceKeepingTheirNames() throws Exception {
        Path cache = dir.resolve("cache");
        Path nativeDir = cache.resolve("jmp").resolve("native");
        Files.createDirectories(nativeDir.resolve("deadbeef-1"));
        Files.writeString(nativeDir.resolve("deadbeef-1").resolve("libjmp.so"), "an older build");
        Files.writeString(nativeDir.resolve("libjmp-0-2.so"), "an older layout");

        Map<String, String> first = run(cache);
        assertTrue(first.get("loadedFrom").endsWith("jmp-test.jar"), "NativeFiles came from the jar: " + first);
        Path lib = Path.of(first.get("lib"));
        Path tracker = Path.of(first.get("tracker"));
        assertEquals("libjmp.so", lib.getFileName().toString());
        assertEquals(nativeDir, lib.getParent().getParent());
        assertTrue(lib.getParent().getFileName().toString().matches("[0-9a-f]+-[0-9]+"), lib.toString());
        assertEquals("jmp-tracker", tracker.getFileName().toString());
        assertEquals(nativeDir, tracker.getParent().getParent());
        assertTrue(tracker.getParent().getFileName().toString().matches("[0-9a-f]+-[0-9]+"), tracker.toString());
        assertEquals("jmp-tracker", first.get("comm"), "the running tracker is known by its name");
        assertFalse(Files.exists(nativeDir.resolve("deadbeef-1")), "an older build's copy is removed");
        assertTrue(Files.exists(nativeDir.resolve("libjmp-0-2.so")), "a copy of the older layout is left");
        assertEquals(Files.readAllBytes(Path.of(NativeFiles.class.getResource("/dev/jmp/native/" + NativeFiles.platform()
                + "/libjmp.so").toURI())).length, Files.size(lib));

        FileTime libTime = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(lib, libTime);
        Files.setLastModifiedTime(tracker, libTime);
        Map<String, String> second = run(cache);
        assertEquals(first.get("lib"), second.get("lib"));
        assertEquals(first.get("tracker"), second.get("tracker"));
        assertEquals(libTime, Files.getLastModifiedTime(lib), "the next JVM loads the copy without writing it");
        assertEquals(libTime, Files.getLastModifiedTime(tracker), "the next JVM runs the copy without writing it");
        try (Stream<Path> left = Files.list(nativeDir)) {
            assertEquals(lib.getParent().equals(tracker.getParent()) ? 2 : 3, left.count(),
                    Arrays.toString(nativeDir.toFile().list()));
        }
    }
}
