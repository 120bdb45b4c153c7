package dev.jmp.bench;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A named pipe the child's first line writes one byte to; the parent's clock stops when
 * it reads that byte. Both timestamps are taken in the parent on one monotonic clock,
 * so nothing compares clocks across processes; the only extra is one pipe wake-up.
 *
 * <p>Why a FIFO, not an inherited fd: a Process that inherits an fd cannot run in an
 * already-booted warm child (it is spawned cold), so an fd would measure spawn under
 * both start methods. The child opens the FIFO by name with plain Java, binding nothing.
 * The parent holds it open read-write, so neither side's open() ever blocks.
 */
final class FirstLineFifo implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String path;
    private transient Path dir;
    private transient RandomAccessFile reader;

    FirstLineFifo() {
        try {
            dir = Files.createTempDirectory("jmp-bench-fifo");
            Path fifo = dir.resolve("first-line");
            java.lang.Process mk = new ProcessBuilder("mkfifo", "-m", "600", fifo.toString()).inheritIO().start();
            if (mk.waitFor() != 0) {
                throw new IOException("mkfifo failed");
            }
            path = fifo.toString();
            reader = new RandomAccessFile(path, "rw");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String path() {
        return path;
    }

    /** In the child: one byte to the parent. */
    void signal() {
        signal(path);
    }

    /** In the child: one byte to the parent through the FIFO at {@code path}. */
    static void signal(String path) {
        try (FileOutputStream out = new FileOutputStream(path)) {
            out.write('x');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** In the parent: blocks until the child's byte arrives. */
    void awaitSignal() {
        try {
            if (reader.read() < 0) {
                throw new IllegalStateException("first-line FIFO closed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void close() throws IOException {
        reader.close();
        Files.deleteIfExists(Path.of(path));
        Files.deleteIfExists(dir);
    }
}
