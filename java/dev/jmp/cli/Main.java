package dev.jmp.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * {@code jmp ls|clean|doctor} ({@code bin/jmp}, or {@code java -jar jmp.jar}): what jmp
 * left in the kernel, removing what dead programs left, and the limits that matter.
 * Other commands come from the jars on the classpath ({@link Subcommand}, such as
 * jmp-cluster's {@code cluster member}). A handful of commands need no
 * argument-parsing library.
 */
public final class Main {
    private Main() {
    }

    private static final String USAGE = """
            usage: jmp <command>   (bin/jmp, or java -jar target/jmp-*.jar)
              ls [pid...]     this user's jmp kernel objects (semaphores, shared memory, message
                              queues, spill directories): creating pid, whether its program is
                              alive, size; only those created by the given pids if any
              clean [pid...]  removes the objects whose program is gone (only those created by
                              the given pids if any), and says what it removed
              doctor          the limits that matter and what to change (exit status 1 if
                              something is wrong)
            """;

    /**
     * Runs a command and exits with its status.
     *
     * @param args the command and its arguments
     * @throws Exception if the command fails
     */
    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    static int run(String[] args, PrintStream out) throws Exception {
        String command = args.length == 0 ? "help" : args[0];
        switch (command) {
            case "ls", "clean":
                return lsOrClean(args, out);
            case "doctor":
                if (args.length == 1) {
                    return Doctor.run(out);
                }
                break;
            case "--help", "-h", "help":
                out.print(usage());
                return 0;
            default:
                break;
        }
        for (Subcommand s : ServiceLoader.load(Subcommand.class)) {
            if (s.name().equals(command)) {
                return s.run(Arrays.copyOfRange(args, 1, args.length), out);
            }
        }
        System.err.print("jmp: unknown command '" + String.join(" ", args) + "'\n" + usage());
        return 2;
    }

    /** The built-in commands' usage, then each provider's, indented as theirs. */
    private static String usage() {
        StringBuilder sb = new StringBuilder(USAGE);
        for (Subcommand s : ServiceLoader.load(Subcommand.class)) {
            s.usage().lines().forEach(l -> sb.append("  ").append(l).append('\n'));
        }
        return sb.toString();
    }

    /** ls or clean, with the pids they keep to. */
    private static int lsOrClean(String[] args, PrintStream out) throws IOException {
        Set<Long> pids = new HashSet<>();
        for (String a : Arrays.asList(args).subList(1, args.length)) {
            try {
                pids.add(Long.parseLong(a));
            } catch (NumberFormatException e) {
                System.err.print("jmp: '" + a + "' is not a pid\n" + USAGE);
                return 2;
            }
        }
        return args[0].equals("ls") ? ls(out, pids) : clean(out, pids);
    }

    private static List<KernelObjects.Entry> objects(Set<Long> pids) throws IOException {
        List<KernelObjects.Entry> all = KernelObjects.list();
        return pids.isEmpty() ? all : all.stream().filter(e -> pids.contains(e.pid())).toList();
    }

    private static int ls(PrintStream out, Set<Long> pids) throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (KernelObjects.Entry e : objects(pids)) {
            rows.add(new String[] {e.kind(), e.name(), Long.toString(e.pid()), e.alive() ? "alive" : "dead", e.detail()});
        }
        table(out, new String[] {"kind", "name", "pid", "program", "size"}, rows);
        if (rows.isEmpty()) {
            out.println("(nothing: no jmp kernel objects of this user)");
        }
        return 0;
    }

    private static int clean(PrintStream out, Set<Long> pids) throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (KernelObjects.Entry e : objects(pids)) {
            if (!e.alive() && KernelObjects.remove(e)) {
                rows.add(new String[] {e.kind(), e.name(), Long.toString(e.pid()), "removed", e.detail()});
            }
        }
        KernelObjects.dropDeadRegistries();
        table(out, new String[] {"kind", "name", "pid", "program", "size"}, rows);
        out.println(rows.isEmpty() ? "(nothing to remove: no object of a dead program)"
                : "removed " + rows.size() + " object" + (rows.size() == 1 ? "" : "s") + " of dead programs");
        return 0;
    }

    /** Columns padded to their widest cell; the header line starts with its first column's title. */
    static void table(PrintStream out, String[] header, List<String[]> rows) {
        int[] width = new int[header.length];
        List<String[]> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (String[] r : all) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : all) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                sb.append(i == r.length - 1 ? r[i] : String.format("%-" + width[i] + "s  ", r[i]));
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}
