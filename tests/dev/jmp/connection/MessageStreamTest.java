package dev.jmp.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.ProcessError;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The message format and the long-lived streams on both sides, without a pipe: every
 * message decodes alone, whichever writer made it and in whatever order.
 */
class MessageStreamTest {
    record Point(int x, int y, String label) implements Serializable {
    }

    static final class Node implements Serializable {
        private static final long serialVersionUID = 1L;
        final String name;
        Node next;

        Node(String name) {
            this.name = name;
        }
    }

    private static byte[] encode(MessageWriter w, Object obj) {
        MessageWriter.Sink s = w.encode(obj);
        return Arrays.copyOf(s.array(), s.size());
    }

    /** A message as any other Java program would write it: a fresh stream, no trailing reset. */
    private static byte[] plain(Object obj) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(b)) {
            o.writeObject(obj);
        }
        return b.toByteArray();
    }

    @Test
    void messagesWithSharedObjectsDecodeAloneAndInAnyMix() throws Exception {
        MessageWriter w1 = new MessageWriter();
        MessageWriter w2 = new MessageWriter();
        MessageReader r = new MessageReader();
        Point shared = new Point(1, 2, "p");
        List<byte[]> messages = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            messages.add(encode(w1, new ArrayList<>(List.of(shared, shared, new Point(i, i, "q")))));
            messages.add(encode(w2, new Point(i, -i, "w2")));
            messages.add(plain(List.of("x" + i, new Point(0, i, "plain"))));
        }
        Node a = new Node("a");
        a.next = new Node("b");
        a.next.next = a;
        messages.add(encode(w1, a));
        // Each message is also a standard serialization stream of its own.
        for (byte[] m : messages) {
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(m))) {
                in.readObject();
            }
        }
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 5; i++) {
                List<?> l = (List<?>) r.decode(messages.get(3 * i));
                assertEquals(List.of(shared, shared, new Point(i, i, "q")), l);
                assertSame(l.get(0), l.get(1), "a back-reference inside one message resolves within it");
                assertEquals(new Point(i, -i, "w2"), r.decode(messages.get(3 * i + 1)));
                assertEquals(List.of("x" + i, new Point(0, i, "plain")), r.decode(messages.get(3 * i + 2)));
            }
            Node n = (Node) r.decode(messages.get(messages.size() - 1));
            assertEquals("b", n.next.name);
            assertSame(n, n.next.next);
        }
    }

    @Test
    void nullTravels() {
        assertNull(new MessageReader().decode(encode(new MessageWriter(), null)));
    }

    @Test
    void aFailedEncodeLeavesNoTrace() {
        MessageWriter w = new MessageWriter();
        MessageReader r = new MessageReader();
        byte[] before = encode(w, new Point(1, 1, "a"));
        List<Object> bad = new ArrayList<>(List.of("x".repeat(5000), new Point(2, 2, "b"), new Object()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.encode(bad));
        assertInstanceOf(NotSerializableException.class, e.getCause());
        assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
        byte[] after = encode(w, new Point(3, 3, "c"));
        assertEquals(new Point(1, 1, "a"), r.decode(before));
        assertEquals(new Point(3, 3, "c"), r.decode(after));
    }

    @Test
    void aBadMessageDoesNotSpoilTheNext() throws Exception {
        MessageReader r = new MessageReader();
        byte[] good = plain(new Point(5, 5, "ok"));
        byte[] cut = Arrays.copyOf(good, good.length - 3);
        assertThrows(ProcessError.class, () -> r.decode(cut));
        assertEquals(new Point(5, 5, "ok"), r.decode(good));
        ProcessError pickle = assertThrows(ProcessError.class,
                () -> r.decode(new byte[] {(byte) 0x80, 4, (byte) 0x95, 0, 0, 0, 0, 0, 0, 0, 0, 0x4e, 0x2e}));
        assertTrue(pickle.getMessage().contains("Python pickle"), pickle.getMessage());
        assertEquals(new Point(5, 5, "ok"), r.decode(good));
    }

    /** A class this process cannot initialize. */
    static final class Unloadable {
        static {
            if (Boolean.TRUE) {
                throw new IllegalStateException("this class does not initialize here");
            }
        }

        static void touch() {
        }
    }

    /** Serializable; its readObject needs Unloadable. */
    static final class NeedsUnloadable implements Serializable {
        private static final long serialVersionUID = 1L;

        private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
            in.defaultReadObject();
            Unloadable.touch();
        }
    }

    @Test
    void aClassThatCannotBeLinkedHereIsABadMessageNotAnError() throws Exception {
        MessageReader r = new MessageReader();
        byte[] m = plain(new NeedsUnloadable());
        ProcessError first = assertThrows(ProcessError.class, () -> r.decode(m));
        assertInstanceOf(ExceptionInInitializerError.class, first.getCause());
        ProcessError again = assertThrows(ProcessError.class, () -> r.decode(m));
        assertInstanceOf(NoClassDefFoundError.class, again.getCause());
        assertEquals(new Point(5, 5, "ok"), r.decode(plain(new Point(5, 5, "ok"))), "the reader is still usable");
    }

    @Test
    void aForgedImmutableCollectionTagIsABadMessage() throws Exception {
        // List.of(1, 2, 3)'s serial form is java.util.CollSer {int tag; Object[] array}.
        // Tag 3 says Map.of, whose readResolve throws InternalError on three elements.
        byte[] m = plain(List.of(1, 2, 3));
        int at = indexOf(m, new byte[] {0x78, 0x70}) + 2;   // TC_ENDBLOCKDATA, TC_NULL: then the fields
        assertEquals(1, FrameHeader.getInt(m, at), "the tag of a List");
        m[at + 3] = 3;
        MessageReader r = new MessageReader();
        ProcessError e = assertThrows(ProcessError.class, () -> r.decode(m));
        assertTrue(e.getMessage().contains("could not be deserialized"), e.getMessage());
        assertEquals(new Point(5, 5, "ok"), r.decode(plain(new Point(5, 5, "ok"))), "the reader is still usable");
    }

    private static int indexOf(byte[] in, byte[] what) {
        for (int i = 0; i + what.length <= in.length; i++) {
            if (Arrays.equals(in, i, i + what.length, what, 0, what.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    @Test
    void aForgedArrayLengthIsRefusedBeforeAllocation() throws Exception {
        byte[] m = plain(new int[4]);
        int at = m.length - 16 - 4;     // the length precedes the 4 ints
        assertEquals(4, FrameHeader.getInt(m, at));
        m[at] = 0x7f;
        m[at + 1] = (byte) 0xff;
        m[at + 2] = (byte) 0xff;
        m[at + 3] = (byte) 0xf0;
        ProcessError e = assertThrows(ProcessError.class, () -> new MessageReader().decode(m));
        assertTrue(e.getMessage().contains("per byte of the message"), e.getMessage());
    }

    @Test
    void limitsCountPerMessage() {
        MessageWriter w = new MessageWriter();
        MessageReader r = new MessageReader(new MessageFilter(20, 50, 1000));
        List<Point> twenty = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            twenty.add(new Point(i, i, null));
        }
        byte[] ok = encode(w, twenty);
        for (int i = 0; i < 100; i++) {
            assertEquals(twenty, r.decode(ok), "references are counted per message, not per stream");
        }
        List<Point> sixty = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            sixty.add(new Point(i, i, null));
        }
        ProcessError refs = assertThrows(ProcessError.class, () -> r.decode(encode(w, sixty)));
        assertTrue(refs.getMessage().contains("maxRefs=50"), refs.getMessage());
        Object[] deep = null;
        for (int i = 0; i < 30; i++) {
            deep = new Object[] {deep};
        }
        Object[] tooDeep = deep;
        ProcessError depth = assertThrows(ProcessError.class, () -> r.decode(encode(w, tooDeep)));
        assertTrue(depth.getMessage().contains("maxDepth=20"), depth.getMessage());
        ProcessError array = assertThrows(ProcessError.class, () -> r.decode(encode(w, new byte[2000])));
        assertTrue(array.getMessage().contains("maxArrayLength=1000"), array.getMessage());
        assertEquals(twenty, r.decode(ok));
    }
}
