package dev.jmp.programs;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The quota case of the resource tracker, run as an ordinary user (TrackerTest, through
 * Unprivileged): a program holding three of the largest queues (a third of the user's
 * message-queue quota) is killed with SIGKILL, again and again. Without a tracker the
 * fourth run could not make its queues; with it every run can. Prints "runs N".
 */
public final class TrackerQuota {
    private TrackerQuota() {
    }

    static final int RUNS = 5;

    public static void main(String[] args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int run = 1; run <= RUNS; run++) {
            java.lang.Process p = new ProcessBuilder(java, "-XX:-UsePerfData", "-Djmp.queue.msgsize=8192", "-cp",
                    System.getProperty("java.class.path"), "dev.jmp.CrashProgram", "queues", "spawn")
                    .redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            boolean ready = false;
            for (String l; !ready && (l = out.readLine()) != null; ) {
                seen.append(l).append('\n');
                ready = l.equals("ready");
            }
            if (!ready) {
                System.out.println("run " + run + " failed:\n" + seen);
                System.exit(1);
            }
            List<ProcessHandle> all = p.toHandle().descendants().collect(Collectors.toList());
            p.destroyForcibly();    // SIGKILL
            p.waitFor();
            for (ProcessHandle h : all) {
                h.onExit().get(30, TimeUnit.SECONDS);   // the tracker, once it has cleaned up
            }
            System.out.println("run " + run + " ok (" + all.size() + " other processes ended)");
        }
        System.out.println("runs " + RUNS);
    }
}
