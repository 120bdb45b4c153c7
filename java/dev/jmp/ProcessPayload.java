package dev.jmp;

import dev.jmp.spawn.Rehearsal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/** What {@link Process#start()} sends a child: a direct payload or Java serialization. */
final class ProcessPayload {
    private ProcessPayload() {
    }

    private static final AtomicBoolean PARENT_WARMED = new AtomicBoolean();

    /**
     * A {@link DirectPayload} when the Process allows one, else Java serialization.
     * While warm children are booted ahead, the shape of the target is learned for those
     * booted later: at every start for a serialized Process, once per lambda for a
     * direct one (a direct payload is cheaper to write and to read only if the parent
     * does not serialize the target anyway).
     */
    static byte[] of(Process p) {
        byte[] direct = DirectPayload.encode(p);
        if (direct == null) {
            return serialize(p, Rehearsal.keepsShapes());
        }
        Rehearsal.learnOnce(p.target());
        return direct;
    }

    /** With {@code learnShape}, warm children booted later rehearse this target's shape. */
    static byte[] serialize(Process p, boolean learnShape) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = learnShape ? new Rehearsal.Recorder(bytes) : new ObjectOutputStream(bytes)) {
            out.writeObject(p);
            if (out instanceof Rehearsal.Recorder shape) {
                Rehearsal.learn(shape);
            }
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException("process target cannot be serialized: " + e.getMessage()
                    + " is not Serializable (a lambda captures every variable it uses, and 'this' "
                    + "when it calls an instance method)", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("process target cannot be serialized: " + e, e);
        }
        return bytes.toByteArray();
    }

    /**
     * Under the warm start method, once children are ready, start() is where the time
     * goes, and most of it is serializing the Process, interpreted in a program that has
     * started few. So when warm is selected, a background thread serializes a throwaway
     * Process with a lambda target many times, once per JVM: the same code path,
     * compiled before the first start() needs it. It creates no name, no count and no
     * kernel object.
     */
    static void warmUpParent() {
        if (!PARENT_WARMED.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> {
            Process throwaway = new Process(() -> { }, "warm-up", false, new int[] {0}, Process.OWN_PID, null);
            for (int i = 0; i < 2000; i++) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (Rehearsal.Recorder out = new Rehearsal.Recorder(bytes)) {
                    out.writeObject(throwaway);
                    out.key();
                } catch (IOException e) {
                    return;
                }
            }
        }, "jmp-warm-parent");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }
}
