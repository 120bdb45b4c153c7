package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.posix.Linux;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SharedMemory in one process, and with a CPython peer: the same /dev/shm object,
 * attached by name from either side. SharedCtypesProcessTest covers Java children.
 */
class SharedMemoryTest {
    @TempDir
    Path dir;

    @AfterAll
    static void nothingOfOursLeftInDevShm() throws Exception {
        ShmObjects.awaitNoneOf(ProcessHandle.current().pid());
    }

    private static String uniqueName(String what) {
        return "jmptest." + ProcessHandle.current().pid() + "." + what + "." + System.nanoTime();
    }

    @Test
    void createdAttachedAndUnlinkedByName() throws Exception {
        String name = uniqueName("named");
        Path file = Path.of("/dev/shm", name);
        try (SharedMemory created = new SharedMemory(name, true, 100)) {
            assertEquals(name, created.name());
            assertEquals(100, created.size());
            assertTrue(Files.exists(file));
            assertEquals(100, Files.size(file));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals("SharedMemory('" + name + "', size=100)", created.toString());

            ByteBuffer b = created.buf();
            assertEquals(ByteOrder.nativeOrder(), b.order());
            assertEquals(0, b.position());
            assertEquals(100, b.limit());
            assertEquals(0, b.getLong(92), "zero-filled");
            b.putInt(4, 0x01020304);
            b.position(50);
            assertEquals(0, created.buf().position(), "each buf() is a view of its own");

            try (SharedMemory attached = new SharedMemory(name, false, 7)) {
                assertEquals(100, attached.size(), "an attached block has its real size, as in CPython");
                assertEquals(0x01020304, attached.buf().getInt(4));
                attached.buf().put(99, (byte) 9);
                assertEquals(9, created.buf().get(99));
            }
            created.unlink();
            assertFalse(Files.exists(file));
            assertEquals(9, b.get(99), "mappings outlive the name");
            PosixException again = assertThrows(PosixException.class, created::unlink);
            assertEquals(Linux.ENOENT, again.errno());
            assertEquals("shm_unlink", again.function());
        }
    }

    @Test
    void freshNamesAreJmpsAndAnyAttacherMayUnlink() throws Exception {
        SharedMemory s = new SharedMemory(null, true, 10);
        assertTrue(s.name().startsWith("jmp." + ProcessHandle.current().pid() + "."), s.name());
        assertFalse(s.name().startsWith("/"));
        SharedMemory other = new SharedMemory(s.name());
        other.unlink();                     // CPython allows any process to unlink
        assertFalse(Files.exists(Path.of("/dev/shm", s.name())));
        assertEquals(Linux.ENOENT, assertThrows(PosixException.class, s::unlink).errno());
    }

    @Test
    void errorsCarryCpythonsErrno() {
        PosixException missing = assertThrows(PosixException.class,
                () -> new SharedMemory(uniqueName("missing"), false, 0));
        assertEquals(Linux.ENOENT, missing.errno());
        assertEquals("shm_open", missing.function());

        SharedMemory s = new SharedMemory(null, true, 8);
        try {
            PosixException taken = assertThrows(PosixException.class, () -> new SharedMemory(s.name(), true, 8));
            assertEquals(Linux.EEXIST, taken.errno());
            assertEquals("shm_open", taken.function());
        } finally {
            s.unlink();
        }
        assertThrows(IllegalArgumentException.class, () -> new SharedMemory(null, true, 0));
        assertThrows(IllegalArgumentException.class, () -> new SharedMemory("x", true, -1));
        assertThrows(IllegalArgumentException.class, () -> new SharedMemory("x", false, -1));
        assertThrows(IllegalArgumentException.class, () -> new SharedMemory(null, false, 8));
        assertThrows(IllegalArgumentException.class, () -> new SharedMemory("a\0b", true, 8));
    }

    /**
     * Mirrors CPython's test_shared_memory_basics, whose bad arguments are ValueErrors:
     * a name that is not one file name of /dev/shm is an IllegalArgumentException naming
     * it and the rule, for create and attach alike (shm_open said EINVAL without the name,
     * and for ".." EEXIST). 255 bytes is still a name.
     */
    @Test
    void test_shared_memory_basics() {
        String[][] bad = {
            {"a/b", "'/'"}, {"/lead", "'/'"}, {"", "empty"}, {".", "directories"}, {"..", "directories"},
            {"x".repeat(300), "255 bytes"}, {"é".repeat(128), "255 bytes"},
        };
        for (String[] b : bad) {
            for (boolean create : new boolean[] {true, false}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> new SharedMemory(b[0], create, 8), b[0]);
                String shown = b[0].length() > 40 ? b[0].substring(0, 40) : b[0];
                assertTrue(e.getMessage().contains("'" + shown), e.getMessage());
                assertTrue(e.getMessage().contains(b[1]), e.getMessage());
            }
        }
        String longest = uniqueName("n");
        longest = longest + "x".repeat(255 - longest.length());
        SharedMemory s = new SharedMemory(longest, true, 8);
        try {
            assertEquals(longest, s.name());
        } finally {
            s.unlink();
        }
    }

    @Test
    void closeEndsThisHandleOnly() {
        SharedMemory s = new SharedMemory(null, true, 16);
        ByteBuffer kept = s.buf();
        s.close();
        s.close();                          // idempotent, as CPython's
        assertThrows(IllegalStateException.class, s::buf);
        assertEquals(16, s.size());
        kept.putInt(0, 5);                  // still mapped: only dropped when collected
        try (SharedMemory again = new SharedMemory(s.name())) {
            assertEquals(5, again.buf().getInt(0));
        }
        s.unlink();
    }

    @Test
    void handlesTravelAsNamesAndAttachAtFirstUse() throws Exception {
        SharedMemory s = new SharedMemory(null, true, 32);
        try {
            s.buf().putLong(0, -7);
            byte[] form = SyncTest.serialize(s);
            assertTrue(form.length < 400, form.length + " bytes");
            SharedMemory copy = SyncTest.roundTrip(s);
            assertEquals(s.name(), copy.name());
            assertEquals(-7, copy.buf().getLong(0));
            copy.close();
            assertEquals(-7, s.buf().getLong(0), "closing a copy leaves the original open");
        } finally {
            s.unlink();
        }
    }

    @Test
    void droppingTheCreatorsObjectKeepsTheName() throws Exception {
        String name = new SharedMemory(null, true, 8).name();   // dropped at once
        Path file = Path.of("/dev/shm", name);
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(Files.exists(file), "a peer may still attach by name while the creator lives");
        new SharedMemory(name).unlink();
    }

    // ---- with CPython ---------------------------------------------------------------------

    /** Attaches to Java's block, answers in it, creates one for Java, waits for Java's answer. */
    private static final String PEER = String.join("\n",
            "import struct, sys",
            "from multiprocessing import shared_memory, resource_tracker",
            "def attach(name):",
            "    try:",
            "        return shared_memory.SharedMemory(name, track=False)",   // 3.13+
            "    except TypeError:",
            "        shm = shared_memory.SharedMemory(name)",
            "        # 3.12 and older track attached blocks too, and would unlink Java's at exit",
            "        resource_tracker.unregister(shm._name, 'shared_memory')",
            "        return shm",
            "a = attach(sys.argv[1])",
            "assert a.size == 64, a.size",
            "assert struct.unpack_from('=i', a.buf, 0)[0] == 0x01020304, 'int from Java'",
            "assert bytes(a.buf[8:11]) == b'jmp', bytes(a.buf[8:11])",
            "struct.pack_into('=q', a.buf, 16, -2)",
            "a.buf[24:26] = b'py'",
            "b = shared_memory.SharedMemory(create=True, size=100)",
            "struct.pack_into('=d', b.buf, 0, 2.5)",
            "print(b.name, flush=True)",
            "sys.stdin.readline()",
            "assert b.buf[8] == 7, b.buf[8]",
            "b.close(); b.unlink(); a.close()",
            "print('peer done', flush=True)");

    @Test
    void aPythonPeerSeesTheSameBytes() throws Exception {
        // The creator drops its object: the name must stay for the peer all the same.
        String name = writeForPython();
        System.gc();
        File err = dir.resolve("python.err").toFile();
        java.lang.Process py;
        try {
            py = new ProcessBuilder("python3", "-c", PEER, name).redirectError(err).start();
        } catch (IOException e) {
            Assumptions.abort("python3 is not on PATH (" + e.getMessage() + "): no CPython peer to test with");
            return;
        }
        try (BufferedReader out = new BufferedReader(new InputStreamReader(py.getInputStream(), StandardCharsets.UTF_8));
             OutputStream in = py.getOutputStream()) {
            String pyName = out.readLine();
            assertTrue(pyName != null && pyName.startsWith("psm_"), pyName + " / " + readQuietly(err));
            try (SharedMemory fromPython = new SharedMemory(pyName)) {
                assertEquals(100, fromPython.size());
                assertEquals(2.5, fromPython.buf().getDouble(0));
                fromPython.buf().put(8, (byte) 7);
            }
            in.write('\n');
            in.flush();
            assertEquals("peer done", out.readLine(), readQuietly(err));
            assertTrue(py.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, py.exitValue(), readQuietly(err));
        } finally {
            py.destroyForcibly();
        }
        assertTrue(Files.exists(Path.of("/dev/shm", name)), "Python did not unlink Java's block");
        try (SharedMemory again = new SharedMemory(name)) {
            assertEquals(-2, again.buf().getLong(16));
            assertEquals('p', again.buf().get(24));
            assertEquals('y', again.buf().get(25));
            again.unlink();
        }
    }

    private static String writeForPython() {
        SharedMemory s = new SharedMemory(null, true, 64);
        s.buf().putInt(0, 0x01020304).put(8, (byte) 'j').put(9, (byte) 'm').put(10, (byte) 'p');
        return s.name();
    }

    private static String readQuietly(File f) {
        try {
            return Files.readString(f.toPath());
        } catch (IOException e) {
            return "(no stderr: " + e + ")";
        }
    }
}
