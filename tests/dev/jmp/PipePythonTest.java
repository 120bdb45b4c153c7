package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A Java Connection and a CPython {@code multiprocessing.connection.Connection} on the
 * two ends of the same pipes exchange {@code sendBytes}/{@code send_bytes} messages
 * both ways: the framing is byte-compatible.
 *
 * <p>Python gets the pipes by opening {@code /proc/<this pid>/fd/<n>}: for a pipe that
 * opens the same pipe (with its own, blocking, file description), which is all a
 * ProcessBuilder can hand over. Python is launched with ProcessBuilder, not
 * dev.jmp.Process, which starts only JVMs.
 */
class PipePythonTest {
    private static final String SCRIPT = String.join("\n",
            "import os, sys",
            "from multiprocessing.connection import Connection",
            "r = Connection(os.open(sys.argv[1], os.O_RDONLY), writable=False)",
            "w = Connection(os.open(sys.argv[2], os.O_WRONLY), readable=False)",
            "w.send_bytes(b'ready')",
            "w.send_bytes(b'xxhello from pythonyy', 2, 17)",
            "w.send(['a', 'pickle'])",
            "while True:",
            "    try:",
            "        m = r.recv_bytes()",
            "    except EOFError:",
            "        w.send_bytes(b'eof')",
            "        break",
            "    w.send_bytes(m[::-1])",
            "w.close()",
            "");

    private static Optional<Path> python3() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator))
                .map(dir -> Path.of(dir, "python3"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static byte[] reversed(byte[] b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[b.length - 1 - i];
        }
        return r;
    }

    @Test
    void javaAndPythonExchangeBytesBothWays() throws Exception {
        Optional<Path> python = python3();
        Assumptions.assumeTrue(python.isPresent(),
                "python3 is not on PATH: the interop test needs CPython's multiprocessing.connection");
        long pid = ProcessHandle.current().pid();
        try (Pipe toPy = Pipe.open(false); Pipe fromPy = Pipe.open(false)) {
            Connection out = toPy.conn2();
            Connection in = fromPy.conn1();
            ProcessBuilder pb = new ProcessBuilder(python.get().toString(), "-c", SCRIPT,
                    "/proc/" + pid + "/fd/" + toPy.conn1().fileno(),
                    "/proc/" + pid + "/fd/" + fromPy.conn2().fileno());
            pb.redirectErrorStream(true);
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            java.lang.Process py = pb.start();
            try {
                // Python opened its ends when it says ready; ours must close so EOF can happen.
                assertTrue(in.poll(java.time.Duration.ofSeconds(60)), "python never answered");
                assertArrayEquals("ready".getBytes(StandardCharsets.US_ASCII), in.recvBytes());
                toPy.conn1().close();
                fromPy.conn2().close();

                assertEquals("hello from python", new String(in.recvBytes(), StandardCharsets.US_ASCII));
                ProcessError pickle = assertThrows(ProcessError.class, in::recv);
                assertTrue(pickle.getMessage().contains("Python pickle"), pickle.getMessage());

                Random random = new Random(42);
                for (int size : new int[] {0, 1, 5, 4096, 16385, 100_000, 1 << 20}) {
                    byte[] msg = new byte[size];
                    random.nextBytes(msg);
                    out.sendBytes(msg);
                    assertArrayEquals(reversed(msg), in.recvBytes(), size + " bytes");
                }
                byte[] framed = "..inner..".getBytes(StandardCharsets.US_ASCII);
                out.sendBytes(framed, 2, 5);
                assertEquals("renni", new String(in.recvBytes(), StandardCharsets.US_ASCII));

                out.close();
                assertEquals("eof", new String(in.recvBytes(), StandardCharsets.US_ASCII),
                        "Python's recv_bytes raised EOFError when Java closed");
                assertThrows(EOFError.class, in::recvBytes);
                assertTrue(py.waitFor(60, TimeUnit.SECONDS));
                assertEquals(0, py.exitValue(), () -> output(py));
            } finally {
                py.destroyForcibly();
                py.waitFor(60, TimeUnit.SECONDS);
            }
        }
    }

    private static String output(java.lang.Process py) {
        try {
            return new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
