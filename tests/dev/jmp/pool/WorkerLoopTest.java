package dev.jmp.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.Call;
import dev.jmp.Task;
import dev.jmp.spawn.LambdaRef;
import dev.jmp.blocking.Deadline;
import dev.jmp.queue.Codec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A worker's side of the race with the pool's stealing: the pool may take back the
 * frame that carried a job's function while the worker receives the next frame of that
 * job. The worker must ask for that task again (RESEND), not fail it. Run in this JVM,
 * on real message queues: the race itself is a matter of timing, its outcome is not.
 */
class WorkerLoopTest {

    @Test
    void aWorkerWithoutInitializerIsSentByReferenceAndServesTheNamedChannels() throws Exception {
        Channel tasks = Channel.create(4);
        Channel results = Channel.create(4);
        try {
            Task target = WorkerLoop.target(3, tasks, results, null, 1);
            // Rebuilt from the reference, as a warm or spawned worker rebuilds it.
            Task rebuilt = (Task) LambdaRef.copy(target, getClass().getClassLoader());
            Thread worker = new Thread(rebuilt::run, "test-worker");
            worker.start();
            Deadline soon = Deadline.after(Duration.ofSeconds(30));
            byte[] ready = results.receive(soon, "test");
            assertEquals(Frames.READY, Frames.kind(ready));
            assertEquals(3, Frames.id(ready));
            Call<Integer> answer = () -> 7;
            tasks.send(Frames.task(1, 1, Frames.APPLY, Wire.encodeFunction(answer, "test"), null), soon, "test");
            byte[] result = results.receive(soon, "test");
            assertEquals(7, decode(Frames.payload(result)));
            worker.join(30_000);    // maxtasks 1: it ends after one task
            assertTrue(!worker.isAlive(), "the worker did not stop after maxtasks");
        } finally {
            tasks.unlink();
            results.unlink();
        }
        // With an initializer, the worker is this object, by Java serialization.
        Task init = () -> { };
        assertNull(LambdaRef.of(WorkerLoop.target(4, tasks, results, init, 0)));
    }

    @Test
    void aTaskWithoutItsFunctionIsSentBackNotFailed() throws Exception {
        Channel tasks = Channel.create(4);
        Channel results = Channel.create(4);
        Thread worker = new Thread(new WorkerLoop(1, tasks, results, null, 0)::run, "test-worker");
        try {
            worker.start();
            Deadline soon = Deadline.after(Duration.ofSeconds(30));
            byte[] ready = results.receive(soon, "test");
            assertEquals(Frames.READY, Frames.kind(ready));

            // Task 5 of job 7, without the function its first frame would have carried.
            tasks.send(Frames.task(5, 7, Frames.APPLY, null, null), soon, "test");
            byte[] reply = results.receive(soon, "test");
            assertEquals(Frames.RESEND, Frames.kind(reply));
            assertEquals(5, Frames.id(reply));

            // Sent again with its function, it runs.
            Call<Integer> answer = () -> 42;
            tasks.send(Frames.task(5, 7, Frames.APPLY, Codec.encode(answer, "test"), null), soon, "test");
            byte[] result = results.receive(soon, "test");
            assertEquals(Frames.RESULT, Frames.kind(result));
            assertTrue(Frames.resultOk(result));
            assertEquals(42, decode(Frames.payload(result)));

            tasks.send(new byte[] {Frames.STOP}, soon, "test");
            worker.join(30_000);
            assertTrue(!worker.isAlive(), "the worker did not stop");
        } finally {
            tasks.unlink();
            results.unlink();
        }
    }

    private static Object decode(byte[] value) {
        return Wire.decodeValue(value, 0, value.length);
    }
}
