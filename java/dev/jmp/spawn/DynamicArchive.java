package dev.jmp.spawn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A dynamic class-data-sharing archive (JDK 13 on; jmp uses it up to JDK 23): one
 * training child runs with {@code -XX:ArchiveClassesAtExit}, and every later child
 * maps the classes it parsed and verified with {@code -XX:SharedArchiveFile}.
 *
 * <p>The training child prepares as an idle warm child does: a dynamic archive's
 * classes are loaded only when a child asks for them, so one archive serves both a
 * spawned child and a warm child's jnr bindings.
 *
 * <p>The traps: JDK 17 crashes (SIGBUS) on a truncated archive, so the archive is
 * checked by a JVM started with {@code -Xshare:on} (which refuses an unusable archive
 * instead of ignoring it) before it is kept, and its SHA-256 is the fingerprint a
 * parent checks before first use. Children run with {@code -Xlog:cds=off}: an archive
 * the JVM cannot use (say, a JDK updated in place) is skipped without a warning on
 * the child's stdout. The dump warns about every class it skips (jnr's Java 5
 * classes): the training child is as quiet.
 */
final class DynamicArchive implements StartupArchive {
    private static final String QUIET = "-Xlog:cds=off,cds+dynamic=off";

    @Override
    public String suffix() {
        return "jsa";
    }

    @Override
    public List<String> use(Path archive) {
        return List.of("-XX:SharedArchiveFile=" + archive, QUIET);
    }

    @Override
    public boolean make(Path tmp, Training training) throws IOException {
        if (training.prepare(QUIET, "-XX:ArchiveClassesAtExit=" + tmp) != 0 || !Files.isRegularFile(tmp)) {
            ProcessLog.debug("class-data-sharing archive not made (training child failed)");
            return false;
        }
        if (training.prepare(QUIET, "-Xshare:on", "-XX:SharedArchiveFile=" + tmp) != 0) {
            ProcessLog.debug("class-data-sharing archive made but unusable; not kept");
            return false;
        }
        return true;
    }

    @Override
    public String fingerprint(Path archive) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(archive)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
