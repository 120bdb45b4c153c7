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
 * A class-data-sharing archive for child JVMs: the JDK's, jmp's and the classpath's
 * classes that a child loads, parsed and verified once, mapped by every child.
 *
 * <p>Why: a child spends most of its start loading classes the JDK's default archive
 * does not hold (serialization, jmp, the application). A dynamic archive made by one
 * training child ({@code -XX:ArchiveClassesAtExit}, JDK 13+) saves every later child
 * ~10 ms of its ~60 (measured on JDK 17, 2 vCPUs).
 *
 * <p>How: the archive is keyed by the JDK (java.home, VM version) and the classpath
 * (each entry's path, size and mtime), cached in {@code jmp.cds.dir} (default
 * {@code $XDG_CACHE_HOME/jmp/cds}, else {@code ~/.cache/jmp/cds}), and made in the
 * background the first time a key is missing: until it exists, children start
 * without it. A change of JDK or of any jar makes a new key, so a stale archive is
 * never used.
 *
 * <p>The traps: JDK 17 crashes (SIGBUS) on a truncated archive, so an archive is
 * written under a temporary name, checked by a JVM started with {@code -Xshare:on}
 * (which refuses an unusable archive instead of ignoring it) and only then renamed
 * into place, atomically. A JDK refuses to dump a classpath holding a non-empty
 * directory (classes not in a jar): then there is no archive, and nothing else
 * changes. A checksum beside the archive is checked before a parent first uses it,
 * so an archive damaged later is made again rather than mapped. Children run with {@code -Xlog:cds=off}: an archive the JVM cannot use
 * (say, a JDK updated in place) is skipped without a warning on the child's stdout.
 */
public final class ClassDataSharing {
    private ClassDataSharing() {
    }

    static final String TRAIN = "train";
    static final String ARCHIVE = "archive";
    private static final String QUIET = "-Xlog:cds=off,cds+dynamic=off";

    private static final boolean ENABLED = !"false".equals(System.getProperty("jmp.cds", "true"));
    private static final AtomicBoolean MAKING = new AtomicBoolean();
    private static volatile Thread archiver;
    private static volatile Path archive;      // the usable archive once known
    private static volatile boolean unusable;  // this classpath cannot have one

    /** JVM options that put a child on the archive; empty while there is none. */
    static List<String> options(String java, List<String> baseArgv, String classpath) {
        if (!ENABLED || unusable) {
            return List.of();
        }
        Path ready = archive;
        if (ready == null) {
            Path target = location(java, classpath);
            if (target == null) {
                unusable = true;
                return List.of();
            }
            if (Files.isRegularFile(target) && intact(target)) {
                archive = ready = target;
                touch(target);
            } else {
                makeInBackground(target, List.copyOf(baseArgv));
                return List.of();
            }
        }
        return List.of("-XX:SharedArchiveFile=" + ready, QUIET);
    }

    /** Where the archive for this JDK and classpath lives; null if it cannot have one. */
    private static Path location(String java, String classpath) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            return null;
        }
        sha.update((java + '\n' + System.getProperty("java.home") + '\n' + System.getProperty("java.vm.version")
                + '\n').getBytes(StandardCharsets.UTF_8));
        for (String entry : classpath.split(File.pathSeparator)) {
            File f = new File(entry);
            if (f.isDirectory()) {
                String[] children = f.list();
                if (children != null && children.length > 0) {
                    ProcessLog.debug("no class-data-sharing archive: {0} is a directory", entry);
                    return null;
                }
            }
            sha.update((entry + '\0' + f.length() + '\0' + f.lastModified() + '\n').getBytes(StandardCharsets.UTF_8));
        }
        String key = HexFormat.of().formatHex(sha.digest(), 0, 16);
        return cacheDir().resolve("jmp-" + Runtime.version().feature() + "-" + key + ".jsa");
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
     * {@value #ARCHIVE}) and waits for it. Why a child: making an archive takes 1-2 s
     * (a training JVM, then a checking one). Made by a thread of this program, it was
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
                    && Files.isRegularFile(target) && intact(target)) {
                archive = target;
            }
        } catch (IOException | RuntimeException e) {
            ProcessLog.debug("class-data-sharing archiver not started: {0}", e);
        } finally {
            if (p != null) {
                p.close();
            }
        }
    }

    /** The archiver child's main: {@code payload} is the target path, then the base command line. */
    static void archiverMain(byte[] payload) throws IOException, ClassNotFoundException {
        String[] job;
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(payload))) {
            job = (String[]) in.readObject();
        }
        make(Path.of(job[0]), List.of(job).subList(1, job.length));
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
     * The archive is the file its checksum file describes: a truncated or altered
     * archive would crash the JVM that maps it, so it is removed (and made again).
     */
    private static boolean intact(Path target) {
        try {
            Path sum = checksumFile(target);
            if (Files.isRegularFile(sum) && Files.readString(sum).trim().equals(sha256(target))) {
                return true;
            }
            Files.deleteIfExists(target);
            Files.deleteIfExists(sum);
        } catch (IOException | RuntimeException e) {
            ProcessLog.debug("class-data-sharing archive {0} not usable: {1}", target, e);
        }
        return false;
    }

    private static Path checksumFile(Path archive) {
        return archive.resolveSibling(archive.getFileName() + ".sha256");
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Temporary archives older than this were left by a parent that exited while training. */
    private static final Duration STALE = Duration.ofMinutes(10);

    /**
     * Trains a child into a temporary archive, checks it, renames it into place.
     *
     * <p>One process at a time per cache directory ({@code making.lock}, an fcntl lock the
     * kernel releases when its holder dies): many short-lived programs starting at once
     * would otherwise each train a child for the same key, ~1 s of CPU and 4-5 MB of disk
     * apiece. A program that finds the lock taken starts its children without an archive
     * until the file appears. A parent that exits while its training child runs leaves a
     * {@code tmp-*.jsa} behind; the next one to make an archive removes such files, and
     * keeps only the {@link #KEEP} most recently used archives.
     */
    private static void make(Path target, List<String> baseArgv) {
        Path dir = target.getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            ProcessLog.debug("class-data-sharing archive not made: {0}", e);
            return;
        }
        try (FileChannel lockFile = FileChannel.open(dir.resolve("making.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockFile.tryLock()) {
            if (lock == null) {
                ProcessLog.debug("class-data-sharing archive being made by another process");
                return;
            }
            if (Files.isRegularFile(target) && intact(target)) {
                archive = target;    // made by the process that held the lock before us
                return;
            }
            removeStale(dir);
            makeLocked(target, baseArgv);
        } catch (IOException | RuntimeException e) {
            ProcessLog.debug("class-data-sharing archive not made: {0}", e);
        }
    }

    /** How many archives a cache directory keeps, the most recently used ones. */
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
     * 4-5 MB: only the {@link #KEEP} most recently used stay.
     */
    private static void prune(Path dir) throws IOException {
        List<Path> archives = new ArrayList<>();
        try (DirectoryStream<Path> all = Files.newDirectoryStream(dir, "jmp-*.jsa")) {
            all.forEach(archives::add);
        }
        if (archives.size() <= KEEP) {
            return;
        }
        archives.sort(java.util.Comparator.comparingLong(ClassDataSharing::modified).reversed());
        for (Path old : archives.subList(KEEP, archives.size())) {
            Files.deleteIfExists(checksumFile(old));
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
        try (DirectoryStream<Path> tmps = Files.newDirectoryStream(dir, "tmp-*.jsa")) {
            for (Path tmp : tmps) {
                if (now - Files.getLastModifiedTime(tmp).toMillis() > STALE.toMillis()) {
                    Files.deleteIfExists(tmp);
                }
            }
        }
    }

    private static void makeLocked(Path target, List<String> baseArgv) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile(target.getParent(), "tmp-", ".jsa");
            Files.delete(tmp);   // the JVM creates it; it must not exist
            // Quiet: the dump warns about every class it skips (jnr's Java 5 classes), on
            // the stdout this JVM shares with its children.
            if (run(withOptions(baseArgv, QUIET, "-XX:ArchiveClassesAtExit=" + tmp), TRAIN) != 0
                    || !Files.isRegularFile(tmp)) {
                ProcessLog.debug("class-data-sharing archive not made (training child failed)");
                return;
            }
            if (run(withOptions(baseArgv, QUIET, "-Xshare:on", "-XX:SharedArchiveFile=" + tmp), TRAIN) != 0) {
                ProcessLog.debug("class-data-sharing archive made but unusable; not kept");
                return;
            }
            Files.writeString(checksumFile(target), sha256(tmp));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            archive = target;
            ProcessLog.debug("class-data-sharing archive ready: {0}", target);
            prune(target.getParent());
        } catch (IOException | RuntimeException e) {
            ProcessLog.debug("class-data-sharing archive not made: {0}", e);
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

    /** baseArgv is java, options..., main class: the new options go right after java. */
    private static List<String> withOptions(List<String> baseArgv, String... options) {
        List<String> argv = new ArrayList<>(baseArgv);
        argv.addAll(1, List.of(options));
        return argv;
    }

    private static int run(List<String> argv, String mode) {
        List<String> full = new ArrayList<>(argv);
        full.add(mode);
        Popen p = Popen.boot(full, List.of());
        p.closePayload();
        Integer code = p.await(Deadline.after(Duration.ofMinutes(2)));
        if (code == null) {
            p.kill();
            code = p.await(Deadline.never());
        }
        p.close();
        return code;
    }
}
