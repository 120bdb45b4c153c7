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
 * A cluster on this machine: {@code n} members in jmp child processes bound to
 * 127.0.0.1 only (TCP-IP join, each on a port found free), and a client of it in this
 * JVM. To try a ClusterPool without a second host; the tests and the bench run on one.
 * It has a cluster name of its own, so it never meets another cluster. The members'
 * classpath is this JVM's (they are spawned as jmp processes are); Hazelcast logs only
 * its SEVERE messages here and in them.
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.start(3);
 *      ClusterPool pool = cluster.pool(ClusterPool.Options.defaults())) { ... }
 * }</pre>
 */
public final class LocalCluster implements AutoCloseable {
    /** Held: a JUL logger's level lasts only as long as the logger is reachable. */
    static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

    static {
        HAZELCAST_LOG.setLevel(Level.SEVERE);
    }

    private final String name = "jmp-local-" + UUID.randomUUID();
    private final List<Process> members = new ArrayList<>();
    private final List<String> addresses = new ArrayList<>();
    private final HazelcastInstance client;

    private LocalCluster(int n) {
        Queue<String> up = new Queue<>();
        try {
            start(up, null);
            String first = up.get(Duration.ofMinutes(2)).split(" ")[1];
            String[] at = new String[n];
            at[0] = first;
            for (int i = 1; i < n; i++) {
                start(up, first);
            }
            for (int i = 1; i < n; i++) {
                String[] said = up.get(Duration.ofMinutes(2)).split(" ");
                at[Integer.parseInt(said[0])] = said[1];
            }
            addresses.addAll(List.of(at));
            client = HazelcastClient.newHazelcastClient(Configs.client(name, addresses.toArray(String[]::new)));
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        } finally {
            up.close();
        }
    }

    /**
     * Starts members on this machine and connects to them; returns once all have joined.
     *
     * @param n how many members (1 or more), each a child process
     * @return the cluster
     */
    public static LocalCluster start(int n) {
        return new LocalCluster(n);
    }

    private void start(Queue<String> up, String join) {
        String cluster = name;
        int port = freePort();
        int index = members.size();
        Process p = new Process(() -> runMember(index, cluster, port, join, up), "member-" + index);
        members.add(p);
        p.start();
    }

    /**
     * The cluster's name.
     *
     * @return it (a member started elsewhere joins the cluster with this name)
     */
    public String name() {
        return name;
    }

    /**
     * The members' addresses.
     *
     * @return "127.0.0.1:port" of each, in the order they were started
     */
    public List<String> addresses() {
        return List.copyOf(addresses);
    }

    /**
     * The members' processes.
     *
     * @return them, in the order they were started
     */
    public List<Process> members() {
        return List.copyOf(members);
    }

    /** The member's body, in its child process: up, say which and where, and stay until killed. */
    static void runMember(int index, String cluster, int port, String join, Queue<String> up) {
        HAZELCAST_LOG.setLevel(Level.SEVERE);
        System.setProperty("jmp.cluster.processes", "1");     // an isolating member's own Pool: one worker
        HazelcastInstance hz = Member.start(cluster, "127.0.0.1", port, join == null ? List.of() : List.of(join));
        var a = hz.getCluster().getLocalMember().getAddress();
        up.put(index + " " + a.getHost() + ":" + a.getPort());
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Kills a member with SIGKILL and waits for it to go.
     *
     * @param i the member's index, in the order they were started
     */
    public void kill(int i) {
        members.get(i).kill();
        members.get(i).join();
    }

    /**
     * A pool over this cluster's client: closing it leaves the cluster up.
     *
     * @param options how the pool runs its tasks
     * @return the pool
     */
    public ClusterPool pool(ClusterPool.Options options) {
        return ClusterPool.over(client, options);
    }

    /** Disconnects and kills the members (a cluster on one machine keeps no state worth a graceful leave). */
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
