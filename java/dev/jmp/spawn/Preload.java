package dev.jmp.spawn;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Loads, without initializing, every class of jmp's own jar (or classes directory),
 * in a child that prepares: a warm child, and the training child whose classes become
 * the class-data-sharing archive.
 *
 * <p>Why: preparing calls the native functions in ways that fail harmlessly, so the
 * classes only their success paths use (MqAttr, FdWait, ...) were loaded for the
 * first time by a real Process, from the jar: the jar opened, each class defined and
 * verified (a warm pool worker's first mq_getattr spent its time loading MqAttr, on
 * the way to its first result). Loaded here,
 * they are in the archive (spawned children map them from it when they need them) and
 * loaded in every warm child. Nothing is initialized, so no static initializer runs
 * early.
 */
final class Preload {
    private Preload() {
    }

    /** Returns how many classes were loaded (for tests and diagnostics). */
    static int jmpClasses() {
        ClassLoader loader = Preload.class.getClassLoader();
        int loaded = 0;
        for (String name : classNames()) {
            try {
                Class.forName(name, false, loader);
                loaded++;
            } catch (ClassNotFoundException | LinkageError optionalOrBroken) {
                // A class whose dependency is absent: whoever uses it will say so.
            }
        }
        return loaded;
    }

    private static List<String> classNames() {
        List<String> names = new ArrayList<>();
        Path where;
        try {
            where = Path.of(Preload.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException unknownSource) {
            return names;
        }
        try {
            if (Files.isDirectory(where)) {
                try (Stream<Path> files = Files.walk(where.resolve("dev/jmp"))) {
                    files.forEach(f -> add(where.relativize(f).toString().replace('\\', '/'), names));
                }
            } else {
                try (JarFile jar = new JarFile(where.toFile())) {
                    for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                        add(e.nextElement().getName(), names);
                    }
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // Preloading is only a saving.
        }
        return names;
    }

    private static void add(String entry, List<String> names) {
        if (!entry.startsWith("dev/jmp/") || !entry.endsWith(".class") || entry.endsWith("module-info.class")
                || entry.endsWith("package-info.class")) {
            return;
        }
        names.add(entry.substring(0, entry.length() - ".class".length()).replace('/', '.'));
    }
}
