package dev.jmp.spawn;

import dev.jmp.blocking.Deadline;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A start-up archive for child JVMs ({@link StartupArchive}): the JDK's, jmp's and the
 * classpath's classes that a child loads, prepared once, mapped by every child. On
 * JDK 24 on an {@link AotCache} (classes loaded and linked ahead of time), before a
 * {@link DynamicArchive} (classes parsed and verified ahead of time), chosen by the
 * child JDK's feature version.
 *
 * <p>Why: a child spends most of its start loading classes the JDK's default archive
 * does not hold (serialization, jmp, the application). The numbers are in the
 * README's start-up section.
 *
 * <p>How: the archive is keyed by the child JDK (its java binary, release file and
 * feature version), the child's module and agent options, and the classpath (each
 * entry's path, size and mtime), cached in {@code jmp.cds.dir} (default
 * {@code $XDG_CACHE_HOME/jmp/cds}, else {@code ~/.cache/jmp/cds}), and made in the
 * background the first time a key is missing: until it exists, children start
 * without it. A change of JDK, of those options or of any jar makes a new key, so a
 * stale archive is never used.
 *
 * <p>The traps: an archive is written under a temporary name, checked by a JVM that
 * refuses an unusable archive instead of ignoring it, and only then renamed into
 * place, atomically. A JDK refuses to dump a classpath holding a non-empty directory
 * (classes not in a jar): then there is no archive, and nothing else changes. A
 * fingerprint beside the archive (its kind's: a checksum, or its length) is checked
 * before a parent first uses it, so an archive damaged later is made again rather
 * than mapped. Children run with the archive's logging off: an archive the JVM
 * cannot use is skipped without a word on the child's stdout.
 */
public final class ClassDataSharing {
    private ClassDataSharing() {
    }

    static final String TRAIN = "train";
    static final String ARCHIVE = "archive";

    private static final boolean ENABLED = !"false".equals(System.getProperty("jmp.cds", "true"));
    private static final boolean AOT = !"false".equals(System.getProperty("jmp.cds.aot", "true"));
    private static final AtomicBoolean MAKING = new AtomicBoolean();
    private static volatile Thread archiver;
    private static volatile Path archive;      // the usable archive once known
    private static volatile StartupArchive kind;
    private static volatile boolean unusable;  // this classpath cannot have one

    /** JVM options that put a child on the archive; empty while there is none. */
    static List<String> options(String java, List<String> baseArgv, String classpath) {
        if (!ENABLED || unusable) {
            return List.of();
        }
        Path ready = archive;
        if (ready == null) {
            StartupArchive k = StartupArchive.forJdk(ChildJdk.feature(java), AOT);
            Path target = k == null ? null : location(k, baseArgv, classpath);
            if (target == null) {
                unusable = true;
                return List.of();
            }
            kind = k;
            if (Files.isRegularFile(target) && intact(k, target)) {
                archive = ready = target;
                touch(target);
            } else {
                makeInBackground(target, List.copyOf(baseArgv));
                return List.of();
            }
        }
        return kind.use(ready);
    }

    /**
     * Where the archive for this JDK, these options and this classpath lives; null if
     * it cannot have one. The options in the key are those an archive must be used
     * with (module and agent options: everything but -D and -X options).
     */
    private static Path location(StartupArchive kind, List<String> baseArgv, String classpath) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            return null;
        }
        String java = baseArgv.get(0);
        int feature = ChildJdk.feature(java);
        sha.update((java + '\n' + ChildJdk.identity(java) + '\n' + feature + '\n').getBytes(StandardCharsets.UTF_8));
        for (String option : baseArgv.subList(1, Math.max(1, baseArgv.indexOf("-cp")))) {
            if (!option.startsWith("-D") && !option.startsWith("-X")) {
                sha.update((option + '\n').getBytes(StandardCharsets.UTF_8));
            }
        }
        for (String entry : classpath.split(File.pathSeparator)) {
            File f = new File(entry);
            if (f.isDirectory()) {
                String[] children = f.list();
                if (children != null && children.length > 0) {
                    ProcessLog.debug("no start-up archive: {0} is a directory", entry);
                    return null;
                }
            }
            sha.update((entry + '\0' + f.length() + '\0' + f.lastModified() + '\n').getBytes(StandardCharsets.UTF_8));
        }
        String key = HexFormat.of().formatHex(sha.digest(), 0, 16);
        return cacheDir().resolve("jmp-" + feature + "-" + key + "." + kind.suffix());
    }

    private static Path cacheDir() {
        String dir = System.getProperty("jmp.cds.dir");
        if (dir != null && !dir.isEmpty()) {
            return Path.of(dir);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("jmp").resolve("cds");
    }

    private static void makeInBackground(Path target, List<String> baseArgv) {
        if (!MAKING.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> makeDetached(target, baseArgv), "jmp-cds-archiver");
        t.setDaemon(true);
        archiver = t;
        t.start();
    }

    /**
     * Runs {@link #make} in a child JVM of its own ({@link Bootstrap} with
     * {@value #ARCHIVE}) and waits for it. Why a child: making an archive takes seconds
     * (training JVMs, then a checking one). Made by a thread of this program, it was
     * abandoned half done whenever the program ended sooner, and a program that always
     * ends sooner (a script that starts one Process) never got an archive at all. The
     * archiver child outlives its parent; the next program finds the archive ready.
     */
    private static void makeDetached(Path target, List<String> baseArgv) {
        List<String> argv = new ArrayList<>(baseArgv);
        argv.add(ARCHIVE);
        List<String> job = new ArrayList<>();
        job.add(target.toString());
        job.addAll(baseArgv);
        Popen p = null;
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                out.writeObject(job.toArray(new String[0]));
            }
            p = Popen.boot(argv, List.of());
            p.send(bytes.toByteArray());
            p.closePayload();
            if (p.await(Deadline.after(Duration.ofMinutes(5))) != null
                    && Files.isRegularFile(target) && intact(kind, target)) {
                archive = target;
            }
        } catch (IOException | RuntimeException e) {
            ProcessLog.debug("start-up archiver not started: {0}", e);
        } finally {
            if (p != null) {
                p.close();
            }
        }
    }

    /**
     * The archiver child's main: {@code payload} is the target path, then the base
     * command line. This JVM runs on the child JDK with the parent's {@code jmp.*}
     * properties, so it picks the kind the parent picked.
     */
    static void archiverMain(byte[] payload) throws IOException, ClassNotFoundException {
        String[] job;
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(payload))) {
            job = (String[]) in.readObject();
        }
        Path target = Path.of(job[0]);
        List<String> baseArgv = List.of(job).subList(1, job.length);
        StartupArchive k = StartupArchive.forJdk(ChildJdk.feature(baseArgv.get(0)), AOT);
        if (k != null && target.getFileName().toString().endsWith("." + k.suffix())) {
            make(k, target, baseArgv);
        }
    }

    /**
     * Waits for the archive being made in the background, if any; true if children now
     * start with one. For tests and benchmarks.
     */
    public static boolean awaitArchive(Duration timeout) throws InterruptedException {
        Thread t = archiver;
        if (t != null) {
            t.join(Math.max(1, timeout.toMillis()));
        }
        return archive != null;
    }

    /**
     * The archive is the file its fingerprint file describes: a truncated or altered
     * archive would crash the JVM that maps it, or be skipped by it for good, so it is
     * removed (and made again).
     */
    private static boolean intact(StartupArchive k, Path target) {
        try {
            Path sum = fingerprintFile(target);
            if (Files.isRegularFile(sum) && Files.readString(sum).trim().equals(k.fingerprint(target))) {
                return true;
            }
            Files.deleteIfExists(target);
            Files.deleteIfExists(sum);
        } catch (IOException | RuntimeException e) {
            ProcessLog.debug("start-up archive {0} not usable: {1}", target, e);
        }
        return false;
    }

    private static Path fingerprintFile(Path archive) {
        return archive.resolveSibling(archive.getFileName() + ".check");
    }

    /** Temporary archives older than this were left by a parent that exited while training. */
    private static final Duration STALE = Duration.ofMinutes(10);

    /**
     * Trains a child into a temporary archive, checks it, renames it into place.
     *
     * <p>One process at a time per cache directory ({@code making.lock}, an fcntl lock the
     * kernel releases when its holder dies): many short-lived programs starting at once
     * would otherwise each train a child for the same key, a second or more of CPU and
     * megabytes of disk apiece. A program that finds the lock taken starts its children
     * without an archive until the file appears. A parent that exits while its training
     * child runs leaves a {@code tmp-*} file behind; the next one to make an archive
     * removes such files, and keeps only the {@link #KEEP} most recently used archives.
     */
    private static void make(StartupArchive k, Path target, List<String> baseArgv) {
        Path dir = target.getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            ProcessLog.debug("start-up archive not made: {0}", e);
            return;
        }
        try (FileChannel lockFile = FileChannel.open(dir.resolve("making.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockFile.tryLock()) {
            if (lock == null) {
                ProcessLog.debug("start-up archive being made by another process");
                return;
            }
            if (Files.isRegularFile(target) && intact(k, target)) {
                archive = target;    // made by the process that held the lock before us
                return;
            }
            removeStale(dir);
            makeLocked(k, target, baseArgv);
        } catch (IOException | RuntimeException e) {
            ProcessLog.debug("start-up archive not made: {0}", e);
        }
    }

    /** How many archives a cache directory keeps, the most recently used ones (of either kind). */
    static final int KEEP = 8;

    /** Marks an archive used (its mtime), so that pruning keeps the ones in use. */
    private static void touch(Path archive) {
        try {
            Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException | RuntimeException e) {
            ProcessLog.debug("could not mark {0} used: {1}", archive, e);
        }
    }

    /**
     * Every rebuilt jar and every JDK update makes a new key, and so a new archive of
     * megabytes: only the {@link #KEEP} most recently used stay.
     */
    private static void prune(Path dir) throws IOException {
        List<Path> archives = new ArrayList<>();
        try (DirectoryStream<Path> all = Files.newDirectoryStream(dir, "jmp-*.{jsa,aot}")) {
            all.forEach(archives::add);
        }
        if (archives.size() <= KEEP) {
            return;
        }
        archives.sort(java.util.Comparator.comparingLong(ClassDataSharing::modified).reversed());
        for (Path old : archives.subList(KEEP, archives.size())) {
            Files.deleteIfExists(fingerprintFile(old));
            Files.deleteIfExists(old.resolveSibling(old.getFileName() + ".sha256"));   // an earlier jmp's name
            Files.deleteIfExists(old);
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static void removeStale(Path dir) throws IOException {
        long now = System.currentTimeMillis();
        try (DirectoryStream<Path> tmps = Files.newDirectoryStream(dir, "tmp-*")) {
            for (Path tmp : tmps) {
                if (now - Files.getLastModifiedTime(tmp).toMillis() > STALE.toMillis()) {
                    Files.deleteIfExists(tmp);
                }
            }
        }
    }

    private static void makeLocked(StartupArchive k, Path target, List<String> baseArgv) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile(target.getParent(), "tmp-", "." + k.suffix());
            Files.delete(tmp);   // the JVM creates it; it must not exist
            if (!k.make(tmp, new StartupArchive.Training() {
                @Override
                public int prepare(String... options) throws IOException {
                    return ClassDataSharing.prepare(baseArgv, options);
                }

                @Override
                public int spawn(String... options) {
                    return ClassDataSharing.spawn(baseArgv, options);
                }
            })) {
                return;
            }
            Files.writeString(fingerprintFile(target), k.fingerprint(tmp));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            archive = target;
            ProcessLog.debug("start-up archive ready: {0}", target);
            prune(target.getParent());
        } catch (IOException | RuntimeException e) {
            ProcessLog.debug("start-up archive not made: {0}", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // A stray temporary file in our own cache directory.
                }
            }
        }
    }

    /**
     * Runs a JVM that prepares as a warm child does: the base command line (java,
     * options..., main class) with {@code options} right after java and {@value #TRAIN}
     * as argument, its output discarded (this JVM shares its stdout with the program
     * that started it).
     */
    private static int prepare(List<String> baseArgv, String... options) throws IOException {
        java.lang.Process p = new ProcessBuilder(withOptions(baseArgv, options, TRAIN))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return p.waitFor();
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Spawns a child as Process.start() does, with {@code options} added, sends it the
     * training Process ({@link ChildEntry#trainingPayload}), and waits for its exit.
     * The child ends through the JVM's own shutdown ({@code jmp.childShutdownHooks}, last
     * so that it wins), not with {@code _exit} as children do: a training JVM writes
     * what it recorded as it shuts down.
     */
    private static int spawn(List<String> baseArgv, String... options) {
        ChildEntry entry = JavaCommand.entry();
        List<String> argv = withOptions(baseArgv, options);
        argv.add(argv.size() - 1, "-Djmp.childShutdownHooks=true");
        Popen p = Popen.boot(argv, List.of());
        try {
            p.send(entry.trainingPayload());
            Integer code = p.await(Deadline.after(Duration.ofMinutes(2)));
            if (code == null) {
                p.kill();
                code = p.await(Deadline.never());
            }
            return code;
        } finally {
            p.close();
        }
    }

    /** baseArgv is java, options..., main class: the new options go right after java. */
    private static List<String> withOptions(List<String> baseArgv, String[] options, String... args) {
        List<String> argv = new ArrayList<>(baseArgv);
        argv.addAll(1, List.of(options));
        argv.addAll(List.of(args));
        return argv;
    }
}
