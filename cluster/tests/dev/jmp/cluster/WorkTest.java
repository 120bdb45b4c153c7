package dev.jmp.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.Call;
import dev.jmp.Func;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The wire layout of tasks and replies ({@link WireDescriptor}), without a cluster: what
 * a member runs from the bytes a pool made, and what the pool reads back.
 */
class WorkTest {
    private static final ClassLoader LOADER = WorkTest.class.getClassLoader();

    private static Work.Reply runChunk(Func<Object, Object> f, List<?> items) throws Exception {
        byte[] task = Work.chunk(Work.chunkPrefix(Payloads.encode(f)), items);
        return Work.reply(Work.execute(task), LOADER);
    }

    @Test
    void numbersTravelAsPrimitiveArraysAndComeBackBoxed() throws Exception {
        List<Integer> ints = List.of(1, -2, Integer.MAX_VALUE, Integer.MIN_VALUE);
        byte[] task = Work.chunk(Work.chunkPrefix(Payloads.encode((Func<Object, Object>) x -> x)), ints);
        byte[] func = Payloads.encode((Func<Object, Object>) x -> x);
        assertEquals(WireDescriptor.TASK_HEADER + func.length + WireDescriptor.ITEMS_HEADER + 4 * ints.size(), task.length,
                "four bytes an int");
        assertEquals(new Work.Reply(true, ints), Work.reply(Work.execute(task), LOADER));
        assertEquals(new Work.Reply(true, List.of(2L, -4L, 6L)), runChunk(x -> (Long) x * 2, List.of(1L, -2L, 3L)));
        assertEquals(new Work.Reply(true, List.of(0.5, -1.0, Double.NaN)), runChunk(x -> (Double) x / 2, List.of(1.0, -2.0, Double.NaN)));
    }

    @Test
    void anythingElseTravelsByJavaSerialization() throws Exception {
        List<Object> mixed = Arrays.asList(1, 2L, "three", null, List.of(4));
        assertEquals(new Work.Reply(true, mixed), runChunk(x -> x, mixed));
        assertEquals(new Work.Reply(true, List.of("aa", "cc")), runChunk(x -> x + "" + x, List.of('a', 'c')));
        assertEquals(new Work.Reply(true, List.of()), runChunk(x -> x, List.of()));
    }

    @Test
    void anApplyReturnsItsValueAndAFailureItsException() throws Exception {
        byte[] ok = Work.apply(Payloads.encode((Call<String>) () -> "hi"));
        assertEquals(new Work.Reply(true, "hi"), Work.reply(Work.execute(ok), LOADER));
        byte[] bad = Work.apply(Payloads.encode((Call<String>) () -> {
            throw new IllegalStateException("no");
        }));
        Work.Reply r = Work.reply(Work.execute(bad), LOADER);
        assertFalse(r.ok());
        assertEquals("no", assertInstanceOf(IllegalStateException.class, r.value()).getMessage());
        Work.Reply chunk = runChunk(x -> 10 / (Integer) x, List.of(1, 0));
        assertInstanceOf(ArithmeticException.class, chunk.value());
    }

    @Test
    void aResultThatCannotBeSerializedFailsAsThePoolSays() throws Exception {
        Work.Reply r = runChunk(x -> new Object(), List.of(1));
        assertFalse(r.ok());
        assertTrue(((Throwable) r.value()).getMessage().startsWith("Error sending result"));
        assertThrows(NotSerializableException.class, () -> Items.encode(new byte[0], List.of(new Object())));
    }

    @Test
    void corruptBytesFailWithoutAllocatingWhatTheyClaim() {
        // An INTS section claiming a billion items in eight bytes.
        byte[] lying = ByteBuffer.allocate(WireDescriptor.ITEMS_HEADER + 8).put(WireDescriptor.INTS).putInt(1 << 30).array();
        assertThrows(StreamCorruptedException.class, () -> Items.decode(ByteBuffer.wrap(lying), LOADER));
        byte[] negative = ByteBuffer.allocate(WireDescriptor.ITEMS_HEADER).put(WireDescriptor.LONGS).putInt(-1).array();
        assertThrows(StreamCorruptedException.class, () -> Items.decode(ByteBuffer.wrap(negative), LOADER));
        assertThrows(StreamCorruptedException.class, () -> Work.reply(new byte[] {9}, LOADER));
        assertThrows(IOException.class, () -> Work.reply(new byte[0], LOADER));
        // A task whose function length runs past its end is the task's failure, sent back as its reply.
        byte[] task = ByteBuffer.allocate(WireDescriptor.TASK_HEADER).put(WireDescriptor.APPLY).putInt(100).array();
        Work.Reply r = assertDoesNotThrowReply(task);
        assertInstanceOf(StreamCorruptedException.class, r.value());
    }

    private static Work.Reply assertDoesNotThrowReply(byte[] task) {
        try {
            return Work.reply(Work.execute(task), LOADER);
        } catch (IOException | ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aSublistIsEncodedAsItsItemsOnly() throws Exception {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            all.add(i);
        }
        byte[] prefix = {42};
        byte[] b = Items.encode(prefix, all.subList(3, 6));
        assertArrayEquals(prefix, Arrays.copyOf(b, 1));
        assertEquals(List.of(3, 4, 5), Items.decode(ByteBuffer.wrap(b, 1, b.length - 1).slice(), LOADER));
    }
}
