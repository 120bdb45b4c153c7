package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
     * items' own files, not the arena a live queue keeps for smaller items
     * ({@link #slotsTaken}).
     */
    static List<String> spilledOf(long pid) throws IOException {
        return filesOf(pid, "jmp.");
    }

    /** The arena of queue {@code mqName} ({@code /dev/shm/<queue>/arena}), which may not exist yet. */
    static Path arenaOf(String mqName) {
        return Path.of("/dev/shm", mqName.substring(1), "arena");
    }

    /**
     * The slots of {@code arena} that hold an item (or were claimed by a process that
     * died holding one), read from its header as queue/SpillArenaDescriptor lays it
     * out: the number of slots at byte 8, slot k's owner pid at 64 * (1 + k), 0 if free.
     */
    static int slotsTaken(Path arena) throws IOException {
        int taken = 0;
        ByteBuffer header = header(arena);
        for (int k = 0; k < slots(arena); k++) {
            if (header.getLong(64 * (1 + k)) != 0) {
                taken++;
            }
        }
        return taken;
    }

    /** The number of slots of {@code arena}. */
    static int slots(Path arena) throws IOException {
        return Math.toIntExact(header(arena).getLong(8));
    }

    private static ByteBuffer header(Path arena) throws IOException {
        try (FileChannel ch = FileChannel.open(arena, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(ch.size(), 1 << 17)).order(ByteOrder.nativeOrder());
            ch.read(b, 0);
            return b;
        }
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
