package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/**
 * jmp's flight-recorder events, recorded in-process: a Process's start and exit, a
 * pool task's dispatch and completion, a spilled queue put, each with its fields.
 */
class FlightRecorderTest {

    @Test
    void aRecordingShowsProcessesTasksAndSpills() throws Exception {
        Path file = Files.createTempFile("jmp-jfr", ".jfr");
        List<RecordedEvent> events;
        byte[] big = new byte[1024 * 1024];
        int pid;
        int poolPid;
        try (Recording r = new Recording()) {
            for (String name : List.of("dev.jmp.ChildStart", "dev.jmp.ChildExit", "dev.jmp.TaskDispatch",
                    "dev.jmp.TaskCompletion", "dev.jmp.QueueSpill")) {
                r.enable(name).withoutThreshold();
            }
            r.start();
            Process p = new Process(() -> System.exit(3));
            p.start();
            pid = p.pid();
            p.join();
            assertEquals(3, p.exitcode());
            p.close();

            Pool pool = new Pool(1);
            try {
                poolPid = pool.apply(() -> (int) ProcessHandle.current().pid());
            } finally {
                pool.terminate();
                pool.join();
            }

            Queue<byte[]> q = new Queue<>();
            q.put(big);
            assertEquals(big.length, q.get(Duration.ofSeconds(60)).length);
            q.close();
            q.joinThread();
            r.stop();
            r.dump(file);
        }
        try {
            events = RecordingFile.readAllEvents(file);
        } finally {
            Files.delete(file);
        }

        RecordedEvent start = only(events, "dev.jmp.ChildStart", e -> e.getInt("pid") == pid);
        assertEquals("spawn", start.getString("startMethod"));
        RecordedEvent exit = only(events, "dev.jmp.ChildExit", e -> e.getInt("pid") == pid);
        assertEquals(3, exit.getInt("exitCode"));
        assertTrue(!exit.getStartTime().isBefore(start.getEndTime()), "exit before start");
        // The pool's worker was started too.
        only(events, "dev.jmp.ChildStart", e -> e.getInt("pid") == poolPid);

        RecordedEvent dispatch = only(events, "dev.jmp.TaskDispatch", e -> e.getLong("workerPid") == poolPid);
        RecordedEvent done = only(events, "dev.jmp.TaskCompletion",
                e -> e.getLong("seq") == dispatch.getLong("seq") && e.getInt("pool") == dispatch.getInt("pool"));
        assertTrue(done.getBoolean("ok"));

        RecordedEvent spill = only(events, "dev.jmp.QueueSpill", e -> true);
        assertTrue(spill.getLong("bytes") >= big.length, "spilled " + spill.getLong("bytes"));
        assertTrue(spill.getString("queue") != null && !spill.getString("queue").isEmpty());
    }

    private static RecordedEvent only(List<RecordedEvent> events, String type,
            java.util.function.Predicate<RecordedEvent> which) {
        List<RecordedEvent> found = events.stream()
                .filter(e -> e.getEventType().getName().equals(type) && which.test(e))
                .collect(Collectors.toList());
        assertEquals(1, found.size(), type + ": " + found);
        return found.get(0);
    }
}
