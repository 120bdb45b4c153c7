package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Leak checks for queues. A message queue is invisible here (/dev/mqueue is not
 * mounted), but each has a spill directory of the same name in /dev/shm, removed in
 * the same step as the queue: so ShmObjects sees a queue's life, and
 * {@link #spilledOf} looks inside the directories for spilled items.
 */
final class QueueObjects {
    private QueueObjects() {
    }

    /**
     * Spilled items in the spill directories of {@code pid}'s queues ("dir/file"): the
     * items' own files, not the recycled files a live queue keeps for its producers
     * ({@link #recycledOf}).
     */
    static List<String> spilledOf(long pid) throws IOException {
        return filesOf(pid, "jmp.");
    }

    /** Recycled spill files ("dir/free.N") in the spill directories of {@code pid}'s queues. */
    static List<String> recycledOf(long pid) throws IOException {
        return filesOf(pid, "free.");
    }

    private static List<String> filesOf(long pid, String prefix) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Path.of("/dev/shm"))) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String n = d.getFileName().toString();
                if (n.startsWith("jmp." + pid + ".") && Files.isDirectory(d)) {
                    try (Stream<Path> files = Files.list(d)) {
                        files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith(prefix))
                                .forEach(f -> found.add(n + "/" + f));
                    } catch (IOException gone) {
                        // removed meanwhile
                    }
                }
            }
        }
        return found;
    }

    /** Spilled items written by {@code producerPid}, in any of this process's spill directories. */
    static List<String> spilledBy(long ownerPid, long producerPid) throws IOException {
        List<String> found = new ArrayList<>();
        for (String s : spilledOf(ownerPid)) {
            if (s.substring(s.indexOf('/') + 1).startsWith("jmp." + producerPid + ".")) {
                found.add(s);
            }
        }
        return found;
    }

    /** As ShmObjects.awaitNoneOf: nothing of {@code pid} in /dev/shm, spill directories included. */
    static void awaitNoneOf(long pid) throws Exception {
        ShmObjects.awaitNoneOf(pid);
    }

    /** The message queue {@code name} no longer exists. */
    static void assertNoMessageQueue(String name) {
        try {
            int mqd = Posix.libc().mq_open(name, Linux.O_RDONLY);
            Posix.libc().mq_close(mqd);
            fail("message queue " + name + " still exists");
        } catch (PosixException e) {
            assertEquals(Linux.ENOENT, e.errno(), e.getMessage());
        }
    }
}
