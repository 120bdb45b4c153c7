package dev.jmp.spawn;

import dev.jmp.posix.Posix;
import dev.jmp.resource.Tracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starting a child JVM: the one place that calls posix_spawn.
 *
 * <p><b>Why posix_spawn, not fork.</b> Forking a JVM copies a multi-threaded process of
 * which only the forking thread survives: GC threads, JIT threads and every lock they
 * held are gone, so the child may run nothing but exec. posix_spawn is that
 * fork+exec done right: glibc clones with CLONE_VM|CLONE_VFORK, touches no Java state
 * and execs at once, so it costs the same for a 100 MB heap as for a 10 GB one. It is
 * also why we do not use ProcessBuilder: it offers no way to hand over a chosen fd,
 * reset the signal mask, or close the fds the JVM leaks.
 *
 * <p><b>Why the fd dance.</b> The child must see exactly: 0-2 (the parent's standard
 * streams), 3 (the pipe its Process arrives on), 4 (the write end of the sentinel
 * pipe, held until the child dies) and from 5 the fds its target inherits (see
 * {@link FdHandover}), then the resource tracker's pipe. Nothing else: the JDK opens jars without O_CLOEXEC, so a child
 * would otherwise inherit 20+ stray fds, and a stray write end of some pipe would keep
 * a reader elsewhere from ever seeing end of file. {@link Posix#spawn} arranges exactly
 * that in one call: {@code adddup2(src, target)} for each fd in order (dup2 also clears
 * close-on-exec on the target), then {@code addclosefrom_np(first free target)}, with
 * sources that are themselves lower targets copied out of the way first.
 *
 * <p><b>Why reset signals.</b> The JVM's main thread blocks SIGQUIT and others; a
 * spawned child inherits the mask, and so would every process it starts.
 * {@link Posix#spawn} resets the mask to empty and every disposition to default.
 */
final class ChildSpawn {
    private ChildSpawn() {
    }

    private static final List<String> ENVIRONMENT = environment();

    private static List<String> environment() {
        List<String> env = new ArrayList<>();
        for (Map.Entry<String, String> e : System.getenv().entrySet()) {
            env.add(e.getKey() + "=" + e.getValue());
        }
        return List.copyOf(env);
    }

    /**
     * Spawns {@code argv} with {@code sources.get(i)} of this process at fd
     * {@code PAYLOAD_FD + i} of the child and nothing else open but 0-2.
     */
    static int spawn(List<String> argv, List<Integer> sources) {
        // Every process of the program holds the resource tracker's pipe: the last
        // fd, its number named on the command line (see Tracker).
        int tracker = Tracker.inheritableFd();
        if (tracker >= 0) {
            argv = Tracker.childArgv(argv, FdHandover.PAYLOAD_FD + sources.size());
            sources = new ArrayList<>(sources);
            sources.add(tracker);
        }
        int[] fds = new int[sources.size()];
        for (int i = 0; i < fds.length; i++) {
            fds[i] = sources.get(i);
        }
        return Posix.libc().spawn(argv.get(0), argv, ENVIRONMENT, fds, FdHandover.PAYLOAD_FD);
    }
}
