package dev.jmp.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The tracker's holder counting, line by line ({@code native/tracker/jmp_tracker.c}
 * gives the protocol): a tracker of our own reads the lines we write, and the holders
 * are {@code sleep} processes we kill. Names are real semaphores. A "marker" name that
 * only one holder holds shows when the tracker has handled that holder's death: lines
 * and deaths are handled in order, so once the marker is gone, so is what came before.
 */
class TrackerHoldsTest {
    private final List<java.lang.Process> holders = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private java.lang.Process tracker;
    private OutputStream lines;

    @AfterEach
    void cleanUp() throws Exception {
        holders.forEach(java.lang.Process::destroyForcibly);
        if (lines != null) {
            lines.close();      // end of file: the tracker removes what is left and exits
            assertTrue(tracker.waitFor(10, TimeUnit.SECONDS), "the tracker did not end");
        }
        for (String n : names) {
            assertTrue(!exists(n), n + " left after the tracker ended");
        }
    }

    private void start() throws IOException {
        tracker = new ProcessBuilder(dev.jmp.posix.NativeFiles.executable("jmp-tracker").toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        lines = tracker.getOutputStream();
    }

    private void say(String line) throws IOException {
        lines.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        lines.flush();
    }

    /** A new semaphore under a jmp name, not yet told to the tracker. */
    private String semaphore() {
        String name = KernelNames.fresh();
        Posix posix = Posix.libc();
        posix.sem_close(posix.sem_open(name, Linux.O_CREAT | Linux.O_EXCL, 0600, 1));
        names.add(name);
        return name;
    }

    static boolean exists(String name) {
        return Files.exists(Path.of("/dev/shm", "sem." + name.substring(1)));
    }

    private java.lang.Process holder() throws IOException {
        java.lang.Process p = new ProcessBuilder("sleep", "600").start();
        holders.add(p);
        return p;
    }

    /** "pid start": who a process is in the tracker's lines. */
    static String id(java.lang.Process p) throws IOException {
        String stat = Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "stat")).get(0);
        return p.pid() + " " + stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19];
    }

    static void awaitGone(String name) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (exists(name)) {
            assertTrue(System.nanoTime() < end, name + " was not removed");
            Thread.sleep(5);    // polling /dev/shm: the tracker says nothing
        }
    }

    /** Kills {@code h} and waits until the tracker has handled its death (its marker is gone). */
    private void kill(java.lang.Process h, String marker) throws Exception {
        h.destroyForcibly().waitFor();
        awaitGone(marker);
    }

    @Test
    void aNameGoesWhenItsLastHolderDiesAndNotBefore() throws Exception {
        start();
        java.lang.Process h1 = holder();
        java.lang.Process h2 = holder();
        String name = semaphore();
        String marker = semaphore();
        say("N " + name + " " + id(h1));
        say("H " + name + " " + id(h2));
        say("N " + marker + " " + id(h1));
        kill(h1, marker);
        assertTrue(exists(name), "h2 still holds it");
        h2.destroyForcibly().waitFor();
        awaitGone(name);
    }

    @Test
    void aCopyInFlightKeepsItsNameUntilItArrivesThenItsReceiverHoldsIt() throws Exception {
        start();
        java.lang.Process sender = holder();
        java.lang.Process receiver = holder();
        String name = semaphore();
        String marker = semaphore();
        say("N " + name + " " + id(sender));
        say("S " + name);
        say("N " + marker + " " + id(sender));
        kill(sender, marker);
        assertTrue(exists(name), "a copy is in flight");
        say("A " + name + " " + id(receiver));
        String marker2 = semaphore();
        say("N " + marker2 + " " + id(receiver));
        say("D " + marker2 + " " + receiver.pid());
        awaitGone(marker2);
        assertTrue(exists(name), "the receiver holds it");
        say("D " + name + " " + receiver.pid());
        awaitGone(name);
    }

    @Test
    void holdsAreCountedPerHandleObject() throws Exception {
        start();
        java.lang.Process h = holder();
        String name = semaphore();
        String marker = semaphore();
        say("N " + name + " " + id(h));
        say("H " + name + " " + id(h));     // a second object in the same process
        say("D " + name + " " + h.pid());
        say("N " + marker + " " + id(h));
        say("D " + marker + " " + h.pid());
        awaitGone(marker);
        assertTrue(exists(name), "one object of h still holds it");
        say("L " + name);                   // a copy that was never counted in flight changes nothing
        say("D " + name + " " + h.pid());
        awaitGone(name);
    }

    @Test
    void aWriterWhosePidWasReusedIsDead() throws Exception {
        start();
        java.lang.Process h = holder();
        String name = semaphore();
        String[] who = id(h).split(" ");
        // The pid is alive, but its start time says it is another process than the writer.
        say("N " + name + " " + who[0] + " " + (Long.parseLong(who[1]) + 1));
        awaitGone(name);
        String other = semaphore();
        say("N " + other + " " + id(h));
        String marker = semaphore();
        say("N " + marker + " " + id(holder()));
        say("D " + marker + " " + holders.get(1).pid());
        awaitGone(marker);
        assertTrue(exists(other), "the real process with that pid holds it");
    }

    @Test
    void aRegisteredNameStaysUntilTheProgramEndsAndUnknownNamesAreNotTouched() throws Exception {
        start();
        java.lang.Process h = holder();
        String registered = semaphore();
        String unknown = semaphore();
        String marker = semaphore();
        say("R " + registered);             // a SharedMemory: unlinked explicitly, or at the end
        say("S " + registered);
        say("A " + registered + " " + id(h));
        say("H " + unknown + " " + id(h));  // never told "N": not this program's
        say("A " + unknown + " " + id(h));
        say("D " + unknown + " " + h.pid());
        say("N " + marker + " " + id(h));
        kill(h, marker);
        assertTrue(exists(registered), "a registered name is not counted");
        assertTrue(exists(unknown), "a name the tracker was not told about is not touched");
        Posix.libc().sem_unlink(unknown);
        lines.close();
        assertTrue(tracker.waitFor(10, TimeUnit.SECONDS));
        lines = null;
        assertEquals(false, exists(registered), "removed at the end of the program");
    }
}
