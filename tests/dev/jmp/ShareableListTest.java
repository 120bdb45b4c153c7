package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ShareableList in Java, in a child, and with CPython's ShareableList on the same block. */
class ShareableListTest {
    private static final String PY_ATTACH = String.join("\n",
            "import sys",
            "from multiprocessing import resource_tracker",
            "from multiprocessing.shared_memory import ShareableList",
            "sl = ShareableList(name=sys.argv[1])",
            "# 3.12 and older track attached blocks too, and would unlink Java's at exit",
            "resource_tracker.unregister(sl.shm._name, 'shared_memory')",
            "print(repr(list(sl)), sl.format, flush=True)",
            "sl[0] = 42",
            "sl[3] = 'py'",
            "sl[5] = 7.5",
            "mine = ShareableList([-1, 'from python', None, True], name=sys.argv[1] + 'py')",
            "resource_tracker.unregister(mine.shm._name, 'shared_memory')",
            "print('done', flush=True)");

    @Test
    void valuesAndLayoutMatchCPython() throws Exception {
        ShareableList sl = new ShareableList(Arrays.asList(1, 2.5, true, "héllo", new byte[] {1, 2}, null, 7L));
        try {
            assertEquals(7, sl.size());
            assertEquals(Arrays.asList(1L, 2.5, true, "héllo", null, null, 7L).subList(0, 4), sl.subList(0, 4));
            assertArrayEquals(new byte[] {1, 2}, (byte[]) sl.get(4));
            assertNull(sl.get(5));
            assertEquals("qdxxxxxxx?8s8sxxxxxx?xq", sl.format());
            assertEquals(2.5, sl.set(1, "x"));          // any type into an 8-byte slot
            assertEquals("x", sl.get(1));
            assertThrows(IllegalArgumentException.class, () -> sl.set(3, "much too long for eight"));
            assertThrows(UnsupportedOperationException.class, () -> sl.add(1));
            assertThrows(IndexOutOfBoundsException.class, () -> sl.get(7));
            sl.set(1, 2.5);

            try (PythonPeer py = PythonPeer.run(PY_ATTACH, sl.shm().name())) {
                String line = py.readLine();
                assertEquals("[1, 2.5, True, 'héllo', b'\\x01\\x02', None, 7] qdxxxxxxx?8s8sxxxxxx?xq", line);
                PythonPeer.Result r = py.finish();
                assertEquals(0, r.exitcode(), r.output());
                assertTrue(r.output().contains("done"), r.output());
            }
            assertEquals(42L, sl.get(0));
            assertEquals("py", sl.get(3));
            assertEquals(7.5, sl.get(5));
            ShareableList theirs = new ShareableList(sl.shm().name() + "py");
            try {
                assertEquals(Arrays.asList(-1L, "from python", null, true), theirs);
            } finally {
                theirs.close();
                theirs.shm().unlink();
            }
        } finally {
            sl.close();
            sl.shm().unlink();
        }
    }

    @Test
    void aSharedMemoryManagerUnlinksItsBlocksAtShutdown() {
        java.nio.file.Path shm;
        java.nio.file.Path list;
        try (SharedMemoryManager smm = new SharedMemoryManager()) {
            smm.start();
            SharedMemory block = smm.sharedMemory(64);
            ShareableList sl = smm.shareableList(List.of(1, "two"));
            shm = java.nio.file.Path.of("/dev/shm", block.name());
            list = java.nio.file.Path.of("/dev/shm", sl.shm().name());
            assertTrue(java.nio.file.Files.exists(shm) && java.nio.file.Files.exists(list));
            assertEquals(List.of(1L, "two"), new ShareableList(sl.shm().name()));
        }
        assertTrue(!java.nio.file.Files.exists(shm) && !java.nio.file.Files.exists(list),
                "the manager's shutdown unlinks the blocks made through it");
    }

    private static void negate(ShareableList sl) {
        sl.set(0, -((Long) sl.get(0)));
        sl.set(1, "child");
    }

    @Test
    void aChildSeesTheSameList() {
        ShareableList sl = new ShareableList(List.of(5, "parent"));
        try {
            Process p = new Process(() -> negate(sl));
            p.start();
            p.join();
            assertEquals(0, p.exitcode());
            assertEquals(List.of(-5L, "child"), sl);
        } finally {
            sl.close();
            sl.shm().unlink();
        }
    }
}
