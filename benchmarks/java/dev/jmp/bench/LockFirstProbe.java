package dev.jmp.bench;

import dev.jmp.Lock;
import dev.jmp.Multiprocessing;
import dev.jmp.Process;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The ratio of issue 14's row "first line of a target that first acquires a Lock" to
 * the plain first-line row, measured so that a loaded machine moves both alike: spawned
 * children of the two kinds alternate in one process (benchmarks/README.md, "A child's
 * first Lock, again"). Each child writes, to a FIFO, the moment its target started and
 * the moment its Lock was released ({@link System#nanoTime()}, CLOCK_MONOTONIC, one
 * clock for every process), so the probe also prints what reaching the target and the
 * first acquire+release cost. Not a JMH benchmark:
 *
 * <pre>
 * java -cp target/bench/jmp-*-bench.jar:target/jmp-*.jar:$(cat target/classpath.txt) \
 *     dev.jmp.bench.LockFirstProbe [children of each kind]
 * </pre>
 */
public final class LockFirstProbe {
    private LockFirstProbe() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Multiprocessing.setStartMethod("spawn");
        Lock lock = new Lock();
        Path dir = Files.createTempDirectory("jmp-lock-first");
        String path = dir.resolve("fifo").toString();
        if (new ProcessBuilder("mkfifo", "-m", "600", path).inheritIO().start().waitFor() != 0) {
            throw new IOException("mkfifo failed");
        }
        List<Double> plain = new ArrayList<>();
        List<Double> locked = new ArrayList<>();
        List<Double> toTarget = new ArrayList<>();
        List<Double> toTargetLocked = new ArrayList<>();
        List<Double> lockCost = new ArrayList<>();
        try (RandomAccessFile in = new RandomAccessFile(path, "rw")) {
            for (int i = -2; i < n; i++) {
                for (int k = 0; k < 2; k++) {
                    boolean withLock = (k == 1) ^ (i % 2 == 0);     // alternate which kind goes first
                    long t0 = System.nanoTime();
                    Process p = new Process(withLock ? lockFirst(path, lock) : plain(path));
                    p.start();
                    long started = in.readLong();
                    long released = in.readLong();
                    double ms = (System.nanoTime() - t0) / 1e6;
                    p.join();
                    p.close();
                    if (i >= 0) {
                        (withLock ? locked : plain).add(ms);
                        (withLock ? toTargetLocked : toTarget).add((started - t0) / 1e6);
                        if (withLock) {
                            lockCost.add((released - started) / 1e6);
                        }
                    }
                }
            }
        } finally {
            Files.deleteIfExists(Path.of(path));
            Files.deleteIfExists(dir);
        }
        System.out.printf(Locale.ROOT, "first line, median ms: plain %.1f, Lock first %.1f, ratio %.3f%n",
                median(plain), median(locked), median(locked) / median(plain));
        System.out.printf(Locale.ROOT, "to the target: plain %.2f, Lock first %.2f; first acquire+release %.2f%n",
                median(toTarget), median(toTargetLocked), median(lockCost));
    }

    private static dev.jmp.Task plain(String path) {
        return () -> {
            long s = System.nanoTime();
            signal(path, s, s);
        };
    }

    private static dev.jmp.Task lockFirst(String path, Lock lock) {
        return () -> {
            long s = System.nanoTime();
            lock.acquire();
            lock.release();
            signal(path, s, System.nanoTime());
        };
    }

    private static void signal(String path, long started, long released) {
        try (DataOutputStream out = new DataOutputStream(new FileOutputStream(path))) {
            out.writeLong(started);
            out.writeLong(released);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
