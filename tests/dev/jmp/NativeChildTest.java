package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A spawned child on the default (JNI) backend: the point of libjmp is that a child
 * that uses a Lock and a Queue loads no jnr-ffi class at all (binding jnr costs a
 * fresh JVM a quarter of a second). The child's class loading is logged to a file.
 */
class NativeChildTest {
    private static final long ME = ProcessHandle.current().pid();

    @AfterAll
    static void nothingOfOursLeft() throws Exception {
        QueueObjects.awaitNoneOf(ME);
        ShmObjects.awaitNoneOf(ME);
    }

    static void lockThenPut(Lock lock, Queue<String> q) {
        lock.acquire();
        try {
            q.put("done in " + ProcessHandle.current().pid());
        } finally {
            lock.release();
        }
    }

    @Test
    void aChildThatUsesALockAndAQueueLoadsNoJnrClass() throws Exception {
        Path log = Files.createTempFile("jmp-classload-", ".log");
        String before = System.getProperty("jmp.childJvmOptions");
        try {
            Lock lock = new Lock();
            Queue<String> q = new Queue<>();
            System.setProperty("jmp.childJvmOptions", "-Xlog:class+load=info:file=" + log);
            Process p = new Process(() -> lockThenPut(lock, q));
            p.start();
            if (before == null) {
                System.clearProperty("jmp.childJvmOptions");
            } else {
                System.setProperty("jmp.childJvmOptions", before);
            }
            String got = q.get(Duration.ofSeconds(60));
            p.join(Duration.ofSeconds(60));
            assertEquals(0, p.exitcode());
            assertEquals("done in " + p.pid(), got);
            List<String> lines = Files.readAllLines(log);
            assertTrue(lines.stream().anyMatch(l -> l.contains("dev.jmp.posix.JniPosix ")), "JniPosix was not loaded");
            List<String> jnr = lines.stream().filter(l -> l.contains(" jnr.") || l.contains(" com.kenai.jffi."))
                    .collect(Collectors.toList());
            assertEquals(List.of(), jnr);
        } finally {
            if (before == null) {
                System.clearProperty("jmp.childJvmOptions");
            } else {
                System.setProperty("jmp.childJvmOptions", before);
            }
            Files.deleteIfExists(log);
        }
    }
}
