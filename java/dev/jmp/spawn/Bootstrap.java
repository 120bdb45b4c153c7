package dev.jmp.spawn;

import dev.jmp.posix.Posix;
import dev.jmp.resource.Log;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;

/**
 * The start of every child JVM, called by its main class (the composition root in
 * {@code dev.jmp}, which passes itself as the {@link ChildEntry}). Reads the Process
 * payload from fd 3 ({@link PayloadPipe}), has the entry decode and run it, and has
 * the entry end the JVM with its exit code.
 *
 * <p>It binds nothing native: fd 3 is opened as {@code /proc/self/fd/3}, a second fd
 * on the same pipe, so a child whose target only computes never loads jnr-ffi.
 *
 * <p>With the argument {@value #WARM} (the warm start method) it first does, while
 * nobody waits, what every child pays for before its target runs: class loading, Java
 * serialization's first use, every jnr-ffi binding. Then it writes one byte on its
 * sentinel pipe (fd 4) to say it has prepared, rehearses the shapes of recent targets
 * the parent sends ({@link Rehearsal}), walks the decoding of a direct payload once the
 * parent asks it to say it is ready, writes a second byte to say so, and waits like any
 * child.
 *
 * <p>A spawned child reads its payload first. A plain Process whose target is a lambda
 * that captured only plain values comes as a direct payload ({@link LambdaRef}) and is
 * built without Java serialization, whose first use is the dearest step of reading a
 * Process in a young JVM (see LambdaRef). Any
 * other Process comes serialized: the child then starts {@link Preinit} and meanwhile
 * primes what reading a Process needs. {@code -Djmp.traceStart=true} prints where its
 * start went ({@link StartTrace}).
 *
 * <p>The payload comes from our own parent through a pipe no one else holds, so it
 * is read without an ObjectInputFilter: it is as trusted as the command line.
 */
public final class Bootstrap {
    private Bootstrap() {
    }

    static final String WARM = "warm";

    private static volatile boolean child;

    private static volatile boolean direct;

    /** True in a child whose Process came as a direct payload (for tests). */
    static boolean readDirectPayload() {
        return direct;
    }

    /** True in a JVM that jmp started as a child. */
    public static boolean isChild() {
        return child;
    }

    /** The child's main: {@code args} as the JVM got them, {@code entry} what knows Processes. */
    public static void run(String[] args, ChildEntry entry) {
        child = true;
        StartTrace.mark("main");
        Log.quietInChild();
        String mode = args.length > 0 ? args[0] : "";
        int code;
        try {
            if (mode.equals(ClassDataSharing.TRAIN)) {
                prepare(entry);     // what every child loads: exactly what the archive should hold
                System.exit(0);
            }
            if (mode.equals(WARM)) {
                prepare(entry);
                signalParent();     // "prepared": the parent now sends rehearsals, then asks for "ready"
            }
            DataInputStream in = new DataInputStream(
                    new FileInputStream("/proc/self/fd/" + FdHandover.PAYLOAD_FD));
            int length;
            try {
                length = awaitProcess(in, entry);
            } catch (EOFException parentGone) {
                // An idle warm child whose parent exited or no longer needs it.
                System.exit(0);
                return;
            }
            byte[] payload = new byte[length];
            in.readFully(payload);
            StartTrace.mark("read");
            if (mode.equals(ClassDataSharing.ARCHIVE)) {
                // The archiver's training child starts at this same entry; nothing in
                // this JVM loads the class that registers it in a parent.
                JavaCommand.mainClass(entry);
                ClassDataSharing.archiverMain(payload);
                System.exit(0);
            }
            Object process = readProcess(payload, mode.equals(WARM), entry);
            code = entry.run(process, in);
            StartTrace.mark("ran");
        } catch (IOException | ReflectiveOperationException | RuntimeException | LinkageError e) {
            // The target could not even be read (a class missing from the classpath, a
            // readObject that threw): report it as Python reports an unpicklable one.
            System.err.println("jmp: child could not load its Process:");
            e.printStackTrace();
            code = 1;
        }
        StartTrace.mark("exit");
        StartTrace.print();
        entry.exit(code);
    }

    /**
     * The Process in {@code payload}: a {@link LambdaRef}-style direct payload, built
     * without Java serialization, or a serialized one. The payload is read first (the
     * parent wrote it before this JVM booted), so a child sent a direct payload never
     * initializes ObjectInputStream; one sent a serialized payload in a fresh JVM starts
     * {@link Preinit} and primes while Preinit runs.
     */
    private static Object readProcess(byte[] payload, boolean warm, ChildEntry entry)
            throws IOException, ReflectiveOperationException {
        ClassLoader loader = Bootstrap.class.getClassLoader();
        Object process;
        if (PayloadPipe.isDirect(payload)) {
            process = entry.decode(payload, loader);
            direct = true;
            StartTrace.mark("decoded");
            return process;
        }
        if (!warm) {
            // While Preinit initializes the filter configuration: what reading any Process
            // needs that needs no ObjectInputStream (start() to the first line sooner).
            new Preinit().start();
            Class.forName("java.io.ObjectInputStream", true, null);
            entry.primeReading();
            java.io.ObjectStreamClass.lookup(java.lang.invoke.SerializedLambda.class);
            StartTrace.mark("primed");
        }
        try (ObjectInputStream ois = new ObjectInputStream(new ByteArrayInputStream(payload))) {
            StartTrace.mark("ois");
            process = ois.readObject();
        }
        StartTrace.mark("readObject");
        return process;
    }

    /** Pays every start-up cost now (see {@link ChildEntry#prepare}); then what only success paths load. */
    private static void prepare(ChildEntry entry) {
        entry.prepare();
        Preload.jmpClasses();
        java.io.InputStream.nullInputStream();      // a child's System.in (a JDK class of its own)
    }

    /**
     * The length of the Process payload that comes next. Before it, an idle warm child
     * may be sent rehearsals (the shapes of recent targets) and, once, the request to
     * say it is ready; a spawned child gets its payload at once.
     */
    private static int awaitProcess(DataInputStream in, ChildEntry entry) throws IOException {
        while (true) {
            int header = in.readInt();
            if (header == PayloadPipe.READY) {
                walkDecoding(entry);
                awaitQuietCompiler();
                trimMalloc();
                signalParent();
            } else if (header == PayloadPipe.REHEARSAL) {
                byte[] script = new byte[in.readInt()];
                in.readFully(script);
                Rehearsal.perform(script);
            } else {
                return header;
            }
        }
    }

    /**
     * How many times {@link #walkDecoding} decodes the sample payload: the interpreter
     * offers a method to the JIT once every 128 calls, and the JIT may let an offer go
     * (its queue busy, the task gone stale), so each method of the path gets several.
     */
    private static final int DECODING_WALKS = 1000;

    /**
     * Before an idle warm child says it is ready, after its rehearsals: decodes a sample
     * direct payload ({@link ChildEntry#samplePayload}) as its real payload will be
     * decoded, enough times for the JIT to compile that path. Why: preparing and
     * rehearsing left the path's methods with invocation counts anywhere, some where the
     * interpreter's next call asks for a compilation, and left code compiled from
     * profiles that never saw a payload end (a ByteArrayInputStream read returning -1).
     * The real payload then queued compilations and hit an uncommon trap (a
     * deoptimization, then a recompilation) between its arrival and its target's first
     * line, and the compiler threads it woke competed for the CPUs with the target and
     * with the parent reading that line. Walked here, that happens now, and
     * {@link #awaitQuietCompiler} waits for it.
     */
    private static void walkDecoding(ChildEntry entry) {
        byte[] sample = entry.samplePayload();
        if (sample == null) {
            return;
        }
        ClassLoader loader = Bootstrap.class.getClassLoader();
        try {
            for (int i = 0; i < DECODING_WALKS; i++) {
                entry.decode(sample, loader);
            }
        } catch (IOException | ReflectiveOperationException | RuntimeException | LinkageError e) {
            // The real payload will say what is wrong, if anything is.
        }
    }

    /**
     * Before an idle warm child says it is ready: the JIT finishes compiling what
     * preparing and rehearsing queued (its total compilation time stops growing over a
     * few checks, with an upper bound), so that a child that says it is ready no longer
     * competes for the CPUs: a warm start right after a child said ready while its
     * compiler threads were still busy reached its first line about twice as late. (A
     * System.gc() here as well made an idle child smaller, but its burst on both CPUs
     * slowed starts that overlapped it: not kept.)
     */
    private static void awaitQuietCompiler() {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        long end = System.nanoTime() + 2_000_000_000L;
        long last = jit.getTotalCompilationTime();
        int quiet = 0;
        while (quiet < 3 && System.nanoTime() < end) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
            long now = jit.getTotalCompilationTime();
            quiet = now == last ? quiet + 1 : 0;
            last = now;
        }
    }

    /**
     * Before an idle warm child says it is ready: the memory malloc holds free goes back
     * to the kernel. Why: a child's exit ends in the kernel freeing its address space, page
     * by page, before the parent's join() returns; that is most of a warm child's
     * start+join. Preparing and rehearsing leave the JIT's and the class loader's C heap
     * (an arena per thread that ever used one) mostly free but still mapped, megabytes the
     * exit would otherwise free on the parent's time. It costs nothing later: malloc maps
     * again what the target needs.
     */
    private static void trimMalloc() {
        try {
            Posix.libc().malloc_trim(0);
        } catch (RuntimeException | LinkageError e) {
            // No native layer, or a C library without malloc_trim: the child just stays larger.
        }
    }

    /** One byte on the sentinel pipe (fd 4), which the parent reads while this child is idle. */
    private static void signalParent() {
        try (FileOutputStream ready = new FileOutputStream("/proc/self/fd/" + FdHandover.SENTINEL_FD)) {
            ready.write(1);
        } catch (IOException parentGone) {
            // EPIPE: the parent exited while this child was still getting ready.
            System.exit(0);
        }
    }
}
