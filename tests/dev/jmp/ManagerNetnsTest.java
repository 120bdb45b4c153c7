package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manager serving another host: two network namespaces joined by a veth pair, the
 * manager's program in one, a client program in the other, talking over TCP. Needs root
 * and iproute2 ({@code ip netns}); skipped, saying so, where it cannot make them.
 */
class ManagerNetnsTest {
    @TempDir
    Path dir;

    private static int ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        java.lang.Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    private static List<String> inNamespace(String ns, String... programArgs) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, java, "-cp",
                System.getProperty("java.class.path"), "dev.jmp.programs.ManagerScenario"));
        cmd.addAll(List.of(programArgs));
        return cmd;
    }

    @Test
    void aClientOnAnotherHostUsesTheManager() throws Exception {
        long pid = ProcessHandle.current().pid();
        String a = "jmp-m" + pid + "a";
        String b = "jmp-m" + pid + "b";
        String net = "10.213." + (pid % 250) + ".";
        int made;
        try {
            made = ip("netns", "add", a);
        } catch (IOException e) {
            made = -1;
        }
        Assumptions.assumeTrue(made == 0, "cannot make network namespaces here (needs root and ip netns)");
        try {
            assertEquals(0, ip("netns", "add", b));
            String va = "jv" + pid + "a";
            String vb = "jv" + pid + "b";
            assertEquals(0, ip("link", "add", va, "netns", a, "type", "veth", "peer", "name", vb, "netns", b));
            assertEquals(0, ip("-n", a, "addr", "add", net + "1/24", "dev", va));
            assertEquals(0, ip("-n", b, "addr", "add", net + "2/24", "dev", vb));
            assertEquals(0, ip("-n", a, "link", "set", va, "up"));
            assertEquals(0, ip("-n", b, "link", "set", vb, "up"));
            assertEquals(0, ip("-n", a, "link", "set", "lo", "up"));    // the manager's creator reaches it at its own address

            String key = HexFormat.of().formatHex("netns key".getBytes(StandardCharsets.US_ASCII));
            java.lang.Process server = new ProcessBuilder(inNamespace(a, key, net + "1"))
                    .redirectError(dir.resolve("server.err").toFile()).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                String line = r.readLine();
                assertTrue(line != null && line.startsWith("manager "), String.valueOf(line));
                String port = line.split(" ")[2];
                java.lang.Process client = new ProcessBuilder(inNamespace(b, key, net + "1", port))
                        .redirectErrorStream(true).start();
                String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(client.waitFor(120, TimeUnit.SECONDS));
                assertEquals(0, client.exitValue(), out);
                assertTrue(out.contains("client client 1"), out);   // its own new dict, through the manager on the other host
            } finally {
                server.destroyForcibly();
                server.waitFor(60, TimeUnit.SECONDS);
            }
        } finally {
            ip("netns", "del", b);
            ip("netns", "del", a);
        }
    }
}
