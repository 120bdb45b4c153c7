package dev.jmp.spawn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A file a child JVM starts from instead of loading (and, for an AOT cache, linking)
 * the classes every child needs: made once by training JVMs, then named on every
 * child's command line. Which kind a child gets depends on its JDK's feature version
 * ({@link #forJdk}); {@link ClassDataSharing} keys, caches, checks and makes either one
 * the same way.
 *
 * <ul>
 *   <li>{@link AotCache}, JDK 24 on: classes loaded and linked ahead of time, lambdas
 *       resolved, and (JDK 25) the training run's method profiles.</li>
 *   <li>{@link DynamicArchive}, JDK 13 to 23: a dynamic class-data-sharing archive,
 *       classes parsed and verified ahead of time.</li>
 * </ul>
 *
 * <p>Both are options on the java command line that the JVM drops quietly when the
 * file is unusable ({@link #use}): a child never fails to start, and never prints a
 * word, because of an archive.
 */
sealed interface StartupArchive permits AotCache, DynamicArchive {

    /**
     * The kind for a child JDK of this feature version ({@code 0}: not known). A JDK
     * before 13 cannot make a dynamic archive: null, no archive.
     */
    static StartupArchive forJdk(int feature, boolean aotAllowed) {
        if (feature >= 24 && aotAllowed) {
            return new AotCache(feature);
        }
        return feature == 0 || feature >= 13 ? new DynamicArchive() : null;
    }

    /** The file name extension in the cache directory, without the dot. */
    String suffix();

    /** The child's JVM options that start it from {@code archive}, silently without it if unusable. */
    List<String> use(Path archive);

    /**
     * Makes the archive at {@code tmp} (which does not exist yet) with training JVMs,
     * and checks that a child can start from it; false if either failed. Temporary
     * files it needs go beside {@code tmp}, named {@code tmp} plus a suffix.
     */
    boolean make(Path tmp, Training training) throws IOException;

    /**
     * What the check file beside a finished archive holds, and must still match before a
     * parent names the archive: an archive damaged later is made again, not used.
     */
    String fingerprint(Path archive) throws IOException;

    /** The training JVMs, each on the child's command line with extra JVM options; each returns its exit code. */
    interface Training {
        /**
         * A JVM that prepares as an idle warm child does ({@link Bootstrap} with
         * {@value ClassDataSharing#TRAIN}), loading all that any child may load; also a
         * JVM that does not run the application at all (an AOT cache's assembly).
         */
        int prepare(String... options) throws IOException;

        /** A spawned child whose target does nothing, from its start to its exit. */
        int spawn(String... options) throws IOException;
    }
}
