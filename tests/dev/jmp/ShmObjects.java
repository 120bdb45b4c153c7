package dev.jmp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The /dev/shm objects of one pid (semaphores appear as sem.NAME), for leak checks. */
final class ShmObjects {
    private ShmObjects() {
    }

    static List<String> of(long pid) throws IOException {
        String shm = "jmp." + pid + ".";
        String sem = "sem.jmp." + pid + ".";
        try (Stream<Path> files = Files.list(Path.of("/dev/shm"))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(shm) || n.startsWith(sem))
                    .collect(Collectors.toList());
        }
    }

    /**
     * Waits (collecting garbage, at most 10 s) until {@code pid} has no object left:
     * objects the tests dropped are unlinked by the Cleaner, which runs after a GC.
     */
    static void awaitNoneOf(long pid) throws Exception {
        long end = System.nanoTime() + 10_000_000_000L;
        List<String> left = of(pid);
        while (!left.isEmpty() && System.nanoTime() < end) {
            System.gc();
            Thread.sleep(20);
            left = of(pid);
        }
        if (!left.isEmpty()) {
            throw new AssertionError("left in /dev/shm: " + left);
        }
    }

    static void awaitGone(Path file) throws Exception {
        long end = System.nanoTime() + 10_000_000_000L;
        while (Files.exists(file) && System.nanoTime() < end) {
            System.gc();
            Thread.sleep(20);
        }
        if (Files.exists(file)) {
            throw new AssertionError(file + " was not unlinked after its object became unreachable");
        }
    }
}
