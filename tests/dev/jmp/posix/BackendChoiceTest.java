package dev.jmp.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How {@code jmp.posix} chooses the backend, in fresh JVMs; where libjmp cannot be
 * loaded, {@code jmp.posix.library} names a file that is no library.
 */
class BackendChoiceTest {

    /** A fresh JVM's main: prints the backend it got and what it tells its children. */
    public static final class PrintBackend {
        public static void main(String[] args) {
            Posix posix = Posix.libc();
            System.out.println(posix.getClass().getSimpleName() + " " + System.getProperty("jmp.posix") + " "
                    + (posix.getpid() == ProcessHandle.current().pid()));
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... props) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 23) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.addAll(List.of(props));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), PrintBackend.class.getName()));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8).trim(),
                new String(err, StandardCharsets.UTF_8).trim());
    }

    private static String notALibrary() throws IOException {
        Path p = Files.createTempFile("jmp-not-a-library-", ".so");
        p.toFile().deleteOnExit();
        Files.writeString(p, "not ELF");
        return "-Djmp.posix.library=" + p;
    }

    @Test
    void withoutTheLibraryItFallsBackToJnrWithOneWarning() throws Exception {
        Run r = run(notALibrary());
        assertEquals(0, r.exit(), r.err());
        assertEquals("JnrPosix jnr true", r.out());
        assertTrue(r.err().contains("WARNING: jmp: native library libjmp not loaded"), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.contains("WARNING")).count(), r.err());
    }

    @Test
    void forcedJniFailsWithAClearError() throws Exception {
        Run r = run(notALibrary(), "-Djmp.posix=jni");
        assertTrue(r.exit() != 0, r.out());
        assertTrue(r.err().contains("UnsatisfiedLinkError: jmp.posix=jni, but jmp's native library cannot be loaded"),
                r.err());
    }

    @Test
    void jnrOnRequestAndJniByDefault() throws Exception {
        assertEquals("JnrPosix jnr true", run("-Djmp.posix=jnr").out());
        Run r = run();
        assertEquals("JniPosix null true", r.out());
        assertEquals("", r.err());
    }
}
