package dev.jmp;

import static dev.jmp.ChildChecks.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import java.io.NotSerializableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Process across real child JVMs: lifecycle, exit codes, names, errors. The same
 * contract runs under every start method: {@link WarmProcessTest} reruns it "warm".
 */
class ProcessTest {

    /** The start method this run of the contract uses. */
    String startMethod() {
        return "spawn";
    }

    @BeforeEach
    void selectStartMethod() {
        Multiprocessing.setStartMethod(startMethod());
    }

    private static boolean readable(int fd) {
        short[] revents = new short[1];
        return Posix.libc().poll(new int[] {fd}, new short[] {Linux.POLLIN}, revents, 0) > 0;
    }

    @Test
    void exitCodesAsPython() {
        Process ok = new Process(() -> { });
        Process raises = new Process(() -> {
            throw new IllegalStateException("expected by ProcessTest.exitCodesAsPython");
        });
        Process exits = new Process(() -> System.exit(7));
        Process subclass = new ExitingProcess(5);
        List<Process> all = List.of(ok, raises, exits, subclass);
        all.forEach(Process::start);
        all.forEach(Process::join);
        assertEquals(0, ok.exitcode());
        assertEquals(1, raises.exitcode());
        assertEquals(7, exits.exitcode());
        assertEquals(5, subclass.exitcode());
        assertTrue(subclass.toString().startsWith("<ExitingProcess name='Process-"), subclass.toString());
        all.forEach(Process::close);
    }

    /** A subclass that overrides run(), as Python allows. */
    static final class ExitingProcess extends Process {
        private static final long serialVersionUID = 1L;
        private final int code;

        ExitingProcess(int code) {
            this.code = code;
        }

        @Override
        public void run() {
            System.exit(code);
        }
    }

    @Test
    void runningChildLifecycle() {
        Process p = new Process(ChildChecks::blockForever);
        assertNull(p.pid());
        assertNull(p.exitcode());
        assertFalse(p.isAlive());
        assertTrue(p.toString().endsWith(" initial>"), p.toString());
        assertThrows(IllegalStateException.class, p::join);
        assertThrows(IllegalStateException.class, p::sentinel);
        assertThrows(IllegalStateException.class, p::terminate);

        p.start();
        assertNotNull(p.pid());
        assertThrows(IllegalStateException.class, p::start);
        assertThrows(IllegalStateException.class, () -> p.setDaemon(true));
        assertTrue(p.isAlive());
        assertNull(p.exitcode());
        assertTrue(Multiprocessing.activeChildren().contains(p));
        assertFalse(readable(p.sentinel()));
        assertEquals("<Process name='" + p.name() + "' pid=" + p.pid() + " parent=" + ProcessHandle.current().pid()
                + " started>", p.toString());
        assertThrows(IllegalStateException.class, p::close);

        long t0 = System.nanoTime();
        p.join(Duration.ofMillis(300));
        long waited = System.nanoTime() - t0;
        assertTrue(waited >= 290_000_000L && waited < 5_000_000_000L, "join(300ms) took " + waited + " ns");
        assertNull(p.exitcode());
        assertTrue(p.isAlive());

        p.terminate();
        p.join();
        assertEquals(-15, p.exitcode());
        assertFalse(p.isAlive());
        assertTrue(readable(p.sentinel()));
        assertFalse(Multiprocessing.activeChildren().contains(p));
        assertTrue(p.toString().endsWith(" stopped exitcode=-SIGTERM>"), p.toString());
        assertFalse(Files.exists(Path.of("/proc/" + p.pid())), "child was not reaped");
        p.terminate();     // after the end: nothing happens, as in Python

        p.close();
        assertThrows(IllegalStateException.class, p::pid);
        assertThrows(IllegalStateException.class, p::exitcode);
        assertThrows(IllegalStateException.class, p::isAlive);
        assertTrue(p.toString().endsWith(" closed>"), p.toString());
    }

    @Test
    void killGivesMinusNine() {
        Process p = new Process(ChildChecks::blockForever, "sleeper");
        p.setDaemon(true);
        p.start();
        assertTrue(p.toString().endsWith(" started daemon>"), p.toString());
        p.kill();
        p.join(Duration.ofSeconds(30));
        assertEquals(-9, p.exitcode());
        p.close();
    }

    @Test
    void activeChildrenReapsFinishedChildren() {
        Process p = new Process(() -> { });
        p.start();
        int pid = p.pid();
        // Wait through the sentinel only: no join, so only activeChildren() can reap.
        assertTrue(dev.jmp.blocking.FdWait.readable(p.sentinel(),
                dev.jmp.blocking.Deadline.after(Duration.ofSeconds(30)), "test"));
        List<Process> active;
        do {
            active = Multiprocessing.activeChildren();
        } while (active.contains(p));
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "finished child left as a zombie");
        assertEquals(0, p.exitcode());
    }

    @Test
    void namesAndParentageAcrossGenerations() {
        Process a = new Process(() -> { });
        Process b = new Process(() -> { });
        Pattern name = Pattern.compile("Process-(\\d+)");
        var ma = name.matcher(a.name());
        var mb = name.matcher(b.name());
        assertTrue(ma.matches() && mb.matches(), a.name() + " " + b.name());
        assertEquals(Integer.parseInt(ma.group(1)) + 1, Integer.parseInt(mb.group(1)));
        assertEquals("MainProcess", Multiprocessing.currentProcess().name());
        assertNull(Multiprocessing.parentProcess());
        assertEquals(Multiprocessing.currentProcess().pid().longValue(), ProcessHandle.current().pid());

        int mainPid = (int) ProcessHandle.current().pid();
        Process child = new Process(() -> childChecksNames(mainPid));
        String expected = child.name();
        child.start();
        child.join();
        assertEquals(0, child.exitcode(), "child check " + child.exitcode() + " failed (see ProcessTest)");
        assertTrue(expected.startsWith("Process-"));
    }

    private static void childChecksNames(int mainPid) {
        Process me = Multiprocessing.currentProcess();
        check(me.name().matches("Process-\\d+"), 10);
        check(me.pid() == (int) ProcessHandle.current().pid(), 11);
        check(me.isAlive(), 12);
        Process parent = Multiprocessing.parentProcess();
        check(parent != null && "MainProcess".equals(parent.name()), 13);
        check(parent.pid() == mainPid, 14);
        check(parent.isAlive(), 15);
        check(me.toString().equals("<Process name='" + me.name() + "' parent=" + mainPid + " started>"), 16);

        String myName = me.name();
        int myPid = me.pid();
        Process grandchild = new Process(() -> grandchildChecksNames(myName, myPid));
        check(grandchild.name().equals(myName + ":1"), 17);
        grandchild.start();
        grandchild.join();
        check(grandchild.exitcode() == 0, 40 + grandchild.exitcode());
    }

    private static void grandchildChecksNames(String parentName, int parentPid) {
        check(Multiprocessing.currentProcess().name().equals(parentName + ":1"), 20);
        check(Multiprocessing.parentProcess().name().equals(parentName), 21);
        check(Multiprocessing.parentProcess().pid() == parentPid, 22);
    }

    @Test
    void childInheritsOnlyStandardStreamsAndItsOwnFds() throws Exception {
        // A pipe without O_CLOEXEC, as the JDK opens jars: it must not reach the child.
        int[] leaky = Posix.libc().pipe2(0);
        try {
            String r = Files.readSymbolicLink(Path.of("/proc/self/fd/" + leaky[0])).toString();
            Process p = new Process(() -> childChecksFds(r));
            p.start();
            p.join();
            assertEquals(0, p.exitcode(), "child fd check " + p.exitcode() + " failed (see ProcessTest)");
        } finally {
            Posix.libc().close(leaky[0]);
            Posix.libc().close(leaky[1]);
        }
    }

    private static void childChecksFds(String leakedPipe) {
        try {
            for (Path fd : Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (java.io.IOException gone) {
                    continue;   // the directory stream's own fd
                }
                check(!target.equals(leakedPipe), 30);
                int n = Integer.parseInt(fd.getFileName().toString());
                if (n == 3 || n == 4) {
                    check(target.startsWith("pipe:"), 31);
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigBlk:")) {
                    check(Long.parseLong(line.substring(7).trim(), 16) == 0, 32);
                }
                if (line.startsWith("SigIgn:")) {
                    check((Long.parseLong(line.substring(7).trim(), 16) & (1L << (Linux.SIGTERM - 1))) == 0, 33);
                }
            }
        } catch (java.io.IOException e) {
            System.exit(34);
        }
    }

    @Test
    void daemonCannotHaveChildren() {
        Process p = new Process(ProcessTest::tryToStartChild);
        p.setDaemon(true);
        assertTrue(p.daemon());
        p.start();
        p.join();
        assertEquals(0, p.exitcode(), "a daemon could start a child");
    }

    private static void tryToStartChild() {
        Process grandchild = new Process(() -> { });
        check(grandchild.daemon(), 50);    // inherits the daemon flag, as in Python
        try {
            grandchild.start();
            System.exit(51);
        } catch (IllegalStateException expected) {
            check(expected.getMessage().contains("daemonic processes are not allowed to have children"), 52);
        }
    }

    @Test
    void unserializableTargetFailsInStartAndSpawnsNothing() {
        Object notSerializable = new Object();
        Process p = new Process(() -> System.out.println(notSerializable));
        List<Process> before = new ArrayList<>(Multiprocessing.activeChildren());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, p::start);
        assertInstanceOf(NotSerializableException.class, e.getCause());
        assertNull(p.pid());
        assertEquals(before, Multiprocessing.activeChildren());
        assertNotEquals(null, p.name());
    }

    /**
     * CPython's test_error_on_stdio_flush_1: a child whose standard streams are gone
     * ({@code sys.stdout = None}) still exits 0. Here a child with no System.out and no
     * System.err still makes native calls (a new lock, an event set) and exits 0.
     */
    @Test
    void test_error_on_stdio_flush_1() throws Exception {
        Event done = new Event();
        Process p = new Process(() -> {
            System.setOut(null);
            System.setErr(null);
            Lock own = new Lock();
            own.acquire();
            own.release();
            done.set();
        });
        p.start();
        p.join();
        assertEquals(0, p.exitcode());
        assertTrue(done.isSet());
        p.close();
    }

    /** CPython's test_lose_target_ref: after start() the parent holds the target no more. */
    @Test
    void testLoseTargetRef() throws Exception {
        Task target = new DroppedTarget();
        java.lang.ref.WeakReference<Task> ref = new java.lang.ref.WeakReference<>(target);
        Process p = new Process(target);
        target = null;
        p.start();
        p.join();
        assertEquals(0, p.exitcode());
        for (int i = 0; i < 100 && ref.get() != null; i++) {
            System.gc();
        }
        assertNull(ref.get(), "the Process still holds its target after start()");
        p.close();
    }

    /** A target of its own class, so that no cache keyed by a lambda's class holds it. */
    static final class DroppedTarget implements Task {
        private static final long serialVersionUID = 1L;

        @Override
        public void run() {
        }
    }

    /** CPython's TestStartMethod.test_context: a child keeps the start method it was started with. */
    @Test
    void testContext() throws Exception {
        String method = startMethod();
        Process p = new Process(() -> ChildChecks.check(method.equals(Multiprocessing.getStartMethod()), 3));
        p.start();
        p.join();
        assertEquals(0, p.exitcode(), "the child reported another start method than " + method);
        p.close();
    }

    @Test
    void moduleFunctions() {
        assertEquals(startMethod(), Multiprocessing.getStartMethod());
        assertEquals(List.of("spawn", "warm"), Multiprocessing.getAllStartMethods());
        assertThrows(IllegalArgumentException.class, () -> Multiprocessing.setStartMethod("fork"));
        assertTrue(Multiprocessing.cpuCount() >= 1);
        assertThrows(IllegalStateException.class, () -> Multiprocessing.currentProcess().join());
        assertThrows(IllegalStateException.class, () -> Multiprocessing.currentProcess().start());
        assertTrue(Multiprocessing.currentProcess().isAlive());
        assertEquals("<_MainProcess name='MainProcess' parent=None started>",
                Multiprocessing.currentProcess().toString());
    }
}
