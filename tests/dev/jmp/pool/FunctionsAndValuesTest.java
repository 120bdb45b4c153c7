package dev.jmp.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jmp.Call;
import dev.jmp.Func;
import dev.jmp.Lock;
import dev.jmp.ProcessError;
import dev.jmp.resource.Holds;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A pool's functions and results on the wire: by reference and as plain values where
 * they can be (no Java serialization in the worker), by Codec otherwise, and the same
 * object back either way.
 */
class FunctionsAndValuesTest {
    private static final int JAVA_STREAM = 0xAC;

    @Test
    void aLambdaThatCapturedPlainValuesGoesByReference() throws Exception {
        int base = 40;
        String suffix = "!";
        Func<Integer, String> f = x -> (base + x) + suffix;
        byte[] bytes = Functions.encode(f, "test");
        assertEquals(Functions.BY_REFERENCE, bytes[0]);
        @SuppressWarnings("unchecked")
        Func<Integer, String> back = (Func<Integer, String>) Functions.decode(bytes);
        assertEquals("42!", back.apply(2));
        Call<Integer> c = () -> 7;
        assertEquals(7, ((Call<?>) Functions.decode(Functions.encode(c, "test"))).call());
    }

    @Test
    void aLambdaThatCapturedAnObjectOrALockGoesByCodec() throws Exception {
        List<Integer> list = new ArrayList<>(List.of(1, 2));
        Call<Integer> sized = () -> list.size();
        byte[] bytes = Functions.encode(sized, "test");
        assertEquals(JAVA_STREAM, bytes[0] & 0xff);
        assertEquals(2, ((Call<?>) Functions.decode(bytes)).call());
        Lock lock = new Lock();
        Call<Boolean> locked = () -> lock.acquire(false);
        // A Lock is counted in flight when Java serialization carries it; by reference it
        // would not be. Encoded as never sent, so that no copy waits for a receiver here.
        boolean unsent = Holds.unsent(true);
        try {
            assertEquals(JAVA_STREAM, Functions.encode(locked, "test")[0] & 0xff);
        } finally {
            Holds.unsent(unsent);
        }
    }

    @Test
    void plainResultsSkipSerializationAndOthersDoNot() {
        for (Object v : new Object[] {42, -1L, "text", 'c', true, 2.5, 1.5f, (byte) 3, (short) 4}) {
            byte[] bytes = Values.encode(v, "test");
            assertEquals(Values.PLAIN, bytes[0], "tag of " + v);
            assertEquals(v, Values.decode(bytes, 0, bytes.length));
        }
        byte[] none = Values.encode(null, "test");
        assertEquals(Values.PLAIN, none[0]);
        assertNull(Values.decode(none, 0, none.length));
        String huge = "é".repeat(40_000);  // 80 000 bytes of modified UTF-8: more than writeUTF takes
        byte[] long_ = Values.encode(huge, "test");
        assertEquals(JAVA_STREAM, long_[0] & 0xff);
        assertEquals(huge, Values.decode(long_, 0, long_.length));
        List<Integer> list = List.of(1, 2, 3);
        byte[] other = Values.encode(list, "test");
        assertEquals(JAVA_STREAM, other[0] & 0xff);
        assertEquals(list, Values.decode(other, 0, other.length));
    }

    @Test
    void aTruncatedPlainValueIsAProcessError() {
        byte[] bytes = Values.encode(123456789L, "test");
        assertThrows(ProcessError.class, () -> Values.decode(bytes, 0, 3));
        byte[] ref = Functions.encode((Call<Integer>) () -> 1, "test");
        byte[] cut = java.util.Arrays.copyOf(ref, ref.length / 2);
        assertThrows(ProcessError.class, () -> Functions.decode(cut));
    }
}
