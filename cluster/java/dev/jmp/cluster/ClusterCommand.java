package dev.jmp.cluster;

import dev.jmp.cli.Subcommand;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * {@code jmp cluster member [--bind HOST] [--port N] [--cluster NAME] [--join HOST:PORT,...]}:
 * a standalone cluster member ({@link Member}), running until killed. The jmp command
 * finds it on the classpath (META-INF/services/dev.jmp.cli.Subcommand in this jar);
 * {@code bin/jmp} puts this jar and Hazelcast there once {@code make build} has run.
 */
public final class ClusterCommand implements Subcommand {
    /** Made by the jmp command (java.util.ServiceLoader). */
    public ClusterCommand() {
    }

    @Override
    public String name() {
        return "cluster";
    }

    @Override
    public String usage() {
        return "cluster member " + Member.OPTIONS + "\n"
                + "                a standalone Hazelcast member for ClusterPools (jmp-cluster), running\n"
                + "                until killed; defaults 127.0.0.1, 5701 or the next free port, cluster dev\n";
    }

    @Override
    public int run(String[] args, PrintStream out) throws InterruptedException {
        if (args.length == 0 || !args[0].equals("member")) {
            System.err.print("jmp cluster: " + (args.length == 0 ? "which command?" : "unknown command '" + args[0] + "'")
                    + "\nusage: jmp " + usage().lines().findFirst().orElse("") + "\n");
            return 2;
        }
        return Member.run(Arrays.copyOfRange(args, 1, args.length), out, "jmp cluster member");
    }
}
