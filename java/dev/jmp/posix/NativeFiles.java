package dev.jmp.posix;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * Finds and loads libjmp.so, once per process.
 *
 * <p>Where it is: the build puts it among jmp's classes under
 * {@code dev/jmp/native/<platform>/libjmp.so} (platform {@code linux-x86_64} or
 * {@code linux-aarch64}), so it travels inside the jar, as netty's native transports
 * and jffi do. Running from a classes directory, it is loaded where it lies. Inside
 * a jar, it must first become a file: it is extracted once per content (its CRC-32 and
 * size name the file) into {@code $XDG_CACHE_HOME/jmp/native} (else
 * {@code ~/.cache/jmp/native}), written to a temporary name and renamed into place so
 * that no process ever loads half a file; later JVMs find it there and write nothing.
 * Copies of other builds are removed when a new one is extracted (a process that has
 * one loaded keeps its mapping).
 *
 * <p>Children: the path that was loaded is published as {@code jmp.posix.library},
 * which every child receives with the other {@code jmp.*} properties; a child loads
 * that file directly, without opening the jar. If the file has gone, it looks again.
 */
final class NativeLibrary {
    private NativeLibrary() {
    }

    /** The path of the libjmp.so to load; set by jmp for its children. */
    static final String PROPERTY = "jmp.posix.library";

    private static boolean loaded;

    /** Whether libjmp is loaded in this process (and so LibJmp's methods callable). */
    static synchronized boolean loaded() {
        return loaded;
    }

    /** Loads the library, or UnsatisfiedLinkError saying why not. */
    static synchronized void load() {
        if (loaded) {
            return;
        }
        String given = System.getProperty(PROPERTY);
        if (given != null && !given.isEmpty() && Files.isRegularFile(Path.of(given))) {
            System.load(given);
        } else {
            String path = locate().toString();
            System.load(path);
            System.setProperty(PROPERTY, path);
        }
        loaded = true;
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

    private static Path locate() {
        String resource = "/dev/jmp/native/" + platform() + "/libjmp.so";
        URL url = NativeLibrary.class.getResource(resource);
        if (url == null) {
            throw new UnsatisfiedLinkError("no " + resource.substring(1) + " in jmp's jar or classes"
                    + " (not built for this platform, or built without 'make')");
        }
        if (url.getProtocol().equals("file")) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException | RuntimeException e) {
                throw linkError("cannot use " + url, e);
            }
        }
        try {
            return extract(url);
        } catch (IOException | RuntimeException e) {
            throw linkError("cannot extract " + resource.substring(1) + " into " + cacheDir(), e);
        }
    }

    private static UnsatisfiedLinkError linkError(String message, Exception cause) {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError(message + ": " + cause);
        e.initCause(cause);
        return e;
    }

    static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("jmp").resolve("native");
    }

    private static Path extract(URL url) throws IOException {
        byte[] bytes;
        try (InputStream in = url.openStream()) {
            bytes = in.readAllBytes();
        }
        CRC32 crc = new CRC32();
        crc.update(bytes);
        Path dir = cacheDir();
        // Not String.format: its first use loads the locale data, a noticeable cost at start.
        String name = "libjmp-" + Long.toHexString(crc.getValue()) + "-" + bytes.length + ".so";
        Path target = dir.resolve(name);
        if (Files.isRegularFile(target) && Files.size(target) == bytes.length) {
            return target;
        }
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "tmp-libjmp-", ".so");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        removeOthers(dir, name);
        return target;
    }

    /** Other builds' copies, and temporary files that a killed JVM left. */
    private static void removeOthers(Path dir, String keep) {
        try (DirectoryStream<Path> all = Files.newDirectoryStream(dir, "*libjmp-*.so")) {
            for (Path p : all) {
                String n = p.getFileName().toString();
                if (!n.equals(keep) && (n.startsWith("libjmp-") || stale(p))) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Only tidiness.
        }
    }

    /** A temporary file older than a minute: no extraction takes that long. */
    private static boolean stale(Path tmp) throws IOException {
        return Files.getLastModifiedTime(tmp).toMillis() < System.currentTimeMillis() - 60_000;
    }
}
