package dev.jmp.cli;

import dev.jmp.posix.Linux;
import dev.jmp.posix.MqAttr;
import dev.jmp.posix.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * This user's jmp kernel objects, found two ways. Semaphores ({@code sem.jmp.*}),
 * shared-memory blocks and spill directories ({@code jmp.*}) are files in /dev/shm.
 * Message queues cannot be listed where /dev/mqueue is not mounted: they are found
 * in the resource trackers' registries ({@code /dev/shm/jmp-tracker.<tracker pid>},
 * see native/tracker/jmp_tracker.c), and by trying each /dev/shm name as a queue too
 * (a queue's spill directory has the queue's name).
 *
 * <p>Whether a program is alive: a registered name's program is alive while its
 * tracker is (the tracker outlives every process of the program). A name no tracker
 * holds (the program ran with {@code -Djmp.tracker=false}, or its tracker was killed)
 * is alive while the pid in the name is: a child that made a name and ended while its
 * parent goes on makes that name look dead, so run {@code clean} with the tracker on.
 */
final class KernelObjects {
    private KernelObjects() {
    }

    /** One kernel object: kind, name ({@code /jmp.<pid>.<random>}), creating pid, detail. */
    record Entry(String kind, String name, long pid, boolean alive, String detail) {
    }

    static final Path SHM = Path.of("/dev/shm");
    private static final Pattern NAME = Pattern.compile("/jmp\\.([0-9]+)\\.[a-z0-9.]+");
    private static final Pattern REGISTRY = Pattern.compile("jmp-tracker\\.([0-9]+)");

    /** Every object of this user's, sorted by pid and name. */
    static List<Entry> list() throws IOException {
        Map<String, Boolean> names = new LinkedHashMap<>();    // name -> its tracker is alive
        for (Path registry : registries()) {
            boolean alive = trackerAlive(registry);
            for (String n : replay(registry)) {
                names.merge(n, alive, Boolean::logicalOr);
            }
        }
        for (String file : shmFiles()) {
            String n = "/" + (file.startsWith("sem.") ? file.substring(4) : file);
            if (NAME.matcher(n).matches()) {
                names.putIfAbsent(n, null);
            }
        }
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<String, Boolean> e : names.entrySet()) {
            String n = e.getKey();
            Matcher m = NAME.matcher(n);
            if (!m.matches()) {
                continue;
            }
            long pid = Long.parseLong(m.group(1));
            boolean alive = e.getValue() != null ? e.getValue() : Files.exists(Path.of("/proc", Long.toString(pid)));
            out.addAll(probe(n, pid, alive));
        }
        out.sort(Comparator.comparingLong(Entry::pid).thenComparing(Entry::name).thenComparing(Entry::kind));
        return out;
    }

    /** Removes one object; false if it was gone already. */
    static boolean remove(Entry e) {
        Posix posix = Posix.libc();
        try {
            switch (e.kind()) {
                case "semaphore" -> posix.sem_unlink(e.name());
                case "shared memory" -> posix.shm_unlink(e.name());
                case "message queue" -> posix.mq_unlink(e.name());
                default -> {
                    Path dir = SHM.resolve(e.name().substring(1));
                    try (Stream<Path> files = Files.list(dir)) {
                        for (Path f : (Iterable<Path>) files::iterator) {
                            Files.deleteIfExists(f);
                        }
                    }
                    Files.delete(dir);
                }
            }
            return true;
        } catch (RuntimeException | IOException x) {
            return false;
        }
    }

    /** Deletes the registries of dead trackers none of whose names exist any more. */
    static void dropDeadRegistries() throws IOException {
        Set<String> left = new LinkedHashSet<>();
        for (Entry e : list()) {
            left.add(e.name());
        }
        for (Path registry : registries()) {
            if (!trackerAlive(registry) && replay(registry).stream().noneMatch(left::contains)) {
                Files.deleteIfExists(registry);
            }
        }
    }

    private static List<Entry> probe(String name, long pid, boolean alive) {
        List<Entry> out = new ArrayList<>();
        String file = name.substring(1);
        Path sem = SHM.resolve("sem." + file);
        if (Files.isRegularFile(sem, LinkOption.NOFOLLOW_LINKS) && ours(sem)) {
            out.add(new Entry("semaphore", name, pid, alive, ""));
        }
        Path plain = SHM.resolve(file);
        if (Files.isRegularFile(plain, LinkOption.NOFOLLOW_LINKS) && ours(plain)) {
            out.add(new Entry("shared memory", name, pid, alive, size(plain) + " bytes"));
        } else if (Files.isDirectory(plain, LinkOption.NOFOLLOW_LINKS) && ours(plain)) {
            out.add(new Entry("spill dir", name, pid, alive, count(plain) + " files"));
        }
        Posix posix = Posix.libc();
        try {
            int mq = posix.mq_open(name, Linux.O_RDONLY | Linux.O_NONBLOCK);
            try {
                MqAttr a = posix.mq_getattr(mq);
                out.add(new Entry("message queue", name, pid, alive,
                        a.curmsgs() + "/" + a.maxmsg() + " messages of " + a.msgsize() + " bytes"));
            } finally {
                posix.mq_close(mq);
            }
        } catch (RuntimeException absent) {
            // not a queue (ENOENT), or not ours to open (EACCES): not listed
        }
        return out;
    }

    private static List<Path> registries() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(SHM)) {
            s.filter(p -> REGISTRY.matcher(p.getFileName().toString()).matches() && ours(p)).forEach(out::add);
        }
        return out;
    }

    private static List<String> shmFiles() throws IOException {
        try (Stream<Path> s = Files.list(SHM)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("jmp.") || n.startsWith("sem.jmp.")).toList();
        }
    }

    /** The names a registry still holds: each "R name" not followed by "U name". */
    static Set<String> replay(Path registry) {
        Set<String> live = new LinkedHashSet<>();
        try {
            for (String line : Files.readAllLines(registry)) {
                if (line.startsWith("R ")) {
                    live.add(line.substring(2));
                } else if (line.startsWith("U ")) {
                    live.remove(line.substring(2));
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the tracker finished and deleted it meanwhile
        }
        return live;
    }

    /** Whether the registry's tracker runs: its pid is alive and is a jmp-tracker (pids are reused). */
    private static boolean trackerAlive(Path registry) {
        Matcher m = REGISTRY.matcher(registry.getFileName().toString());
        if (!m.matches()) {
            return false;
        }
        try {
            return Files.readAllLines(Path.of("/proc", m.group(1), "comm")).get(0).trim().equals("jmp-tracker");
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    private static boolean ours(Path p) {
        try {
            return ((Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)) == uid();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static int uid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private static long count(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        } catch (IOException e) {
            return 0;
        }
    }
}
