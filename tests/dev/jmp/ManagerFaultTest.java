package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dead manager, a dead client, a dead creator: errors, never hangs, nothing left running. */
class ManagerFaultTest {
    @TempDir
    Path dir;

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void takeForever(List<Object> started, BlockingQueue<Object> q) throws InterruptedException {
        started.add("taking");
        q.take();
    }

    @Test
    void aDeadClientCostsOnlyItsConnectionAndADeadManagerIsAProcessError() throws Exception {
        SyncManager m = Multiprocessing.manager();
        try {
            List<Object> started = m.list();
            BlockingQueue<Object> q = m.queue();
            Process client = new Process(() -> {
                try {
                    takeForever(started, q);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            client.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (started.isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "the client never reached its call");
                Thread.onSpinWait();
            }
            client.kill();      // in the middle of (or about to make) its blocking call
            client.join();
            Map<String, Integer> d = m.dict();
            d.put("still", 1);
            assertEquals(1, d.get("still"), "the manager goes on serving");

            m.serverProcess().kill();
            m.serverProcess().join();
            ProcessError e = assertThrows(ProcessError.class, () -> d.get("still"));
            String shown = ((String) m.address()).replace("\0", "\\0");
            assertTrue(e.getMessage().contains(shown), e.getMessage());
            assertThrows(ProcessError.class, m::dict);
        } finally {
            m.close();      // a dead server: close does not hang
        }
    }

    @Test
    void anotherProgramConnectsAndTheManagerDiesWithItsCreator() throws Exception {
        byte[] key = "scenario key".getBytes(StandardCharsets.US_ASCII);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        java.lang.Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.jmp.programs.ManagerScenario", HexFormat.of().formatHex(key))
                .redirectError(dir.resolve("err").toFile()).start();
        long server;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line = r.readLine();
            assertTrue(line != null && line.startsWith("manager "), String.valueOf(line));
            String[] parts = line.split(" ");
            server = Long.parseLong(parts[1]);
            InetSocketAddress at = new InetSocketAddress("127.0.0.1", Integer.parseInt(parts[2]));

            try (SyncManager other = new SyncManager(at, key)) {
                other.connect();
                Map<String, String> d = other.dict();
                d.put("from", "test");
                assertEquals("test", d.get("from"));
                assertThrows(AuthenticationError.class, () -> new SyncManager(at, "bad".getBytes()).connect());

                p.destroyForcibly();     // SIGKILL: no hook runs in the creator
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
                ProcessHandle h = ProcessHandle.of(server).orElse(null);
                if (h != null) {
                    h.onExit().get(60, TimeUnit.SECONDS);
                }
                assertFalse(alive(server), "the manager outlived its creator killed by SIGKILL");
                ProcessError e = assertThrows(ProcessError.class, () -> d.get("from"));
                assertTrue(e.getMessage().contains("127.0.0.1:" + at.getPort()), e.getMessage());
            }
        } finally {
            p.destroyForcibly();
        }
    }
}
