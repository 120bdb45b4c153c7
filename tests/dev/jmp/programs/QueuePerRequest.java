package dev.jmp.programs;

import dev.jmp.Connection;
import dev.jmp.Lock;
import dev.jmp.Pipe;
import dev.jmp.Queue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A service that makes a Queue and a Lock per request, hands them to its handler
 * through a Pipe, takes the reply from the Queue and drops both, run as an ordinary
 * user (HoldersTest, through Unprivileged): more requests than the user's
 * message-queue quota holds queues. A Queue that was sent is removed by the resource
 * tracker once its last holder lets it go (here the collector finds it unreachable),
 * so a later request can make its own. Prints "requests N", then "left N": the names
 * of this process still in /dev/shm once the collector has run.
 */
public final class QueuePerRequest {
    private QueuePerRequest() {
    }

    public static final int REQUESTS = 150;
    static final int BIG = 4096;    // spills: a file in the queue's spill directory

    public static void main(String[] args) throws Exception {
        Pipe pipe = Pipe.open();
        Connection requests = pipe.conn1();
        Connection handler = pipe.conn2();
        Thread t = new Thread(() -> handle(handler), "handler");
        t.setDaemon(true);
        t.start();
        for (int i = 0; i < REQUESTS; i++) {
            Queue<Object> q = new Queue<>();
            Lock lock = new Lock();
            requests.send(new Object[] {q, lock, i});
            Object b = q.get();
            Object n = q.get();
            if (!(b instanceof byte[] bytes) || bytes.length != BIG || !Integer.valueOf(i).equals(n)) {
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

    @SuppressWarnings("unchecked")
    private static void handle(Connection c) {
        while (true) {
            Object[] request = c.recv();
            Queue<Object> q = (Queue<Object>) request[0];
            Lock lock = (Lock) request[1];
            lock.acquire();
            q.put(new byte[BIG]);
            q.put(request[2]);
            lock.release();
        }
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
