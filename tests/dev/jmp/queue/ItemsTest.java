package dev.jmp.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jmp.ProcessError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The raw forms of queue items and pool payloads in one process: each type at each
 * size as an inline message (also the big ones, as a queue whose messages are long
 * enough would send them), and Codec's raw arrays and lists of arrays.
 */
class ItemsTest {
    private static final MessageQueue UNOPENED = MessageQueue.attach("/jmp.0.itemstest");

    private static Object roundTrip(Object o) {
        Items.Encoded e = Items.encode(o);
        byte[] copy = Arrays.copyOf(e.array(), e.length());
        return Items.decode(UNOPENED, copy, copy.length);
    }

    @Test
    void arraysAndStringsOfEverySizeInline() {
        for (int n : new int[] {0, 1, 1023, 1024, 8191, 8192, 70_000}) {
            byte[] b = new byte[n];
            Arrays.fill(b, (byte) 7);
            assertArrayEquals(b, (byte[]) roundTrip(b));
            int[] i = new int[n];
            Arrays.setAll(i, k -> k - 3);
            assertArrayEquals(i, (int[]) roundTrip(i));
            long[] l = new long[n];
            Arrays.setAll(l, k -> (long) k << 33);
            assertArrayEquals(l, (long[]) roundTrip(l));
            double[] d = new double[n];
            Arrays.setAll(d, k -> k / 3.0);
            assertArrayEquals(d, (double[]) roundTrip(d));
            String latin = "é".repeat(n);
            assertEquals(latin, roundTrip(latin));
            String wide = "日\ud800".repeat(n);
            assertEquals(wide, roundTrip(wide));
        }
        Items.Encoded big = Items.encode(new double[2000]);
        assertNotNull(big.body(), "a big array is written from its own array");
        assertNull(Items.encode(new double[2]).body());
    }

    @Test
    void aTruncatedArrayIsAnError() {
        Items.Encoded e = Items.encode(new long[] {1, 2});
        byte[] cut = Arrays.copyOf(e.array(), e.length() - 3);
        assertThrows(ProcessError.class, () -> Items.decode(UNOPENED, cut, cut.length));
    }

    @Test
    void codecSendsArraysRaw() {
        double[] d = {1.5, Double.NaN, -0.0};
        assertArrayEquals(d, (double[]) Codec.decode(Codec.encode(d, "a")));
        assertArrayEquals(new byte[0], (byte[]) Codec.decode(Codec.encode(new byte[0], "a")));
        List<Object> arrays = new ArrayList<>(List.of(new int[] {1, 2}, new int[0], new int[] {3}));
        byte[] m = Codec.encodeArrays(arrays);
        List<?> back = (List<?>) Codec.decode(m);
        assertEquals(3, back.size());
        assertArrayEquals(new int[] {1, 2}, (int[]) back.get(0));
        assertArrayEquals(new int[0], (int[]) back.get(1));
        assertArrayEquals(new int[] {3}, (int[]) back.get(2));
        assertNull(Codec.encodeArrays(List.of(new int[1], new long[1])), "mixed types are serialized");
        assertNull(Codec.encodeArrays(List.of()));
        assertNull(Codec.encodeArrays(List.of("a")));
        byte[] cut = Arrays.copyOf(m, m.length - 1);
        assertThrows(ProcessError.class, () -> Codec.decode(cut));
    }

    /** A reference message as Spill writes one: tag, kind, length (big-endian), name. */
    private static byte[] reference(byte kind, long length, String name) {
        byte[] n = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] ref = new byte[10 + n.length];
        ref[0] = Spill.REFERENCE;
        ref[1] = kind;
        for (int i = 0; i < 8; i++) {
            ref[2 + i] = (byte) (length >>> (56 - 8 * i));
        }
        System.arraycopy(n, 0, ref, 10, n.length);
        return ref;
    }

    @Test
    void aReferenceToNoSuchSlotOrFileIsAnError() {
        for (String name : new String[] {"arena.0", "arena.", "arena.x1", "arena.99999", "arena.-1", "../x", "jmp.1.a"}) {
            byte[] ref = reference((byte) 0x08, 10, name);
            ProcessError e = assertThrows(ProcessError.class, () -> Items.decode(UNOPENED, ref, ref.length), name);
            assertNotNull(e.getMessage());
        }
        byte[] negative = reference((byte) 0x08, -1, "arena.0");
        assertThrows(ProcessError.class, () -> Items.decode(UNOPENED, negative, negative.length));
    }
}
