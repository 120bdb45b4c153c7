package dev.jmp.spawn;

import java.io.File;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command line of a child JVM: the same java binary as the parent (or
 * {@code jmp.java}), the parent's classpath made absolute, the {@code jmp.*} system
 * properties, {@code jmp.childJvmOptions}, and the child's main class (which calls
 * {@link Bootstrap#run}), registered by the layer above with {@link #mainClass}.
 *
 * <p>Why -Xrs: without it the child JVM turns SIGTERM into an orderly shutdown that
 * exits with status 143, a normal exit as waitpid sees it. Python's terminate() kills
 * the child by the signal (exitcode -15), and so must ours; -Xrs leaves SIGTERM, SIGINT
 * and SIGHUP at their default action, which is death by the signal.
 *
 * <p>Why -XX:-UsePerfData: a JVM with perf data maps a file in /tmp/hsperfdata_USER at
 * start and deletes it at exit; without it, a child's start()+join() is measurably
 * shorter (README, configuration). The price: jps and jstat do
 * not list the child (jcmd PID and a debugger still attach).
 * {@code -Djmp.childPerfData=true} keeps it.
 *
 * <p>Why -XX:ArchiveRelocationMode=0: a current JVM (JDK 17's updates, JDK 25) maps
 * its class-data-sharing archives (the JDK's own, jmp's start-up archive) at a random
 * address by default, and must then rewrite every pointer in them before it runs
 * anything: each child pays that relocation in CPU, and its archive pages become
 * private copies it has to free again at exit. At the address the archive was made
 * for, the pages stay shared with every other JVM and nothing is rewritten (the
 * README's start-up section has the times). What a child gives up is the
 * randomization of where that class metadata lies, a hardening against exploits of
 * memory-corruption bugs; the child runs the parent's own code.
 * {@code -Djmp.cds.fixedAddress=false} keeps the JDK's default. Added only for the JDK
 * versions it is known on (a JVM refuses to start on an option it does not know).
 */
public final class JavaCommand {
    private JavaCommand() {
    }

    /**
     * With {@code -Djmp.childLateC2=true}: C2 compiles a method after 10 times the JDK's
     * default counts. Why one would: in its first
     * tens of milliseconds a JVM on 2 vCPUs runs its C2 compiler thread beside the main
     * thread, compiling methods that a start-up runs 5000 times and never again
     * (serialization, class init), and that thread takes a CPU from the child's own
     * start: a short target reaches its first line and its end sooner (the README's
     * configuration table). Why it is not the default: code that runs between 5 000 and
     * 50 000 times stays longer in C1's profiling tier, so a longer-lived child's steady
     * state may get slower, and a library should not trade its users' steady state for
     * its own start-up unasked. A warm child never gets it: it compiles while
     * idle, and the code it has compiled is what makes a warm start fast.
     */
    static final List<String> LATE_C2 = List.of("-XX:Tier4InvocationThreshold=50000",
            "-XX:Tier4MinInvocationThreshold=6000", "-XX:Tier4CompileThreshold=60000",
            "-XX:Tier4BackEdgeThreshold=400000");

    /** {@code jmp.cds.fixedAddress}: map the archives where they were made to be mapped (see above). */
    private static final boolean FIXED_ADDRESS = !"false".equals(System.getProperty("jmp.cds.fixedAddress", "true"));
    /** The first JDK that warns when a class-path class loads a native library (JEP 472). */
    private static final int FIRST_NATIVE_ACCESS_WARNING = 24;
    /** The newest JDK on which -XX:ArchiveRelocationMode is known to exist (17 has it too). */
    private static final int LAST_KNOWN_RELOCATION_MODE = 25;

    private static volatile String mainClass;
    private static volatile ChildEntry entry;

    /**
     * The main class of every child JVM, given as an instance of it: a class whose main
     * calls {@link Bootstrap#run} with such an entry. The parent uses the instance too
     * ({@link ChildEntry#trainingPayload} for the start-up archive's training child).
     */
    public static void mainClass(ChildEntry main) {
        entry = main;
        mainClass = main.getClass().getName();
    }

    /** The entry registered with {@link #mainClass}. */
    static ChildEntry entry() {
        ChildEntry e = entry;
        if (e == null) {
            throw new IllegalStateException("no child main class registered (dev.jmp.Multiprocessing does it)");
        }
        return e;
    }

    /** The java binary of the running JVM. */
    public static String defaultJava() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The command line of a spawned child. */
    public static List<String> argv(String java) {
        return argv(java, false);
    }

    /** {@code warm}: of a warm child, which keeps the JIT's default thresholds (see below). */
    static List<String> argv(String java, boolean warm) {
        // The parent needs its native layer to spawn anyway: loading it first puts the
        // path of libjmp (jmp.posix.library), or jmp.posix=jnr after a fallback, among the
        // properties below, so the child neither looks for the library nor retries.
        dev.jmp.posix.Posix.libc();
        List<String> argv = new ArrayList<>();
        argv.add(java);
        argv.add("-Xrs");
        int feature = ChildJdk.feature(java);
        if (feature >= FIRST_NATIVE_ACCESS_WARNING) {
            // libjmp (or jffi, on the jnr backend) is loaded with System.load: from JDK 24
            // on, every child that uses a native primitive would print three WARNING lines
            // on its stderr without this. Not on older JDKs, where nothing needs it: any
            // module option turns off the archived module graph of the JDK's own
            // class-data archive, and a child without it boots measurably slower (the
            // README's start-up section). A child of JDK 24 or later gets it back from
            // jmp's start-up archive, which is made with the same option.
            argv.add("--enable-native-access=ALL-UNNAMED");
        }
        if (feature >= 23) {
            // jffi reads and writes memory with sun.misc.Unsafe, which JDK 24 warns about
            // (4 lines on stderr); JDK 23 knows this option, JDK 17 would refuse to start.
            argv.add("--sun-misc-unsafe-memory-access=allow");
        }
        if (!Boolean.getBoolean("jmp.childPerfData")) {
            argv.add("-XX:-UsePerfData");
        }
        if (FIXED_ADDRESS && feature <= LAST_KNOWN_RELOCATION_MODE) {
            argv.add("-XX:+UnlockDiagnosticVMOptions");
            argv.add("-XX:ArchiveRelocationMode=0");
        }
        if (!warm && Boolean.getBoolean("jmp.childLateC2")) {
            argv.addAll(LATE_C2);
        }
        for (Map.Entry<Object, Object> e : System.getProperties().entrySet()) {
            String key = String.valueOf(e.getKey());
            if (key.startsWith("jmp.")) {
                argv.add("-D" + key + "=" + e.getValue());
            }
        }
        String extra = System.getProperty("jmp.childJvmOptions", "").trim();
        if (!extra.isEmpty()) {
            argv.addAll(List.of(extra.split("\\s+")));
        }
        String classpath = absoluteClasspath();
        argv.add("-cp");
        argv.add(classpath);
        String main = mainClass;
        if (main == null) {
            throw new IllegalStateException("no main class for child JVMs registered");
        }
        argv.add(main);
        argv.addAll(1, ClassDataSharing.options(java, argv, classpath));
        return argv;
    }

    /** The child may start in another directory later; relative entries would break. */
    static String absoluteClasspath() {
        String cp = System.getProperty("java.class.path", "");
        List<String> out = new ArrayList<>();
        for (String entry : cp.split(File.pathSeparator, -1)) {
            out.add(Paths.get(entry.isEmpty() ? "." : entry).toAbsolutePath().normalize().toString());
        }
        return String.join(File.pathSeparator, out);
    }
}
