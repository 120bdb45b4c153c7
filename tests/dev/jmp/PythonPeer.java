package dev.jmp;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A CPython interpreter to talk to, found as benchmarks/run.sh finds it: the first
 * {@code python3} on PATH, resolved to its real binary ({@code sys.executable}), because
 * a wrapper such as pyenv's shim adds a launch of its own. A test that finds none is
 * skipped, saying so.
 */
final class PythonPeer implements AutoCloseable {
    private static final Optional<String> PYTHON = find();

    private final java.lang.Process process;
    private final BufferedReader out;

    private PythonPeer(java.lang.Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    private static Optional<String> find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        Optional<Path> onPath = Stream.of(path.split(File.pathSeparator))
                .map(dir -> Path.of(dir, "python3")).filter(Files::isExecutable).findFirst();
        if (onPath.isEmpty()) {
            return Optional.empty();
        }
        try {
            java.lang.Process p = new ProcessBuilder(onPath.get().toString(), "-c", "import sys; print(sys.executable)")
                    .redirectErrorStream(true).start();
            String real = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 && !real.isEmpty()
                    ? Optional.of(real) : Optional.of(onPath.get().toString());
        } catch (IOException | InterruptedException e) {
            return Optional.of(onPath.get().toString());
        }
    }

    /** Skips the calling test when there is no python3. */
    static void assumePresent() {
        Assumptions.assumeTrue(PYTHON.isPresent(),
                "python3 is not on PATH: this interop test needs CPython's multiprocessing.connection");
    }

    /** Runs {@code script} with {@code args}; stderr goes to stdout. */
    static PythonPeer run(String script, String... args) throws IOException {
        assumePresent();
        List<String> argv = new ArrayList<>(List.of(PYTHON.get(), "-c", script));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return new PythonPeer(pb.start());
    }

    /** The next line the script prints (null at its end). */
    String readLine() throws IOException {
        return out.readLine();
    }

    /** Waits for the script's end: its exit code, and what it printed from here on. */
    Result finish() throws IOException, InterruptedException {
        StringBuilder rest = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            rest.append(line).append('\n');
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("python did not finish: " + rest);
        }
        return new Result(process.exitValue(), rest.toString());
    }

    record Result(int exitcode, String output) {
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
    }
}
