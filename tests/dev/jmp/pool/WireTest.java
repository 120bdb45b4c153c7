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
class WireTest {
    private static final int JAVA_STREAM = 0xAC;

    @Test
    void aLambdaThatCapturedPlainValuesGoesByReference() throws Exception {
        int base = 40;
        String suffix = "!";
        Func<Integer, String> f = x -> (base + x) + suffix;
        byte[] bytes = Wire.encodeFunction(f, "test");
        assertEquals(Wire.BY_REFERENCE, bytes[0]);
        @SuppressWarnings("unchecked")
        Func<Integer, String> back = (Func<Integer, String>) Wire.decodeFunction(bytes);
        assertEquals("42!", back.apply(2));
        Call<Integer> c = () -> 7;
        assertEquals(7, ((Call<?>) Wire.decodeFunction(Wire.encodeFunction(c, "test"))).call());
    }

    @Test
    void aLambdaThatCapturedAnObjectOrALockGoesByCodec() throws Exception {
        List<Integer> list = new ArrayList<>(List.of(1, 2));
        Call<Integer> sized = () -> list.size();
        byte[] bytes = Wire.encodeFunction(sized, "test");
        assertEquals(JAVA_STREAM, bytes[0] & 0xff);
        assertEquals(2, ((Call<?>) Wire.decodeFunction(bytes)).call());
        Lock lock = new Lock();
        Call<Boolean> locked = () -> lock.acquire(false);
        // A Lock is counted in flight when Java serialization carries it; by reference it
        // would not be. Encoded as never sent, so that no copy waits for a receiver here.
        boolean unsent = Holds.unsent(true);
        try {
            assertEquals(JAVA_STREAM, Wire.encodeFunction(locked, "test")[0] & 0xff);
        } finally {
            Holds.unsent(unsent);
        }
    }

    @Test
    void plainResultsSkipSerializationAndOthersDoNot() {
        for (Object v : new Object[] {42, -1L, "text", 'c', true, 2.5, 1.5f, (byte) 3, (short) 4}) {
            byte[] bytes = Wire.encodeValue(v, "test");
            assertEquals(Wire.PLAIN, bytes[0], "tag of " + v);
            assertEquals(v, Wire.decodeValue(bytes, 0, bytes.length));
        }
        byte[] none = Wire.encodeValue(null, "test");
        assertEquals(Wire.PLAIN, none[0]);
        assertNull(Wire.decodeValue(none, 0, none.length));
        String huge = "é".repeat(40_000);  // 80 000 bytes of modified UTF-8: more than writeUTF takes
        byte[] long_ = Wire.encodeValue(huge, "test");
        assertEquals(JAVA_STREAM, long_[0] & 0xff);
        assertEquals(huge, Wire.decodeValue(long_, 0, long_.length));
        List<Integer> list = List.of(1, 2, 3);
        byte[] other = Wire.encodeValue(list, "test");
        assertEquals(JAVA_STREAM, other[0] & 0xff);
        assertEquals(list, Wire.decodeValue(other, 0, other.length));
    }

    @Test
    void aTruncatedPlainValueIsAProcessError() {
        byte[] bytes = Wire.encodeValue(123456789L, "test");
        assertThrows(ProcessError.class, () -> Wire.decodeValue(bytes, 0, 3));
        byte[] ref = Wire.encodeFunction((Call<Integer>) () -> 1, "test");
        byte[] cut = java.util.Arrays.copyOf(ref, ref.length / 2);
        assertThrows(ProcessError.class, () -> Wire.decodeFunction(cut));
    }
}
