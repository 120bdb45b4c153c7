package dev.jmp.cluster;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import java.util.List;

/**
 * The Hazelcast configurations jmp starts members and clients with: TCP-IP join (no
 * multicast), one interface, no phone-home, JDK logging. A member runs its pool's tasks
 * in the executor {@link ClusterPool#EXECUTOR}, with {@code jmp.cluster.threads} threads
 * (default 16): a blocked task holds one.
 */
public final class Configs {
    private Configs() {
    }

    /**
     * A member in cluster {@code clusterName} bound to {@code host} only, listening on
     * {@code port} or the next free one above it, and joining the members at
     * {@code join} ("host:port"; none to start a cluster).
     *
     * @param clusterName the cluster's name
     * @param host the only interface it binds to
     * @param port the first port it tries
     * @param join the members to join ("host:port"); empty: start a cluster
     * @return the member's configuration
     */
    public static Config member(String clusterName, String host, int port, List<String> join) {
        Config c = new Config();
        c.setClusterName(clusterName);
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.logging.type", "jdk");
        // A member killed outright is noticed through its closed connections; a member
        // cut off without a word is given up after this many seconds of silence.
        c.setProperty("hazelcast.max.no.heartbeat.seconds", System.getProperty("jmp.cluster.heartbeatSeconds", "15"));
        NetworkConfig net = c.getNetworkConfig();
        net.setPort(port).setPortAutoIncrement(true).setPortCount(100);
        net.getInterfaces().setEnabled(true).addInterface(host);
        net.setPublicAddress(null);
        JoinConfig j = net.getJoin();
        j.getMulticastConfig().setEnabled(false);
        j.getAutoDetectionConfig().setEnabled(false);
        j.getTcpIpConfig().setEnabled(true).setMembers(join.isEmpty() ? List.of(host + ":" + port) : join);
        c.setProperty("hazelcast.socket.bind.any", "false");
        c.getExecutorConfig(ClusterPool.EXECUTOR).setPoolSize(Integer.getInteger("jmp.cluster.threads", 16));
        return c;
    }

    /**
     * A client of a cluster.
     *
     * @param clusterName the cluster's name
     * @param addresses members to connect to ("host:port")
     * @return the client's configuration
     */
    public static ClientConfig client(String clusterName, String... addresses) {
        ClientConfig c = new ClientConfig();
        c.setClusterName(clusterName);
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.logging.type", "jdk");
        c.getNetworkConfig().addAddress(addresses);
        return c;
    }

    /**
     * A client of the default cluster ("dev").
     *
     * @param addresses members to connect to ("host:port")
     * @return the client's configuration
     */
    public static ClientConfig client(String... addresses) {
        return client("dev", addresses);
    }
}
