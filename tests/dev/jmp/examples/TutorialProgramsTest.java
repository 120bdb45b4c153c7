package dev.jmp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every program of the tutorial (examples/) as a reader runs it, in a JVM of its
 * own with this classpath, and checks the shape of what it prints: the pids that must
 * differ differ, every put is got once, the numbers add up. One run per program, with
 * every assertion on that run.
 */
class TutorialProgramsTest {
    private static final Pattern NUMBER = Pattern.compile("-?\\d+");

    @TempDir
    Path dir;

    /** Runs dev.jmp.examples.NAME; returns its stdout lines after checking it exited 0. */
    List<String> run(String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        File out = dir.resolve(name + ".out").toFile();
        File err = dir.resolve(name + ".err").toFile();
        java.lang.Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.jmp.examples." + name).redirectOutput(out).redirectError(err).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(name + " did not end: " + Files.readString(out.toPath()));
        }
        List<String> lines = Files.readAllLines(out.toPath());
        assertEquals(0, p.exitValue(), name + ": " + lines + "\n" + Files.readString(err.toPath()));
        return lines;
    }

    private static long pid(String line) {
        Matcher m = NUMBER.matcher(line);
        assertTrue(m.find(), "no number in " + line);
        return Long.parseLong(m.group());
    }

    private static long lastNumber(String line) {
        Matcher m = NUMBER.matcher(line);
        String last = null;
        while (m.find()) {
            last = m.group();
        }
        assertTrue(last != null, "no number in " + line);
        return Long.parseLong(last);
    }

    private static List<String> starting(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).collect(Collectors.toList());
    }

    // ---- chapter 1 --------------------------------------------------------------------

    @Test
    void threadsShareTheMainPidEachProcessHasItsOwn() throws Exception {
        List<String> lines = run("ThreadsVsProcesses");
        long main = lastNumber(lines.get(0));
        List<String> threads = starting(lines, "thread ");
        List<String> processes = starting(lines, "process ");
        assertEquals(5, threads.size(), lines.toString());
        assertEquals(5, processes.size(), lines.toString());
        for (String t : threads) {
            assertEquals(main, lastNumber(t), "a thread printed another pid: " + lines);
        }
        Set<Long> pids = processes.stream().map(TutorialProgramsTest::lastNumber).collect(Collectors.toSet());
        assertEquals(5, pids.size(), "processes share a pid: " + lines);
        assertTrue(!pids.contains(main), lines.toString());
        assertEquals(11, lines.size(), "lines mixed or extra: " + lines);
    }

    @Test
    void aChildIsAZombieUntilJoined() throws Exception {
        List<String> lines = run("ProcessAndJoin");
        assertEquals("before start: pid null", lines.get(0));
        long pid = lastNumber(lines.get(1));
        assertTrue(lines.contains("child: my pid is " + pid), lines.toString());
        assertTrue(lines.contains("ended, not joined: state Z (zombie)"), lines.toString());
        assertEquals("joined: exitcode 0, /proc/" + pid + " exists: false", lines.get(lines.size() - 1));
    }

    @Test
    void everyTicketIsSoldOnceAndEveryBoothCloses() throws Exception {
        List<String> lines = run("TicketBooths");
        List<Long> left = lines.stream().filter(l -> l.contains(":now left:")).map(TutorialProgramsTest::lastNumber)
                .collect(Collectors.toList());
        List<Long> expected = new ArrayList<>();
        for (long n = 19; n >= 0; n--) {
            expected.add(n);
        }
        assertEquals(expected, left, "tickets sold twice or lost: " + lines);
        Set<Long> closed = starting(lines, "Process_id ").stream().map(TutorialProgramsTest::pid)
                .collect(Collectors.toSet());
        assertEquals(Set.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), closed, lines.toString());
    }

    // ---- chapter 2 --------------------------------------------------------------------

    @Test
    void oneSetWakesEveryWaiter() throws Exception {
        List<String> lines = run("EventDemo");
        long main = pid(lines.get(0).substring("main ".length()));
        assertTrue(lines.get(0).endsWith("is_set was false"), lines.toString());
        Set<Long> woke = starting(lines, "woke ").stream().map(TutorialProgramsTest::pid).collect(Collectors.toSet());
        assertEquals(3, woke.size(), lines.toString());
        assertTrue(!woke.contains(main), lines.toString());
    }

    @Test
    void aSemaphoreOfTwoLetsTwoIn() throws Exception {
        List<String> lines = run("SemaphoreDemo");
        List<String> in = lines.stream().filter(l -> l.contains(" in, ")).collect(Collectors.toList());
        assertEquals(5, in.size(), lines.toString());
        assertEquals(5, in.stream().map(TutorialProgramsTest::pid).distinct().count(), lines.toString());
        for (String line : in) {
            long inside = lastNumber(line);
            assertTrue(inside >= 1 && inside <= 2, "more than two inside: " + lines);
        }
        assertEquals("all left, 0 inside, room value 2", lines.get(lines.size() - 1));
    }

    @Test
    void consumersTakeWhatIsProducedAndNoMore() throws Exception {
        List<String> lines = run("ConditionDemo");
        List<String> consumed = lines.stream().filter(l -> l.contains(" consumed, left ")).collect(Collectors.toList());
        assertEquals(4, consumed.size(), lines.toString());
        Map<Long, Integer> perConsumer = new HashMap<>();
        for (String line : consumed) {
            perConsumer.merge(pid(line), 1, Integer::sum);
            assertTrue(lastNumber(line) >= 0, lines.toString());
        }
        assertEquals(List.of(2, 2), new ArrayList<>(perConsumer.values()), lines.toString());
        assertEquals("stock at the end: 0", lines.get(lines.size() - 1));
    }

    @Test
    void processesStartedBackwardsSpeakInOrder() throws Exception {
        List<String> lines = run("InOrder");
        assertEquals(5, lines.size(), lines.toString());
        Set<Long> pids = new HashSet<>();
        for (int k = 0; k < 5; k++) {
            assertTrue(lines.get(k).startsWith("process " + k + " pid "), lines.toString());
            pids.add(lastNumber(lines.get(k)));
        }
        assertEquals(5, pids.size(), lines.toString());
    }

    // ---- chapter 3 --------------------------------------------------------------------

    @Test
    void duplexPipeCarriesBothWays() throws Exception {
        assertEquals(List.of("proc2 rec: hello", "proc1 rec: hello, too"), run("PipeDemo"));
    }

    @Test
    void simplexPipeEndsWithEof() throws Exception {
        assertEquals(List.of("got a", "got 1", "got [2, 3]", "EOF", "the receiving end cannot send: connection is read-only"),
                run("SimplexPipe"));
    }

    @Test
    void pingAndPongAlternate() throws Exception {
        List<String> lines = run("PingPong");
        assertEquals(7, lines.size(), lines.toString());
        for (int n = 0; n <= 6; n++) {
            String line = lines.get(n);
            assertTrue(line.startsWith(n % 2 == 0 ? "pong " : "ping "), lines.toString());
            assertEquals(n, lastNumber(line), lines.toString());
            if (n > 0) {
                assertNotEquals(pid(line.substring(5)), pid(lines.get(n - 1).substring(5)), lines.toString());
            }
        }
    }

    // ---- chapter 4 --------------------------------------------------------------------

    @Test
    void everyPutIsGotOnce() throws Exception {
        List<String> lines = run("QueueDemo");
        Pattern shape = Pattern.compile("(\\d+)\\(get\\):(\\d+)\\(put\\):\\d+\\.\\d{6}");
        Set<String> putters = new HashSet<>();
        Set<String> getters = new HashSet<>();
        for (String line : lines) {
            Matcher m = shape.matcher(line);
            assertTrue(m.matches(), "mixed or malformed line: " + line);
            assertNotEquals(m.group(1), m.group(2), line);
            putters.add(m.group(2));
            getters.add(m.group(1));
        }
        assertEquals(10, lines.size(), lines.toString());
        assertEquals(10, putters.size(), "an item got twice: " + lines);
        assertEquals(10, getters.size(), lines.toString());
    }

    @Test
    void maxsizeFullEmptyAndClose() throws Exception {
        List<String> lines = run("QueueMaxsize");
        assertEquals(List.of("qsize 2, full true", "put_nowait on a full queue: Queue.Full", "child got 1", "child got 2",
                "child got 3", "get_nowait on an empty queue: Queue.Empty"), lines.subList(0, 6));
        assertTrue(lines.get(6).startsWith("put after close: ") && lines.get(6).endsWith("is closed"), lines.toString());
    }

    @Test
    void workersSquareEveryNumberOnce() throws Exception {
        List<String> lines = run("QueueWorkers");
        Set<Long> squared = new HashSet<>();
        for (String line : lines) {
            Matcher m = Pattern.compile("\\d+ squared (\\d+) = (\\d+)").matcher(line);
            assertTrue(m.matches(), line);
            long n = Long.parseLong(m.group(1));
            assertEquals(n * n, Long.parseLong(m.group(2)), line);
            squared.add(n);
        }
        assertEquals(Set.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), squared, lines.toString());
        assertEquals(9, lines.size(), lines.toString());
    }

    // ---- chapter 5 --------------------------------------------------------------------

    @Test
    void valueAndArrayAsPythonsDocumentation() throws Exception {
        assertEquals(List.of("3.1415927", "[0, -1, -2, -3, -4, -5, -6, -7, -8, -9]"), run("ValueAndArray"));
    }

    @Test
    void sharedMemoryIsOneBlockByName() throws Exception {
        assertEquals(List.of("child sees [22, 33, 44, 55]", "parent sees [22, 33, 44, 55, 99]"), run("SharedMemoryDemo"));
    }

    @Test
    void onlyTheGuardedCountersAreExact() throws Exception {
        List<String> lines = run("CounterRace");
        assertTrue(lines.get(0).matches("unguarded: \\d+ of 40000"), lines.toString());
        assertTrue(pid(lines.get(0)) <= 40000, "more increments than were made: " + lines);
        assertEquals("locked: 40000 of 40000", lines.get(1));
        assertEquals("atomic: 40000 of 40000", lines.get(2));
    }

    // ---- chapter 6 --------------------------------------------------------------------

    @Test
    void managerDemoAsPythonsDocumentation() throws Exception {
        assertEquals(List.of("{1=1, 2=2, 0.25=null}", "[9, 8, 7, 6, 5, 4, 3, 2, 1, 0]"), run("ManagerDemo"));
    }

    @Test
    void everyWorkerIsCountedAndTheCountsAddUp() throws Exception {
        List<String> lines = run("TaskCounts");
        assertEquals(4, lines.size(), lines.toString());
        long sum = 0;
        for (int i = 1; i <= 3; i++) {
            String line = lines.get(i - 1);
            assertTrue(line.matches("worker-" + i + " handled \\d+"), lines.toString());
            sum += lastNumber(line);
        }
        assertEquals(30, sum, lines.toString());
        assertEquals("total: 30 of 30", lines.get(3));
    }

    // ---- chapter 7 --------------------------------------------------------------------

    @Test
    void poolDemoAsPythonsDocumentation() throws Exception {
        List<String> lines = run("PoolDemo");
        assertEquals("[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]", lines.get(0));
        List<String> unordered = List.of(lines.get(1).split(" "));
        assertEquals(Set.of("0", "1", "4", "9", "16", "25", "36", "49", "64", "81"), new HashSet<>(unordered));
        assertEquals(10, unordered.size(), lines.toString());
        assertEquals("400", lines.get(2));
        long worker = Long.parseLong(lines.get(3));
        assertNotEquals(ProcessHandle.current().pid(), worker);
        assertTrue(lines.get(4).matches("\\[\\d+, \\d+, \\d+, \\d+\\]"), lines.toString());
        assertEquals(List.of("We lacked patience and got a TimeoutError",
                "For the moment, the pool remains available for more work",
                "Now the pool is closed and no longer available"), lines.subList(5, 8));
    }

    @Test
    void primesCountedTwoWaysAgree() throws Exception {
        List<String> lines = run("PoolPrimes");
        assertEquals("primes below 20000: 2262", lines.get(0));
        // Primes in [0, 5000), [5000, 10000), [10000, 15000), [15000, 20000), in any order.
        assertEquals(List.of(508L, 525L, 560L, 669L), starting(lines, "a slice had ").stream()
                .map(TutorialProgramsTest::lastNumber).sorted().collect(Collectors.toList()), lines.toString());
        assertEquals("sum of the slices: 2262", lines.get(lines.size() - 1));
    }

    // ---- chapter 8 --------------------------------------------------------------------

    @Test
    void bothStartMethodsReachTheFirstLine() throws Exception {
        List<String> lines = run("StartMethods");
        assertEquals("start methods: [spawn, warm]", lines.get(0));
        Pattern shape = Pattern.compile("(spawn|warm) round [123]: first line after \\d+\\.\\d ms");
        assertEquals(7, lines.size(), lines.toString());
        for (String line : lines.subList(1, 7)) {
            assertTrue(shape.matcher(line).matches(), line);
        }
    }

    @Test
    void bothStartMethodsGiveAPoolResult() throws Exception {
        List<String> lines = run("WarmPool");
        assertEquals(3, lines.size(), lines.toString());
        Pattern shape = Pattern.compile("(spawn|warm) round [12]: first result 42 after \\d+\\.\\d ms");
        for (String line : lines) {
            assertTrue(shape.matcher(line).matches(), line);
        }
    }

    // ---- chapter 9 --------------------------------------------------------------------

    @Test
    void underTheHoodMarksItsSteps() throws Exception {
        assertEquals(List.of("== start", "== get", "== join", "got hello, exitcode 0"), run("UnderTheHood"));
    }

    @Test
    void lockTraceMarksItsSteps() throws Exception {
        assertEquals(List.of("== uncontended", "== contended", "== acquired"), run("LockTrace"));
    }
}
