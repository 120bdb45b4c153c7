package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.blocking.Deadline;
import dev.jmp.spawn.WarmStarter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The whole Process contract again, under the warm start method; then what is warm's own. */
class WarmProcessTest extends ProcessTest {

    @Override
    String startMethod() {
        return "warm";
    }

    @AfterAll
    static void backToSpawn() {
        Multiprocessing.setStartMethod("spawn");
    }

    @Test
    void aReadyWarmChildRunsTheProcess() throws Exception {
        // Settled, not just one ready: start() takes the first ready child in boot order,
        // which is the first idle one only once every idle child is ready.
        assertTrue(WarmStarter.awaitSettled(Deadline.after(Duration.ofSeconds(60))), "the warm children did not settle");
        int idle = WarmStarter.idlePids().get(0);
        Event read = new Event();   // the child stays until its command line has been read (a zombie's is empty)
        Process p = new Process(() -> ChildChecks.check(read.await(Duration.ofSeconds(60))
                && Multiprocessing.currentProcess().name().startsWith("Process-"), 3));
        p.start();
        // The pid handed out is that of a child booted ahead of time, with the warm argument.
        assertEquals(idle, p.pid().intValue());
        String cmdline = Files.readString(Path.of("/proc/" + p.pid() + "/cmdline"));
        read.set();
        assertTrue(cmdline.endsWith("dev.jmp.ChildMain\0warm\0"), cmdline.replace('\0', ' '));
        // Its archives mapped where they were made to be (JavaCommand): on every JDK it is known on.
        assertEquals(Runtime.version().feature() <= 25, cmdline.contains("\0-XX:ArchiveRelocationMode=0\0"),
                cmdline.replace('\0', ' '));
        // A module option only where a JDK warns without it: elsewhere it would cost the
        // child the JDK's archived module graph.
        assertEquals(Runtime.version().feature() >= 24, cmdline.contains("\0--enable-native-access=ALL-UNNAMED\0"),
                cmdline.replace('\0', ' '));
        p.join();
        assertEquals(0, p.exitcode());
        p.close();
    }

    @Test
    void aWarmChildBootedAfterAStartRehearsesThatTarget() throws Exception {
        Process first = new Process(RehearsedTarget.exitZeroIfRehearsed());
        first.start();          // the parent notes the target's shape
        first.join();
        first.close();
        // Children booted from now on are given that shape before they say they are ready.
        Multiprocessing.setStartMethod("spawn");
        Multiprocessing.setStartMethod("warm");
        assertTrue(WarmStarter.awaitSettled(Deadline.after(Duration.ofSeconds(60))), "the warm children did not settle");
        int idle = WarmStarter.idlePids().get(0);
        Process again = new Process(RehearsedTarget.exitZeroIfRehearsed());
        again.start();
        assertEquals(idle, again.pid().intValue());
        again.join();
        assertEquals(0, again.exitcode(), "the target's class was not initialized by the rehearsal");
        again.close();
    }

    @Test
    void backToSpawnEndsIdleChildren() throws Exception {
        assertTrue(WarmStarter.awaitReady(Deadline.after(Duration.ofSeconds(60))));
        var idle = WarmStarter.idlePids();
        Multiprocessing.setStartMethod("spawn");
        for (int pid : idle) {
            ProcessHandle h = ProcessHandle.of(pid).orElse(null);
            if (h != null) {
                h.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
        assertTrue(WarmStarter.idlePids().isEmpty());
    }
}
