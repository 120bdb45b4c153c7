package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jmp.blocking.Deadline;
import dev.jmp.spawn.WarmStarter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Connections and Listeners reaching processes that are already running: through a
 * Queue, through a Connection, inside a target given to a warm child, inside a Pool
 * function. Each time the fd travels by SCM_RIGHTS (the sender's fd sharer).
 */
class ConnectionSharingTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static void fromQueue(Queue<Connection> q) {
        try (Connection c = q.get()) {
            c.sendBytes(ascii("via queue"));
        }
    }

    @Test
    void aConnectionPutOnAQueueReachesAChild() {
        Queue<Connection> q = new Queue<>();
        try (Pipe pipe = Pipe.open(false)) {
            Process p = new Process(() -> fromQueue(q));
            p.start();
            q.put(pipe.conn2());
            pipe.conn2().close();       // the sender's copy goes before the child has fetched its own
            assertArrayEquals(ascii("via queue"), pipe.conn1().recvBytes());
            p.join(Duration.ofSeconds(60));
            assertEquals(0, p.exitcode());
            p.close();
        } finally {
            q.close();
        }
    }

    /** Receives a Connection and a Listener over {@code carrier}; echoes through the one, serves one client on the other. */
    static void overCarrier(Connection carrier) {
        try (Connection c = carrier.recv()) {
            c.sendBytes(c.recvBytes());
        }
        try (Listener l = carrier.recv(); Connection client = l.accept()) {
            client.send("served by the child");
        }
    }

    @Test
    void aConnectionAndAListenerSentToARunningChildWork() {
        byte[] key = ascii("k");
        try (Pipe carrier = Pipe.open(); Pipe echo = Pipe.open(); Listener l = new Listener((String) null, key)) {
            Connection childEnd = carrier.conn2();
            Process p = new Process(() -> overCarrier(childEnd));
            p.start();
            carrier.conn1().send(echo.conn2());
            echo.conn1().sendBytes(ascii("echo"));
            assertArrayEquals(ascii("echo"), echo.conn1().recvBytes());
            carrier.conn1().send(l);
            try (Connection c = Client.connect((String) l.address(), key)) {
                assertEquals("served by the child", c.recv());
            }
            p.join(Duration.ofSeconds(60));
            assertEquals(0, p.exitcode());
            p.close();
        }
    }

    static void greet(Connection c) {
        c.send(List.of(Multiprocessing.currentProcess().pid(), "warm"));
    }

    @Test
    void aTargetCapturingAConnectionGoesToAWarmChild() throws InterruptedException {
        Multiprocessing.setStartMethod("warm");
        try (Pipe pipe = Pipe.open()) {
            // Settled: start() takes the first ready child, the first idle one once all are ready.
            if (!WarmStarter.awaitSettled(Deadline.after(Duration.ofSeconds(60)))) {
                throw new AssertionError("the warm children did not settle");
            }
            int idle = WarmStarter.idlePids().get(0);
            Connection end = pipe.conn2();
            Process p = new Process(() -> greet(end));
            p.start();
            assertEquals(idle, p.pid().intValue(), "the target went to the warm child, not to a cold spawn");
            assertEquals(List.of(idle, "warm"), pipe.conn1().recv());
            p.join(Duration.ofSeconds(60));
            assertEquals(0, p.exitcode());
            p.close();
        } finally {
            Multiprocessing.setStartMethod("spawn");
        }
    }

    @Test
    void aPoolFunctionCarriesAConnection() {
        try (Pipe pipe = Pipe.open(false); Pool pool = new Pool(1)) {
            Connection end = pipe.conn2();
            int workerPid = pool.apply(() -> {
                end.sendBytes(ascii("from a worker"));
                return Multiprocessing.currentProcess().pid();
            });
            assertArrayEquals(ascii("from a worker"), pipe.conn1().recvBytes());
            assertEquals(true, workerPid != ProcessHandle.current().pid());
        }
    }
}
