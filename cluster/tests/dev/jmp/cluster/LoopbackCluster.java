package dev.jmp.cluster;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.HazelcastInstance;
import dev.jmp.Process;
import dev.jmp.Queue;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A cluster of members in jmp child processes on 127.0.0.1 (TCP-IP join, each on a
 * port found free), and a client of it in this JVM: what the tests and the bench run
 * ClusterPools on. Its own cluster name, so that it never meets another.
 */
final class LoopbackCluster implements AutoCloseable {
    /** Held: a JUL logger's level lasts only as long as the logger is reachable. */
    static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

    static {
        HAZELCAST_LOG.setLevel(Level.SEVERE);
    }

    final String name = "jmp-test-" + UUID.randomUUID();
    final List<Process> members = new ArrayList<>();
    final List<String> addresses = new ArrayList<>();
    final HazelcastInstance client;

    private LoopbackCluster(int n) {
        Queue<String> up = new Queue<>();
        try {
            start(up, null);
            String first = up.get(Duration.ofMinutes(2));
            addresses.add(first);
            for (int i = 1; i < n; i++) {
                start(up, first);
            }
            for (int i = 1; i < n; i++) {
                addresses.add(up.get(Duration.ofMinutes(2)));
            }
            client = HazelcastClient.newHazelcastClient(Configs.client(name, addresses.toArray(String[]::new)));
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        } finally {
            up.close();
        }
    }

    static LoopbackCluster start(int n) {
        return new LoopbackCluster(n);
    }

    private void start(Queue<String> up, String join) {
        String cluster = name;
        int port = freePort();
        Process p = new Process(() -> runMember(cluster, port, join, up), "member-" + members.size());
        members.add(p);
        p.start();
    }

    /** The member's body, in its child process: up, say where, and stay until killed. */
    static void runMember(String cluster, int port, String join, Queue<String> up) {
        HAZELCAST_LOG.setLevel(Level.SEVERE);
        HazelcastInstance hz = Member.start(cluster, "127.0.0.1", port, join == null ? List.of() : List.of(join));
        var a = hz.getCluster().getLocalMember().getAddress();
        up.put(a.getHost() + ":" + a.getPort());
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills member {@code i} with SIGKILL and waits for it to go. */
    void kill(int i) {
        members.get(i).kill();
        members.get(i).join();
    }

    ClusterPool pool(ClusterPool.Options options) {
        return ClusterPool.over(client, options);
    }

    @Override
    public void close() {
        if (client != null) {
            client.shutdown();
        }
        for (Process p : members) {
            if (p.isAlive()) {
                p.kill();
            }
            p.join();
            p.close();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
