package dev.jmp.programs;

import dev.jmp.Lock;
import dev.jmp.Queue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A service that makes a Queue and a Lock per request and drops them, run as an
 * ordinary user (HoldersTest, through Unprivileged): more requests than the user's
 * message-queue quota holds queues. Each dropped Queue must go (its holder, this
 * process, let it go when the collector found it unreachable; the tracker removed it),
 * or a later request could not make its own. Prints "requests N", then "left N": the
 * names of this process still in /dev/shm once the collector has run.
 */
public final class QueuePerRequest {
    private QueuePerRequest() {
    }

    public static final int REQUESTS = 150;

    public static void main(String[] args) throws Exception {
        byte[] big = new byte[4096];    // spills: a file in the queue's spill directory
        for (int i = 0; i < REQUESTS; i++) {
            Queue<Object> q = new Queue<>();
            Lock lock = new Lock();
            q.put(big);
            q.put(i);
            lock.acquire();
            Object b = q.get();
            Object n = q.get();
            lock.release();
            if (!(b instanceof byte[] bytes) || bytes.length != big.length || !Integer.valueOf(i).equals(n)) {
                System.out.println("request " + i + ": wrong reply");
                System.exit(1);
            }
        }
        System.out.println("requests " + REQUESTS);
        long end = System.nanoTime() + 30_000_000_000L;
        long left = mine();
        while (left > 0 && System.nanoTime() < end) {
            System.gc();
            Thread.sleep(20);   // the cleaner, then the tracker: poll for their work
            left = mine();
        }
        System.out.println("left " + left);
    }

    /** This process's semaphores, shared memory and spill directories (one per queue) in /dev/shm. */
    private static long mine() throws Exception {
        String pid = Long.toString(ProcessHandle.current().pid());
        try (Stream<Path> s = Files.list(Path.of("/dev/shm"))) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("jmp." + pid + ".") || n.startsWith("sem.jmp." + pid + "."))
                    .count();
        }
    }
}
