package dev.jmp.sync;

import dev.jmp.shm.Segment;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A few ints in POSIX shared memory, seen by every process that has the object: the
 * Barrier's {@code state} and {@code count}, which CPython keeps in a
 * {@code BufferWrapper} on its heap.
 *
 * <p>The memory is a {@link Segment} of its own ({@code /dev/shm/jmp.<pid>.<random>},
 * mode 0600), unlinked by the creating process when this object becomes unreachable
 * there or at exit; receivers map it lazily, at first use, in plain Java (see Segment).
 *
 * <p>Accesses are volatile (a VarHandle view): callers mostly read and write under a
 * lock, whose semaphore calls already order memory across processes, but a few
 * reads (as Barrier's {@code nWaiting}) take no lock and must still see a fresh value.
 */
public final class SharedInts implements Serializable {
    private static final long serialVersionUID = 2L;

    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private final Segment segment;
    private final int length;

    private SharedInts(Segment segment, int length) {
        this.segment = segment;
        this.length = length;
    }

    /** {@code length} ints, all 0, in a new shared-memory object owned by this process. */
    public static SharedInts create(int length) {
        if (length < 1 || length > 1024) {
            throw new IllegalArgumentException("length " + length);
        }
        return new SharedInts(Segment.createFresh(4 * length, Segment.Unlink.WHEN_UNREACHABLE), length);
    }

    public String name() {
        return segment.name();
    }

    public int get(int i) {
        return (int) INT.getVolatile(segment.buffer(), index(i));
    }

    public void set(int i, int value) {
        INT.setVolatile(segment.buffer(), index(i), value);
    }

    private int index(int i) {
        if (i < 0 || i >= length) {
            throw new IndexOutOfBoundsException(i);
        }
        return 4 * i;
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (segment == null || length < 1 || length > 1024 || 4 * length > segment.size()) {
            throw new InvalidObjectException("SharedInts: bad length " + length);
        }
    }

    @Override
    public String toString() {
        return segment.name();
    }
}
