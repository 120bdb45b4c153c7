package dev.jmp.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.ProcessError;
import dev.jmp.queue.Codec;
import dev.jmp.queue.Items;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The readers of spilled pool frames, on a body in memory: a RESULT (or a TASK) of
 * arrays comes back as the arrays, read piece by piece; anything else, malformed lists
 * included, comes back as the whole frame, which the usual decode then judges.
 */
class FrameReaderTest {
    /** A spilled body in memory; counts the reads. */
    static final class Bytes implements Items.Body {
        final byte[] b;
        final long claimed;
        int reads;

        Bytes(byte[] b, long claimed) {
            this.b = b;
            this.claimed = claimed;
        }

        @Override
        public void readFully(Object array, long off, long len, long pos) {
            reads++;
            if (pos + len > b.length) {
                throw new ProcessError("short body");
            }
            ByteBuffer src = ByteBuffer.wrap(b, (int) pos, (int) len).order(ByteOrder.nativeOrder());
            if (array instanceof byte[] a) {
                src.get(a, (int) off, (int) len);
            } else if (array instanceof double[] a) {
                src.asDoubleBuffer().get(a, (int) off / 8, (int) len / 8);
            } else if (array instanceof int[] a) {
                src.asIntBuffer().get(a, (int) off / 4, (int) len / 4);
            } else {
                src.asLongBuffer().get((long[]) array, (int) off / 8, (int) len / 8);
            }
        }
    }

    static Object read(byte[] frame) {
        return Frames.RESULT_READER.read(new Bytes(frame, frame.length), frame.length);
    }

    static byte[] resultOf(List<?> arrays) {
        return Frames.resultAround(77, Codec.encodeArrays(arrays, Frames.RESULT_HEADER));
    }

    @Test
    void aResultOfArraysIsReadStraightIntoThem() {
        double[] a = {1.5, -2, Math.PI};
        double[] b = new double[100_000];
        for (int i = 0; i < b.length; i++) {
            b[i] = i * 0.25;
        }
        double[] empty = {};
        byte[] frame = resultOf(List.of(a, b, empty));
        Bytes body = new Bytes(frame, frame.length);
        Object got = Frames.RESULT_READER.read(body, frame.length);
        Frames.ArraysResult r = assertInstanceOf(Frames.ArraysResult.class, got);
        assertEquals(77, r.seq());
        assertEquals(3, r.arrays().size());
        assertArrayEquals(a, (double[]) r.arrays().get(0));
        assertArrayEquals(b, (double[]) r.arrays().get(1));
        assertArrayEquals(empty, (double[]) r.arrays().get(2));
        assertEquals(1 + 3, body.reads, "the head, then each array once");
        // The same as decoding the frame whole.
        assertEquals(3, ((List<?>) Codec.decode(frame, Frames.RESULT_HEADER, frame.length - Frames.RESULT_HEADER)).size());
        int[] ints = {1, 2, 3};
        Frames.ArraysResult i = assertInstanceOf(Frames.ArraysResult.class, read(resultOf(List.of(ints))));
        assertArrayEquals(ints, (int[]) i.arrays().get(0));
    }

    @Test
    void anythingElseIsTheWholeFrame() {
        byte[] failed = Frames.result(5, false, Codec.encode("boom", "x"), Codec.encode("boom", "x").length);
        assertArrayEquals(failed, (byte[]) read(failed), "a failed task's frame");
        byte[] object = Frames.result(6, true, Codec.encode(List.of("a", 1), "x"), Codec.encode(List.of("a", 1), "x").length);
        assertArrayEquals(object, (byte[]) read(object), "a serialized value");
        byte[] ready = Frames.ready(3);
        assertArrayEquals(ready, (byte[]) read(ready), "not a RESULT");
    }

    @Test
    void aListWhoseLengthsDoNotAddUpIsTheWholeFrameForTheDecodeToRefuse() {
        byte[] frame = resultOf(List.of(new double[] {1, 2}, new double[] {3}));
        int lengthAt = Frames.RESULT_HEADER + 1 + 1 + 4;      // tag, type, count, then the first length
        ByteBuffer.wrap(frame).order(ByteOrder.nativeOrder()).putInt(lengthAt, 3);
        byte[] whole = (byte[]) read(frame);
        assertArrayEquals(frame, whole);
        assertThrows(ProcessError.class,
                () -> Codec.decode(whole, Frames.RESULT_HEADER, whole.length - Frames.RESULT_HEADER));
        ByteBuffer.wrap(frame).order(ByteOrder.nativeOrder()).putInt(lengthAt, -1);
        assertArrayEquals(frame, (byte[]) read(frame), "a negative length");
        ByteBuffer.wrap(frame).order(ByteOrder.nativeOrder()).putInt(Frames.RESULT_HEADER + 2, Integer.MAX_VALUE);
        assertArrayEquals(frame, (byte[]) read(frame), "more lengths than the head holds");
    }

    @Test
    void aTaskOfArraysIsReadStraightIntoThemWithOrWithoutItsFunction() {
        byte[] func = {7, 8, 9};
        long[] a = {1, 2, 3};
        long[] b = new long[5000];
        java.util.Arrays.fill(b, -4);
        int room = Frames.room(func);
        byte[] withFunc = Frames.taskInPlace(11, 2, Frames.MAP, func, Codec.encodeArrays(List.of(a, b), room));
        Frames.Task t = assertInstanceOf(Frames.Task.class,
                Frames.TASK_READER.read(new Bytes(withFunc, withFunc.length), withFunc.length));
        assertEquals(11, t.seq());
        assertEquals(2, t.job());
        assertEquals(Frames.MAP, t.mode());
        assertArrayEquals(func, t.func());
        List<?> args = (List<?>) t.decodeArgs();
        assertArrayEquals(a, (long[]) args.get(0));
        assertArrayEquals(b, (long[]) args.get(1));
        byte[] noFunc = Frames.task(12, 2, Frames.MAP, null, Codec.encodeArrays(List.of(a, b)));
        Frames.Task u = assertInstanceOf(Frames.Task.class,
                Frames.TASK_READER.read(new Bytes(noFunc, noFunc.length), noFunc.length));
        assertEquals(null, u.func());
        assertArrayEquals(b, (long[]) ((List<?>) u.decodeArgs()).get(1));
        // Arguments that are not arrays, and a STOP: the whole frame.
        byte[] objects = Frames.task(13, 2, Frames.MAP, func, Batch.encode(List.of(1, 2, 3), "x"));
        assertArrayEquals(objects, (byte[]) Frames.TASK_READER.read(new Bytes(objects, objects.length), objects.length));
        byte[] stop = Frames.marker(Frames.STOP);
        assertArrayEquals(stop, (byte[]) Frames.TASK_READER.read(new Bytes(stop, 1), 1));
    }

    @Test
    void aBodyShorterThanItsReferenceSaysIsAProcessError() {
        byte[] frame = resultOf(List.of(new double[1000]));
        byte[] cut = java.util.Arrays.copyOf(frame, frame.length - 8);
        ProcessError e = assertThrows(ProcessError.class,
                () -> Frames.RESULT_READER.read(new Bytes(cut, frame.length), frame.length));
        assertTrue(e.getMessage().contains("short"), e.getMessage());
    }
}
