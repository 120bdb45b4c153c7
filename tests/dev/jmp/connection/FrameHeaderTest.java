package dev.jmp.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The header bytes are CPython's: struct.pack("!i", n), or "!i" -1 then "!Q" n above 0x7fffffff. */
class FrameHeaderTest {

    private static byte[] encode(long n) {
        byte[] b = new byte[FrameHeader.MAX];
        return Arrays.copyOf(b, FrameHeader.encode(n, b, 0));
    }

    @Test
    void shortFormUpTo0x7fffffff() {
        assertArrayEquals(new byte[] {0, 0, 0, 0}, encode(0));
        assertArrayEquals(new byte[] {0, 0, 1, 2}, encode(258));
        assertArrayEquals(new byte[] {0x7f, -1, -1, -1}, encode(0x7fffffffL));
    }

    @Test
    void longFormFrom2GiB() {
        assertArrayEquals(new byte[] {-1, -1, -1, -1, 0, 0, 0, 0, (byte) 0x80, 0, 0, 0}, encode(1L << 31));
        assertArrayEquals(new byte[] {-1, -1, -1, -1, 0, 0, 1, 0, 0, 0, 0, 5}, encode((1L << 40) + 5));
        byte[] b = encode((1L << 40) + 5);
        assertEquals(FrameHeader.LONG_MARK, FrameHeader.getInt(b, 0));
        assertEquals((1L << 40) + 5, FrameHeader.getLong(b, 4));
    }

    @Test
    void unsignedLengthAbove2To63ReadsNegative() {
        byte[] b = {-1, -1, -1, -1, -1, -1, -1, -1};
        assertEquals(-1L, FrameHeader.getLong(b, 0));
    }
}
