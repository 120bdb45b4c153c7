package dev.jmp.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A standalone cluster member, to start on each host whose cores a ClusterPool should
 * use: {@code jmp cluster member} ({@link ClusterCommand}), after {@code make build}:
 *
 * <pre>
 * CLASSPATH=your-classes bin/jmp cluster member \
 *      --bind 10.0.0.5 --port 5701 --cluster dev --join 10.0.0.4:5701,10.0.0.6:5701
 * </pre>
 *
 * or this class as the main class, on a classpath of your own:
 *
 * <pre>
 * java -cp "jmp-cluster.jar:jmp.jar:hazelcast.jar:your-classes" dev.jmp.cluster.Member \
 *      --bind 10.0.0.5 --port 5701 --cluster dev --join 10.0.0.4:5701,10.0.0.6:5701
 * </pre>
 *
 * Its classpath must hold the classes of the functions the pools send (as a spawned
 * jmp worker shares its parent's). It prints its address once it is up
 * ({@code jmp cluster member [10.0.0.5]:5701 in cluster dev}), and runs until killed
 * (SIGTERM shuts it down). Defaults: bind 127.0.0.1, port 5701 (or the next free one),
 * cluster "dev", no one to join (it starts a cluster). Hazelcast logs at
 * {@code jmp.cluster.logLevel} (default INFO).
 */
public final class Member {
    private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

    static final String OPTIONS = "[--bind HOST] [--port N] [--cluster NAME] [--join HOST:PORT,...]";

    private Member() {
    }

    /**
     * Starts a member from the command line, and returns when it has shut down; exits
     * with status 2 on a wrong option.
     *
     * @param args {@code [--bind HOST] [--port N] [--cluster NAME] [--join HOST:PORT,...]}
     * @throws InterruptedException if interrupted while the member runs
     */
    public static void main(String[] args) throws InterruptedException {
        int status = run(args, System.out, "dev.jmp.cluster.Member");
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Starts a member from its options, says where it is on {@code out}, and waits until
     * it shuts down (SIGTERM: Hazelcast's shutdown hook).
     *
     * @param args its options (see {@link #main})
     * @param out where it says where it is
     * @param command the command's name, for the usage line
     * @return 0 once the member has shut down, 2 on a wrong option (with a usage line on
     *         standard error; no member started)
     */
    static int run(String[] args, PrintStream out, String command) throws InterruptedException {
        String bind = "127.0.0.1";
        int port = 5701;
        String cluster = "dev";
        List<String> join = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                out.println("usage: " + command + " " + OPTIONS);
                return 0;
            }
            String v = i + 1 < args.length ? args[i + 1] : null;
            if (v == null || !List.of("--bind", "--port", "--cluster", "--join").contains(a)) {
                return usage(command, v == null ? "missing value after " + a : "unknown option " + a);
            }
            switch (a) {
                case "--bind" -> bind = v;
                case "--port" -> {
                    try {
                        port = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        port = -1;
                    }
                    if (port < 1 || port > 65535) {
                        return usage(command, "--port " + v + ": not a port (1-65535)");
                    }
                }
                case "--cluster" -> cluster = v;
                default -> join.addAll(List.of(v.split(",")));
            }
            i++;
        }
        Level level;
        try {
            level = Level.parse(System.getProperty("jmp.cluster.logLevel", "INFO"));
        } catch (IllegalArgumentException e) {
            return usage(command, "jmp.cluster.logLevel: " + e.getMessage());
        }
        HAZELCAST_LOG.setLevel(level);
        HazelcastInstance hz = start(cluster, bind, port, join);
        CountDownLatch down = new CountDownLatch(1);
        hz.getLifecycleService().addLifecycleListener(e -> {
            if (e.getState() == LifecycleEvent.LifecycleState.SHUTDOWN) {
                down.countDown();
            }
        });
        if (!hz.getLifecycleService().isRunning()) {    // shut down before the listener was there
            return 0;
        }
        out.println("jmp cluster member " + hz.getCluster().getLocalMember().getAddress() + " in cluster " + cluster);
        out.flush();
        down.await();
        return 0;
    }

    /**
     * Starts a member in this JVM (see {@link Configs#member}).
     *
     * @param cluster the cluster's name
     * @param bind the only interface it binds to
     * @param port the first port it tries
     * @param join the members to join ("host:port"); empty: start a cluster
     * @return the member
     */
    public static HazelcastInstance start(String cluster, String bind, int port, List<String> join) {
        return Hazelcast.newHazelcastInstance(Configs.member(cluster, bind, port, join));
    }

    private static int usage(String command, String why) {
        System.err.println(command + ": " + why);
        System.err.println("usage: " + command + " " + OPTIONS);
        return 2;
    }
}
