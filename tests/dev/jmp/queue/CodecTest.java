package dev.jmp.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one codec of queue items and pool payloads, in one thread, including an encode inside an encode. */
class CodecTest {

    /** Serializes another object with the codec while it is itself being serialized. */
    static final class Nesting implements Serializable {
        private static final long serialVersionUID = 1L;
        final List<Integer> payload = new ArrayList<>(List.of(1, 2, 3));
        byte[] inner;

        private void writeObject(ObjectOutputStream out) throws IOException {
            inner = Codec.encode(new ArrayList<>(List.of("inner")), "the inner object");
            out.defaultWriteObject();
        }
    }

    @Test
    void roundTripsAndCopies() {
        byte[] a = Codec.encode(new ArrayList<>(List.of("a", 1)), "a list");
        byte[] b = Codec.encode(new ArrayList<>(List.of("b", 2)), "a list");
        assertEquals(List.of("a", 1), Codec.decode(a), "an earlier encode is not overwritten by a later one");
        assertEquals(List.of("b", 2), Codec.decode(b));
    }

    @Test
    void anEncodeInsideAnEncodeSpoilsNeither() {
        Items.Encoded outer = Codec.item(new Nesting());
        Nesting back = (Nesting) Codec.decode(Arrays.copyOf(outer.array(), outer.length()));
        assertEquals(List.of(1, 2, 3), back.payload);
        assertEquals(List.of("inner"), Codec.decode(back.inner));

        Nesting again = (Nesting) Codec.decode(Codec.encode(new Nesting(), "the outer object"));
        assertEquals(List.of("inner"), Codec.decode(again.inner));
    }

    @Test
    void whatCannotBeSerializedFailsTheCallInTheCallersWords() {
        Object bad = new Object();
        IllegalArgumentException put = assertThrows(IllegalArgumentException.class, () -> Codec.item(bad));
        assertTrue(put.getMessage().startsWith("cannot put"), put.getMessage());
        assertInstanceOf(NotSerializableException.class, put.getCause());

        IllegalArgumentException pool = assertThrows(IllegalArgumentException.class,
                () -> Codec.encode(bad, "the function"));
        assertTrue(pool.getMessage().startsWith("the function cannot be serialized"), pool.getMessage());
        assertInstanceOf(NotSerializableException.class, pool.getCause());

        byte[] after = Codec.encode(7L, "a number");
        assertEquals(7L, Codec.decode(after), "a failure leaves the thread's writer usable");
    }

    @Test
    void aHugeMessageIsStillWhole() {
        byte[] big = new byte[3 << 20];
        big[big.length - 1] = 42;
        byte[] message = Codec.encode(big, "a big array");
        assertArrayEquals(big, (byte[]) Codec.decode(message));
        assertEquals(List.of(5), Codec.decode(Codec.encode(new ArrayList<>(List.of(5)), "after")));
    }
}
