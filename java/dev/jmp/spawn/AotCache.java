package dev.jmp.spawn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An AOT cache (JDK 24 on, JEP 483; JDK 25 adds the training run's method profiles,
 * JEP 515): the classes a child needs, loaded and linked ahead of time, with their
 * lambdas resolved and some of their heap objects made, mapped at start with
 * {@code -XX:AOTCache}.
 *
 * <p>Made in the two steps JDK 24 and 25 both have: a training child with
 * {@code -XX:AOTMode=record} writes what it loaded and linked to a configuration
 * file; a second JVM with {@code -XX:AOTMode=create} turns that into the cache (the
 * application does not run). A third, a child again, starts from the cache with
 * {@code -XX:AOTMode=on}, which refuses to start when the cache is unusable instead
 * of ignoring it, as {@code -Xshare:on} checks a {@link DynamicArchive}. (JDK 25's
 * one-step {@code -XX:AOTCacheOutput} does the first two in one command, by starting
 * the second JVM itself.)
 *
 * <p>Why the training child is a spawned child with an empty target, not one that
 * prepares as a warm child does (as a {@link DynamicArchive}'s): the classes of an AOT
 * cache are loaded, all of them, as the JVM starts. A cache of everything a warm
 * child prepares (jnr's bindings, the pool's code) saved a spawned child little CPU,
 * in one sitting none; one of what a spawned child loads saves it more (the README's
 * start-up section has the numbers).
 *
 * <p>The traps: a cache made with other module options ({@code --enable-native-access},
 * {@code --add-opens}, ...) than a child's cannot be used by it; the cache key holds
 * those options, and the training child runs with the child's own. The JVM names an
 * unusable cache with {@code [error][aot]} lines on stdout, even in the default
 * {@code -XX:AOTMode=auto} that goes on without it: children run with the
 * {@code aot} and {@code cds} logs off. The record and create steps print their
 * progress whatever the logging: they run with the JVM's own output off. The JVM checks a cache's length itself and skips a truncated
 * one, but then quietly, for good: the length is the fingerprint, so a truncated
 * cache is made again. Its SHA-256 is not: hashing the cache (some tens of MB) would
 * cost the first child of every program more than the cache saves it.
 */
final class AotCache implements StartupArchive {
    private final String quiet;

    /** The JVM's own output (the record and create steps print their progress whatever the logging) off. */
    private static final String[] SILENT = {"-XX:+UnlockDiagnosticVMOptions", "-XX:-DisplayVMOutput"};

    /** {@code feature}: the child JDK's; JDK 24 logs the AOT cache under the cds tag only. */
    AotCache(int feature) {
        quiet = feature >= 25 ? "-Xlog:aot*=off,cds*=off" : "-Xlog:cds*=off";
    }

    @Override
    public String suffix() {
        return "aot";
    }

    @Override
    public List<String> use(Path archive) {
        return List.of("-XX:AOTCache=" + archive, quiet);
    }

    @Override
    public boolean make(Path tmp, Training training) throws IOException {
        Path config = tmp.resolveSibling(tmp.getFileName() + "config");
        try {
            if (training.spawn(quiet, SILENT[0], SILENT[1], "-XX:AOTMode=record", "-XX:AOTConfiguration=" + config) != 0
                    || !Files.isRegularFile(config)) {
                ProcessLog.debug("AOT cache not made (training child failed)");
                return false;
            }
            if (training.prepare(quiet, SILENT[0], SILENT[1], "-XX:AOTMode=create", "-XX:AOTConfiguration=" + config,
                    "-XX:AOTCache=" + tmp) != 0 || !Files.isRegularFile(tmp)) {
                ProcessLog.debug("AOT cache not made (assembly failed)");
                return false;
            }
        } finally {
            Files.deleteIfExists(config);
        }
        if (training.spawn(quiet, "-XX:AOTMode=on", "-XX:AOTCache=" + tmp) != 0) {
            ProcessLog.debug("AOT cache made but unusable; not kept");
            return false;
        }
        return true;
    }

    @Override
    public String fingerprint(Path archive) throws IOException {
        return "length " + Files.size(archive);
    }
}
