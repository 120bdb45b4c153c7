package dev.jmp.resource;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * A file the build puts among jmp's classes under {@code dev/jmp/native/<platform>/}
 * (the resource tracker's program), as a path that can be executed.
 *
 * <p>Running from a classes directory, the file is used where it lies. Inside a jar it
 * must first become a file: it is extracted once per content (its CRC-32 and size name
 * the copy) into {@code $XDG_CACHE_HOME/jmp/native} (else {@code ~/.cache/jmp/native},
 * else a directory of the user's own under {@code java.io.tmpdir}), written under a
 * temporary name and renamed into place, so that no process ever runs half a file;
 * later JVMs find it there and write nothing. This is the scheme of the JNI library's
 * loader, for a program instead of a library.
 */
final class NativeFile {
    private NativeFile() {
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

    /** The executable {@code name} of this platform's build; IOException saying why not. */
    static Path executable(String name) throws IOException {
        String resource = "/dev/jmp/native/" + platform() + "/" + name;
        URL url = NativeFile.class.getResource(resource);
        if (url == null) {
            throw new IOException("no " + resource.substring(1) + " in jmp's jar or classes (built without 'make'?)");
        }
        if (url.getProtocol().equals("file")) {
            try {
                Path p = Path.of(url.toURI());
                if (Files.isExecutable(p)) {
                    return p;
                }
                // A copy of the classes that lost the mode bits: extract it as from a jar.
            } catch (URISyntaxException | RuntimeException e) {
                throw new IOException("cannot use " + url, e);
            }
        }
        byte[] bytes;
        try (InputStream in = url.openStream()) {
            bytes = in.readAllBytes();
        }
        CRC32 crc = new CRC32();
        crc.update(bytes);
        String file = String.format("%s-%08x-%d", name, crc.getValue(), bytes.length);
        IOException first = null;
        for (Path dir : cacheDirs()) {
            try {
                return extract(dir, file, bytes);
            } catch (IOException | RuntimeException e) {
                if (first == null) {
                    first = e instanceof IOException io ? io : new IOException(e);
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

    private static Path extract(Path dir, String file, byte[] bytes) throws IOException {
        Path target = dir.resolve(file);
        if (Files.isRegularFile(target) && Files.size(target) == bytes.length && Files.isExecutable(target)
                && Files.getOwner(target).getName().equals(System.getProperty("user.name"))) {
            return target;
        }
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path tmp = Files.createTempFile(dir, "tmp-" + file, "");
        try {
            Files.write(tmp, bytes);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }
}
