package dev.jmp.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A standalone cluster member, to start on each host whose cores a ClusterPool should
 * use ("jmp cluster member"):
 *
 * <pre>
 * java -cp "jmp-cluster.jar:jmp.jar:hazelcast.jar:your-classes" dev.jmp.cluster.Member \
 *      --bind 10.0.0.5 --port 5701 --cluster dev --join 10.0.0.4:5701,10.0.0.6:5701
 * </pre>
 *
 * Its classpath must hold the classes of the functions the pools send (as a spawned
 * jmp worker shares its parent's). It prints its address once it is up, and runs until
 * killed. Defaults: bind 127.0.0.1, port 5701 (or the next free one), cluster "dev",
 * no one to join (it starts a cluster). Hazelcast logs at {@code jmp.cluster.logLevel}
 * (default INFO).
 */
public final class Member {
    private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

    private Member() {
    }

    /**
     * Starts a member from the command line.
     *
     * @param args {@code [--bind HOST] [--port N] [--cluster NAME] [--join HOST:PORT,...]}
     */
    public static void main(String[] args) {
        String bind = "127.0.0.1";
        int port = 5701;
        String cluster = "dev";
        List<String> join = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            if (v == null) {
                usage("missing value after " + a);
            }
            switch (a) {
                case "--bind" -> bind = v;
                case "--port" -> port = Integer.parseInt(v);
                case "--cluster" -> cluster = v;
                case "--join" -> join.addAll(List.of(v.split(",")));
                default -> usage("unknown option " + a);
            }
            i++;
        }
        HAZELCAST_LOG.setLevel(Level.parse(System.getProperty("jmp.cluster.logLevel", "INFO")));
        HazelcastInstance hz = start(cluster, bind, port, join);
        System.out.println("jmp cluster member " + hz.getCluster().getLocalMember().getAddress()
                + " in cluster " + cluster);
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

    private static void usage(String why) {
        System.err.println("jmp cluster member: " + why);
        System.err.println("usage: dev.jmp.cluster.Member [--bind HOST] [--port N] [--cluster NAME] [--join HOST:PORT,...]");
        System.exit(2);
    }
}
