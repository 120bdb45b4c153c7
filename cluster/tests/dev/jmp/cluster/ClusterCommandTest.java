package dev.jmp.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jmp.cli.Subcommand;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code jmp cluster member}: the command as the jmp command finds it, and a member
 * started with {@code bin/jmp} as a user starts one, in a process of its own, that a
 * ClusterPool connects to. bin/jmp runs the jars that {@code make build} (or
 * {@code make test}) made: the core's and this module's.
 */
class ClusterCommandTest {
    /** Held (a JUL logger's level lasts as long as the logger is reachable): the client here logs only SEVERE. */
    private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

    static {
        HAZELCAST_LOG.setLevel(Level.SEVERE);
    }

    private static final Pattern UP = Pattern.compile("jmp cluster member \\[(.+)\\]:(\\d+) in cluster (.+)");

    /** The checkout's root (surefire runs in cluster/). */
    private static final Path ROOT = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
            .toAbsolutePath().getParent();

    static long pid() {
        return ProcessHandle.current().pid();
    }

    @Test
    void theJmpCommandFindsItAndItChecksItsOptionsBeforeStartingAMember() throws Exception {
        Subcommand cluster = ServiceLoader.load(Subcommand.class).stream().map(ServiceLoader.Provider::get)
                .filter(s -> s.name().equals("cluster")).findFirst().orElseThrow();
        assertEquals(ClusterCommand.class, cluster.getClass());
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        for (String[] wrong : List.of(new String[] {}, new String[] {"leader"}, new String[] {"member", "--port", "x"},
                new String[] {"member", "--port", "0"}, new String[] {"member", "--port"},
                new String[] {"member", "--color", "red"})) {
            assertEquals(2, cluster.run(wrong, out), String.join(" ", wrong));
        }
        assertEquals("", buf.toString(StandardCharsets.UTF_8), "a wrong call says so on stderr");
        assertEquals(0, cluster.run(new String[] {"member", "--help"}, out));
        assertTrue(buf.toString(StandardCharsets.UTF_8).startsWith("usage: jmp cluster member [--bind HOST]"), buf.toString());
    }

    @Test
    void binJmpListsItAndRejectsABadOption() throws Exception {
        Process help = jmp(List.of("--help")).redirectErrorStream(true).start();
        String text = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(help.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, help.exitValue(), text);
        assertTrue(text.contains("\n  cluster member [--bind HOST] [--port N]"), text);
        assertTrue(text.contains("\n  doctor"), text);

        Process bad = jmp(List.of("cluster", "member", "--port", "0")).redirectErrorStream(true).start();
        text = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bad.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, bad.exitValue(), text);
        assertTrue(text.contains("usage: jmp cluster member"), text);
    }

    @Test
    void aMemberStartedWithBinJmpRunsAPoolsTasks() throws Exception {
        String name = "jmp-command-test-" + UUID.randomUUID();
        int port = freePort();
        // The member must load this class's lambdas: its classes go on the member's classpath.
        Path testClasses = Path.of(ClusterCommandTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ProcessBuilder pb = jmp(List.of("cluster", "member", "--port", Integer.toString(port), "--cluster", name))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("CLASSPATH", testClasses.toString());
        pb.environment().put("JAVA_OPTS", "-Djmp.cluster.logLevel=SEVERE");
        Process member = pb.start();
        List<ProcessHandle> descendants = new ArrayList<>();
        try {
            assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
                BufferedReader lines = new BufferedReader(new InputStreamReader(member.getInputStream(), StandardCharsets.UTF_8));
                List<String> said = new ArrayList<>();
                Matcher up = null;
                for (String line; up == null && (line = lines.readLine()) != null; ) {
                    said.add(line);
                    Matcher m = UP.matcher(line);
                    up = m.matches() ? m : null;
                }
                if (up == null) {
                    fail("the member ended without saying where it is: " + said);
                }
                assertEquals("127.0.0.1", up.group(1));
                assertTrue(Integer.parseInt(up.group(2)) >= port, up.group(2));
                assertEquals(name, up.group(3));
                String address = up.group(1) + ":" + up.group(2);
                try (ClusterPool pool = ClusterPool.connect(Configs.client(name, new String[] {address}), ClusterPool.Options.defaults())) {
                    assertEquals(List.of(1, 4, 9, 16), pool.map(x -> x * x, List.of(1, 2, 3, 4)));
                    assertEquals(member.pid(), pool.apply(ClusterCommandTest::pid), "bin/jmp's JVM is the member");
                }
                assertTrue(member.isAlive(), "the member runs on after its client left");
            });
        } finally {
            descendants.addAll(member.descendants().toList());
            member.destroy();   // SIGTERM: Hazelcast's shutdown hook
            if (!member.waitFor(60, TimeUnit.SECONDS)) {
                member.destroyForcibly();
                member.waitFor();
                fail("the member did not end on SIGTERM");
            }
        }
        for (ProcessHandle d : descendants) {
            d.onExit().get(30, TimeUnit.SECONDS);   // a TimeoutException: left behind
        }
    }

    /** bin/jmp with these arguments, run by this JVM's java. */
    private static ProcessBuilder jmp(List<String> args) {
        Path launcher = ROOT.resolve("bin").resolve("jmp");
        assertTrue(Files.isExecutable(launcher), launcher + " missing");
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        pb.environment().remove("CLASSPATH");
        pb.environment().remove("JAVA_OPTS");
        return pb;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
