package dev.jmp.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.jmp.ProcessError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * What a ClusterPool does beyond the TaskPool contract, on three members in child
 * processes: process isolation on the members, a member in this JVM, the cluster-wide
 * queue and lock, and members killed in the middle of a map (last: they do not come back).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClusterPoolTest {
    private LocalCluster cluster;

    @BeforeAll
    void start() {
        cluster = LocalCluster.start(3);
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    static long pid() {
        return ProcessHandle.current().pid();
    }

    static int slow(int x) throws InterruptedException {
        Thread.sleep(300);
        return x;
    }

    /** The member the task runs on (it has one Hazelcast instance). */
    static HazelcastInstance here() {
        return Hazelcast.getAllHazelcastInstances().iterator().next();
    }

    @Test
    @Order(1)
    void isolatedTasksRunInWorkerProcessesOfTheMembers() {
        Set<Long> memberPids = cluster.members().stream().map(p -> (long) p.pid()).collect(Collectors.toSet());
        try (ClusterPool plain = cluster.pool(ClusterPool.Options.defaults().processes(3));
             ClusterPool isolated = cluster.pool(ClusterPool.Options.defaults().processes(3).isolated(true))) {
            Set<Long> threads = new HashSet<>(plain.map(x -> pid(), List.of(1, 2, 3), 1));
            assertEquals(memberPids, threads, "one task on each member, in the member's own process");
            long worker = isolated.apply(ClusterPoolTest::pid);
            assertFalse(memberPids.contains(worker), "isolated: a worker process of the member");
            assertNotEquals(pid(), worker);
            ProcessError e = assertThrows(ProcessError.class, () -> isolated.apply(() -> {
                Runtime.getRuntime().halt(3);
                return 0;
            }));
            assertTrue(e.getMessage().contains("exit"), e.getMessage());
            assertEquals(List.of(1, 4, 9), isolated.map(x -> x * x, List.of(1, 2, 3)), "the members go on");
        }
        for (dev.jmp.Process m : cluster.members()) {
            assertTrue(m.isAlive());
        }
    }

    @Test
    @Order(2)
    void aMemberInThisJvm() {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        ClusterPool pool = ClusterPool.join(Configs.member(cluster.name(), "127.0.0.1", port, List.of(cluster.addresses().get(0))),
                ClusterPool.Options.defaults().processes(4));
        HazelcastInstance me = pool.instance();
        try {
            assertEquals(4, me.getCluster().getMembers().size());
            Set<Long> pids = new HashSet<>(pool.map(x -> pid(), IntStream.range(0, 8).boxed().collect(Collectors.toList()), 1));
            assertTrue(pids.contains(pid()), "this JVM is a member: it runs tasks too " + pids);
            assertEquals(4, pids.size());
        } finally {
            pool.close();
        }
        assertFalse(me.getLifecycleService().isRunning(), "close() shut the member down");
        assertThrows(IllegalStateException.class, () -> pool.apply(() -> 1));
    }

    @Test
    @Order(3)
    void queueAndLockAreClusterWide() throws Exception {
        try (ClusterPool pool = cluster.pool(ClusterPool.Options.defaults().processes(3))) {
            String q = "squares-" + cluster.name();
            pool.map(x -> here().getQueue(q).offer(x * x), List.of(1, 2, 3, 4), 1);
            Set<Object> got = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                got.add(pool.queue(q).poll(30, TimeUnit.SECONDS));
            }
            assertEquals(Set.of(1, 4, 9, 16), got);

            ClusterLock lock = pool.lock("gate");
            lock.acquire(Duration.ofMinutes(1));
            assertFalse(pool.apply(() -> new ClusterLock(here().getMap(ClusterLock.MAP), "gate")
                    .tryAcquire(Duration.ZERO, Duration.ofSeconds(1))), "held here: a member cannot take it");
            lock.release();
            assertTrue(pool.apply(() -> {
                ClusterLock l = new ClusterLock(here().getMap(ClusterLock.MAP), "gate");
                boolean in = l.tryAcquire(Duration.ZERO, Duration.ofMinutes(1));
                l.release();
                return in;
            }));
            // A holder that never releases: the lease ends its hold.
            lock.acquire(Duration.ofSeconds(1));
            assertTrue(pool.apply(() -> {
                ClusterLock l = new ClusterLock(here().getMap(ClusterLock.MAP), "gate");
                boolean in = l.tryAcquire(Duration.ofSeconds(60), Duration.ofSeconds(5));
                l.release();
                return in;
            }), "the lease ran out");
        }
    }

    /** Runs {@code it} to its end: each position's value, or the ProcessError it threw. */
    static List<Object> drain(Iterator<Integer> it) {
        List<Object> out = new ArrayList<>();
        while (it.hasNext()) {
            try {
                out.add(it.next());
            } catch (ProcessError e) {
                out.add(e);
            }
        }
        return out;
    }

    @Test
    @Order(4)
    void aKilledMembersTasksFailAloneThenAreRetriedWhenAskedFor() {
        List<Integer> in = IntStream.range(0, 24).boxed().collect(Collectors.toList());
        try (ClusterPool pool = cluster.pool(ClusterPool.Options.defaults().processes(6))) {
            Iterator<Integer> it = pool.imap(ClusterPoolTest::slow, in);
            assertEquals(0, it.next());
            String dead = cluster.addresses().get(2);
            cluster.kill(2);
            List<Object> rest = drain(it);
            assertEquals(23, rest.size());
            int failed = 0;
            for (int i = 0; i < rest.size(); i++) {
                if (rest.get(i) instanceof ProcessError e) {
                    failed++;
                    assertTrue(e.getMessage().contains("member [" + dead.replace(":", "]:")), e.getMessage());
                } else {
                    assertEquals(i + 1, rest.get(i));
                }
            }
            assertTrue(failed >= 1 && failed < 23, failed + " failed");
            assertEquals(in, pool.map(x -> x, in), "the pool goes on with two members");
        }
        try (ClusterPool pool = cluster.pool(ClusterPool.Options.defaults().processes(4).retries(1))) {
            Iterator<Integer> it = pool.imap(ClusterPoolTest::slow, in.subList(0, 12));
            assertEquals(0, it.next());
            cluster.kill(1);
            assertEquals(in.subList(1, 12), drain(it), "every task lost with the member ran again on the last one");
        }
    }
}
