package dev.jmp.pool;

import dev.jmp.Call;
import dev.jmp.Func;
import dev.jmp.queue.Codec;
import dev.jmp.spawn.LambdaRef;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;

/**
 * What an idle "warm" child can do for a pool worker before it knows it will be one:
 * read a worker's target (WorkerLoop, its Channels) and run tasks through the worker's
 * code path (frames, the codec, a lambda, a Batch), 50 times, so that the classes are
 * loaded and the code is compiled when a real pool hands it its target: it takes a
 * large share off a warm Pool(2)'s time to its first result.
 *
 * <p>It touches no kernel object (the channels are never opened: a Channel opens its
 * queue at first use) and leaves no state a later Process could see. Meant to be
 * called from the preparation of a warm child (dev.jmp's ChildMain).
 */
public final class WarmUp {
    private WarmUp() {
    }

    private static final int ROUNDS = 50;

    public static void run() {
        run(ROUNDS);
    }

    /**
     * {@code rounds} times through the worker's path. Once or twice loads and links all
     * it needs (what a start-up archive's training child is for); more rounds also
     * compile it (what an idle warm child is for).
     */
    public static void run(int rounds) {
        Channel unused = Channel.named("/jmp.0.warmup");
        WorkerLoop loop = new WorkerLoop(0, unused, unused, null, 0);
        Call<Integer> call = () -> 1;
        Func<Integer, Integer> func = x -> x;
        byte[] callBytes = Wire.encodeFunction(call, "warm-up");
        byte[] funcBytes = Wire.encodeFunction(func, "warm-up");
        byte[] args = Codec.encode(new Batch(List.of(1, 2, 3)), "warm-up");
        linkWorkerTarget(unused);
        for (int i = 0; i < rounds; i++) {
            // The target alone: a Process would advance the counter that names children.
            readBack(new WorkerLoop(i, unused, unused, null, 0));
            byte[] r = loop.run(Frames.readTask(Frames.task(i, 2L * i, Frames.APPLY, callBytes, null)));
            Outcome.remote(Frames.resultOk(r), Frames.payload(r), "warm-up").value();
            r = loop.run(Frames.readTask(Frames.task(i, 2L * i + 1, Frames.MAP, funcBytes, args)));
            Outcome.remote(Frames.resultOk(r), Frames.payload(r), "warm-up").value();
        }
    }

    /**
     * A worker's target without an initializer comes as a direct payload: sent by
     * reference and rebuilt, once, here, so its lambda is linked before a pool needs it.
     */
    private static void linkWorkerTarget(Channel unused) {
        try {
            LambdaRef.copy(WorkerLoop.target(0, unused, unused, null, 0), WarmUp.class.getClassLoader());
        } catch (IOException | ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("pool warm-up", e);
        }
    }

    private static void readBack(Object o) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(o);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                in.readObject();
            }
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("pool warm-up", e);
        }
    }
}
