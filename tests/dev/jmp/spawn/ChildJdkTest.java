package dev.jmp.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The child's JDK is told from its release file, and picks the start-up archive kind:
 * a foreign {@code jmp.java} (a JDK 25 under a JDK 17 parent) gets the options and the
 * archive of its own version.
 */
class ChildJdkTest {
    @TempDir
    Path dir;

    private String jdk(String name, String release) throws IOException {
        Path bin = Files.createDirectories(dir.resolve(name).resolve("bin"));
        Path java = Files.writeString(bin.resolve("java"), "");
        if (release != null) {
            Files.writeString(dir.resolve(name).resolve("release"), release);
        }
        return java.toString();
    }

    @Test
    void featureComesFromTheReleaseFile() throws IOException {
        assertEquals(Runtime.version().feature(), ChildJdk.feature(JavaCommand.defaultJava()));
        assertEquals(25, ChildJdk.feature(jdk("jdk25", "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"25.0.3\"\n")));
        assertEquals(8, ChildJdk.feature(jdk("jdk8", "JAVA_VERSION=\"1.8.0_392\"\n")));
        assertEquals(0, ChildJdk.feature(jdk("unknown", null)));
        assertNotEquals(ChildJdk.identity(jdk("a", "JAVA_VERSION=\"25.0.2\"\n")),
                ChildJdk.identity(jdk("b", "JAVA_VERSION=\"25.0.3\"\n")));
    }

    @Test
    void theArchiveKindFollowsTheChildJdk() {
        assertTrue(StartupArchive.forJdk(25, true) instanceof AotCache);
        assertTrue(StartupArchive.forJdk(24, true) instanceof AotCache);
        assertTrue(StartupArchive.forJdk(25, false) instanceof DynamicArchive);
        assertTrue(StartupArchive.forJdk(17, true) instanceof DynamicArchive);
        assertTrue(StartupArchive.forJdk(0, true) instanceof DynamicArchive);
        assertNull(StartupArchive.forJdk(11, true));
        // JDK 24 has no aot log tag (JDK 25 brought it): its children name only cds.
        assertEquals(java.util.List.of("-XX:AOTCache=/c.aot", "-Xlog:cds*=off"),
                StartupArchive.forJdk(24, true).use(Path.of("/c.aot")));
        assertEquals(java.util.List.of("-XX:AOTCache=/c.aot", "-Xlog:aot*=off,cds*=off"),
                StartupArchive.forJdk(25, true).use(Path.of("/c.aot")));
    }
}
