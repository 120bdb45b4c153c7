package dev.jmp.posix;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * The native files of jmp's build, made usable: libjmp.so, loaded once per process, and
 * the programs jmp runs (the resource tracker, {@code jmp-tracker}).
 *
 * <p>Where they are: the build puts them among jmp's classes under
 * {@code dev/jmp/native/<platform>/} (platform {@code linux-x86_64} or
 * {@code linux-aarch64}), so they travel inside the jar, as netty's native transports
 * and jffi do. Running from a classes directory, a file is used where it lies. Inside a
 * jar it must first become a file: it is extracted once per content into
 * {@code $XDG_CACHE_HOME/jmp/native} (else {@code ~/.cache/jmp/native}, else a directory
 * of the user's own under {@code java.io.tmpdir}), as {@code <CRC-32>-<size>/<name>}:
 * the directory names the content, and the file keeps its own name, which for a
 * program is what {@code ps} and {@code /proc/<pid>/comm} show (so {@code jmp ls}
 * recognizes a running tracker). It is written under a temporary name and renamed into
 * place, so that no process ever loads or runs half a file; later JVMs find it there and
 * write nothing. Copies of other builds are removed when a new one is extracted (a
 * process that has one loaded or running keeps it); the flat
 * {@code libjmp-<crc>-<size>.so} and {@code jmp-tracker-<crc>-<size>} copies of earlier
 * versions are left alone, as a program of such a version may be about to use them. A
 * copy is used only if this user owns it and its directory, and not every user may
 * write there.
 *
 * <p>Children: the path of the libjmp that was loaded is published as
 * {@code jmp.posix.library}, which every child receives with the other {@code jmp.*}
 * properties; a child loads that file directly, without opening the jar. If the file
 * has gone, it looks again.
 */
public final class NativeFiles {
    private NativeFiles() {
    }

    /** The path of the libjmp.so to load; set by jmp for its children. */
    static final String PROPERTY = "jmp.posix.library";

    private static final String LIBJMP = "libjmp.so";

    private static boolean loaded;

    /** Whether libjmp is loaded in this process (and so LibJmp's methods callable). */
    static synchronized boolean loaded() {
        return loaded;
    }

    /** Loads libjmp, or UnsatisfiedLinkError saying why not. */
    static synchronized void load() {
        if (loaded) {
            return;
        }
        String given = System.getProperty(PROPERTY);
        if (given != null && !given.isEmpty() && Files.isRegularFile(Path.of(given))) {
            System.load(given);
        } else {
            Path path;
            try {
                path = file(LIBJMP, false);
            } catch (IOException e) {
                UnsatisfiedLinkError error = new UnsatisfiedLinkError(e.getMessage());
                error.initCause(e);
                throw error;
            }
            System.load(path.toString());
            System.setProperty(PROPERTY, path.toString());
        }
        loaded = true;
    }

    /**
     * The program {@code name} of this platform's build, as a path that can be executed.
     *
     * @param name the program's file name, e.g. {@code "jmp-tracker"}
     * @return where it lies among the classes, or its extracted copy
     * @throws IOException saying why there is none: not built, or nowhere to extract it
     */
    public static Path executable(String name) throws IOException {
        return file(name, true);
    }

    /** {@code linux-x86_64}, {@code linux-aarch64}: the folder of this machine's build. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (arch.equals("amd64")) {
            arch = "x86_64";
        } else if (arch.equals("arm64")) {
            arch = "aarch64";
        }
        return (os.startsWith("linux") ? "linux" : os.replace(' ', '_')) + "-" + arch;
    }

    /** The file {@code name} of this platform's build, usable where it lies or extracted. */
    private static Path file(String name, boolean executable) throws IOException {
        String resource = "/dev/jmp/native/" + platform() + "/" + name;
        URL url = NativeFiles.class.getResource(resource);
        if (url == null) {
            throw new IOException("no " + resource.substring(1) + " in jmp's jar or classes"
                    + " (not built for this platform, or built without 'make')");
        }
        if (url.getProtocol().equals("file")) {
            try {
                Path p = Path.of(url.toURI());
                if (!executable || Files.isExecutable(p)) {
                    return p;
                }
                // A copy of the classes that lost the mode bits: extract it as from a jar.
            } catch (URISyntaxException | RuntimeException e) {
                throw new IOException("cannot use " + url + ": " + e, e);
            }
        }
        byte[] bytes;
        try (InputStream in = url.openStream()) {
            bytes = in.readAllBytes();
        }
        CRC32 crc = new CRC32();
        crc.update(bytes);
        // Not String.format: its first use loads the locale data, a noticeable cost at start.
        String key = Long.toHexString(crc.getValue()) + "-" + bytes.length;
        IOException first = null;
        for (Path dir : cacheDirs()) {
            try {
                return extract(dir, key, name, bytes);
            } catch (IOException | RuntimeException e) {
                IOException failed = new IOException("cannot extract " + resource.substring(1) + " into " + dir + ": " + e, e);
                if (first == null) {
                    first = failed;
                } else {
                    first.addSuppressed(failed);
                }
            }
        }
        throw first;
    }

    private static Path[] cacheDirs() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path home = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"), "jmp-" + System.getProperty("user.name"));
        return new Path[] {home.resolve("jmp").resolve("native"), tmp};
    }

    /** {@code dir/key/name}, written unless a good copy is there already. */
    private static Path extract(Path dir, String key, String name, byte[] bytes) throws IOException {
        Path home = dir.resolve(key);
        Path target = home.resolve(name);
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Files.size(target) == bytes.length
                && Files.isExecutable(target) && mine(home) && mine(target)) {
            return target;
        }
        Files.createDirectories(home, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (!mine(dir) || !mine(home)) {
            throw new IOException(home + " is not this user's alone");
        }
        Path tmp = Files.createTempFile(home, "tmp-" + name, "");
        try {
            Files.write(tmp, bytes);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        removeOthers(dir, key, name);
        return target;
    }

    /** Owned by this process's user, and not writable by every user (a directory in /tmp may be anyone's). */
    private static boolean mine(Path p) throws IOException {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS) == uid
                && !Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).contains(PosixFilePermission.OTHERS_WRITE);
    }

    /**
     * Other builds' copies of {@code name} (with their directory, once empty), and
     * temporary files that a killed JVM left in this build's directory.
     */
    private static void removeOthers(Path dir, String keep, String name) {
        try (DirectoryStream<Path> all = Files.newDirectoryStream(dir, "*-*")) {
            for (Path home : all) {
                String n = home.getFileName().toString();
                if (n.equals(keep)) {
                    removeStale(home);
                } else if (n.matches("[0-9a-f]+-[0-9]+") && Files.isDirectory(home, LinkOption.NOFOLLOW_LINKS)
                        && Files.deleteIfExists(home.resolve(name))) {
                    try (DirectoryStream<Path> left = Files.newDirectoryStream(home)) {
                        if (!left.iterator().hasNext()) {
                            Files.deleteIfExists(home);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // Only tidiness.
        }
    }

    /** Temporary files older than a minute: no extraction takes that long. */
    private static void removeStale(Path home) throws IOException {
        try (DirectoryStream<Path> tmps = Files.newDirectoryStream(home, "tmp-*")) {
            for (Path tmp : tmps) {
                if (Files.getLastModifiedTime(tmp).toMillis() < System.currentTimeMillis() - 60_000) {
                    Files.deleteIfExists(tmp);
                }
            }
        }
    }
}
