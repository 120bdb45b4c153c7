package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Items of every raw type (byte[], int[], long[], double[], String) and of every size
 * class (empty, one element, just under and just over the spill threshold of a
 * 1024-byte message, 1 MiB, and one of 100 MiB) through Queue, SimpleQueue,
 * JoinableQueue and Pool, across real processes: one echo child serves all three
 * queues, one Pool serves the pool cases. Nothing may be left in /dev/shm.
 */
class BigItemsTest {
    private static final Duration LONG = Duration.ofSeconds(120);
    private static final long ME = ProcessHandle.current().pid();
    private static final int MIB = 1024 * 1024;

    @AfterAll
    static void nothingOfOursLeft() throws Exception {
        QueueObjects.awaitNoneOf(ME);
    }

    /**
     * Element counts of each size class for elements of {@code size} bytes; a message is
     * the tag byte and the elements, so "under" fits 1024 bytes and "over" spills.
     */
    static int[] counts(int size) {
        int under = (1024 - 1) / size;
        return new int[] {0, 1, under, under + 1, 8192 / size - 1, 8192 / size, MIB / size};
    }

    static List<Object> items() {
        List<Object> out = new ArrayList<>();
        for (int n : counts(1)) {
            byte[] a = new byte[n];
            for (int i = 0; i < n; i++) {
                a[i] = (byte) (i * 31 + 7);
            }
            out.add(a);
        }
        for (int n : counts(4)) {
            int[] a = new int[n];
            Arrays.setAll(a, i -> i * 0x01020304 - 5);
            out.add(a);
        }
        for (int n : counts(8)) {
            long[] a = new long[n];
            Arrays.setAll(a, i -> i * 0x0102030405060708L - 9);
            out.add(a);
        }
        for (int n : counts(8)) {
            double[] a = new double[n];
            Arrays.setAll(a, i -> i == 3 ? Double.NaN : i * 0.5 - 1);
            out.add(a);
        }
        for (int n : counts(1)) {
            out.add("é".repeat(n));                // Latin-1: one byte a char
        }
        for (int n : counts(2)) {
            out.add("日".repeat(n));                // two bytes a char
        }
        return out;
    }

    static void assertSame(Object expected, Object actual, String what) {
        assertEquals(expected.getClass(), actual.getClass(), what);
        if (expected instanceof byte[] e) {
            assertArrayEquals(e, (byte[]) actual, what);
        } else if (expected instanceof int[] e) {
            assertArrayEquals(e, (int[]) actual, what);
        } else if (expected instanceof long[] e) {
            assertArrayEquals(e, (long[]) actual, what);
        } else if (expected instanceof double[] e) {
            assertArrayEquals(e, (double[]) actual, what);
        } else {
            assertEquals(expected, actual, what);
        }
    }

    static String describe(Object o) {
        return o.getClass().getSimpleName() + " of " + (o instanceof String s ? s.length() : java.lang.reflect.Array.getLength(o));
    }

    /** The child: echoes {@code n} items on each pair of queues, then one more (the 100 MiB one) on the first. */
    static void echo(Queue<Object> in, Queue<Object> out, SimpleQueue<Object> sin, SimpleQueue<Object> sout,
            JoinableQueue<Object> jin, Queue<Object> jout, int n) {
        for (int i = 0; i < n; i++) {
            out.put(in.get());
        }
        for (int i = 0; i < n; i++) {
            sout.put(sin.get());
        }
        for (int i = 0; i < n; i++) {
            jout.put(jin.get());
            jin.taskDone();
        }
        out.put(in.get());
    }

    @Test
    void everyTypeAndSizeThroughEveryQueueToAChildAndBack() {
        List<Object> items = items();
        Queue<Object> in = new Queue<>();
        Queue<Object> out = new Queue<>();
        SimpleQueue<Object> sin = new SimpleQueue<>();
        SimpleQueue<Object> sout = new SimpleQueue<>();
        JoinableQueue<Object> jin = new JoinableQueue<>();
        Queue<Object> jout = new Queue<>();
        int n = items.size();
        Process child = new Process(() -> echo(in, out, sin, sout, jin, jout, n));
        child.start();
        try {
            for (Object o : items) {
                in.put(o);
                assertSame(o, out.get(LONG), "Queue: " + describe(o));
            }
            for (Object o : items) {
                sin.put(o);
                assertSame(o, sout.get(), "SimpleQueue: " + describe(o));
            }
            for (Object o : items) {
                jin.put(o);
            }
            for (Object o : items) {
                assertSame(o, jout.get(LONG), "JoinableQueue: " + describe(o));
            }
            jin.join();
            double[] huge = new double[100 * MIB / 8];
            Arrays.setAll(huge, i -> i * 0.25);
            in.put(huge);
            assertSame(huge, out.get(LONG), "Queue: 100 MiB double[]");
        } finally {
            child.join(LONG);
            if (child.exitcode() == null) {
                child.kill();
                child.join();
            }
        }
        assertEquals(0, child.exitcode());
    }

    static Object identity(Object x) {
        return x;
    }

    static double[] scaled(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = 2 * x[i];
        }
        return y;
    }

    @Test
    void bigArgumentsAndResultsThroughAPool() {
        List<Object> items = items();
        try (Pool pool = new Pool(2)) {
            // One type per map (a chunk of one array type skips serialization), then all mixed.
            for (Class<?> type : List.of(byte[].class, int[].class, long[].class, double[].class, String.class)) {
                List<Object> same = new ArrayList<>();
                for (Object o : items) {
                    if (o.getClass() == type) {
                        same.add(o);
                    }
                }
                List<Object> back = pool.map(BigItemsTest::identity, same);
                for (int i = 0; i < same.size(); i++) {
                    assertSame(same.get(i), back.get(i), "Pool.map of " + describe(same.get(i)));
                }
                List<Object> one = pool.map(BigItemsTest::identity, same, 1);
                for (int i = 0; i < same.size(); i++) {
                    assertSame(same.get(i), one.get(i), "Pool.map chunksize 1 of " + describe(same.get(i)));
                }
            }
            List<Object> mixed = pool.map(BigItemsTest::identity, items, 3);
            for (int i = 0; i < items.size(); i++) {
                assertSame(items.get(i), mixed.get(i), "Pool.map mixed: " + describe(items.get(i)));
            }
            double[] big = new double[MIB / 8];
            Arrays.setAll(big, i -> i);
            double[] twice = pool.apply(() -> scaled(big));
            for (int i = 0; i < big.length; i++) {
                assertEquals(2.0 * i, twice[i]);
            }
            List<double[]> chunks = new ArrayList<>();
            for (int c = 0; c < 16; c++) {
                double[] a = new double[MIB / 8];
                Arrays.fill(a, c);
                chunks.add(a);
            }
            List<double[]> scaledChunks = pool.map(BigItemsTest::scaled, chunks);
            for (int c = 0; c < 16; c++) {
                double[] expected = new double[MIB / 8];
                Arrays.fill(expected, 2.0 * c);
                org.junit.jupiter.api.Assertions.assertArrayEquals(expected, scaledChunks.get(c), "chunk " + c);
            }
        }
    }
}
