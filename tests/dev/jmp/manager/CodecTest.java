package dev.jmp.manager;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.Connection;
import dev.jmp.Pipe;
import dev.jmp.ProcessError;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The manager's call frames over a real Connection: every value comes back equal and of
 * its own class, whether it took the compact form or Java serialization; a frame that
 * is not one is ProcessError, and the connection goes on.
 */
class CodecTest {
    private final Pipe pipe = Pipe.open(true);
    private final Connection a = pipe.conn1();
    private final Connection b = pipe.conn2();

    @AfterEach
    void close() {
        pipe.close();
    }

    private static final String ODD = "h\u00e9\u4e2d\ud83d\ude00\u0000\ud800end";   // NUL, non-BMP, an unpaired surrogate

    @Test
    void everyValueComesBackEqualAndOfItsClass() {
        Object[] args = {null, "", ODD, "x".repeat(70_000), 42, -1L, Math.PI, Float.NaN, true, false,
            (short) -2, 'z', (byte) -128, new byte[] {1, 2, 3}, List.of(1, "two"), Map.of("k", 3.5),
            new int[] {7, 8}, new StringBuilder("by serialization")};
        Codec out = new Codec();
        Codec in = new Codec();
        out.send(a, new Request(ManagerDescriptor.CALL, 1234567890123L, "java.util.Map.put(java.lang.Object,java.lang.Object)", args));
        Request r = in.request(b.recvBytes());
        assertEquals(ManagerDescriptor.CALL, r.op());
        assertEquals(1234567890123L, r.id());
        assertEquals("java.util.Map.put(java.lang.Object,java.lang.Object)", r.name());
        assertEquals(args.length, r.args().length);
        for (int i = 0; i < args.length; i++) {
            Object sent = args[i];
            Object got = r.args()[i];
            if (sent == null) {
                assertNull(got);
                continue;
            }
            assertEquals(sent.getClass(), got.getClass(), "argument " + i);
            if (sent instanceof byte[] bytes) {
                assertArrayEquals(bytes, (byte[]) got);
            } else if (sent instanceof int[] ints) {
                assertArrayEquals(ints, (int[]) got);
            } else if (sent instanceof StringBuilder sb) {
                assertEquals(sb.toString(), got.toString());
            } else {
                assertEquals(sent, got, "argument " + i);
            }
        }
    }

    @Test
    void noArgumentArrayAndAllReplyKinds() {
        Codec out = new Codec();
        Codec in = new Codec();
        out.send(a, new Request(ManagerDescriptor.SHUTDOWN, 0, null, null));
        Request r = in.request(b.recvBytes());
        assertNull(r.name());
        assertNull(r.args());

        in.send(b, Reply.value(7L));
        assertEquals(new Reply(ManagerDescriptor.RETURN, 7L), out.reply(a.recvBytes(), "\0at"));
        in.send(b, Reply.proxy(new Token("dict", "\0server", null, 99, 5)));
        Reply p = out.reply(a.recvBytes(), "\0at");
        Token t = (Token) p.value();
        assertEquals(ManagerDescriptor.PROXY, p.kind());
        assertEquals(List.of("dict", "\0at", 99L, 5L), List.of(t.typeid(), t.address(), t.server(), t.id()));
        in.send(b, Reply.error(new IllegalStateException("boom")));
        Reply e = out.reply(a.recvBytes(), "\0at");
        assertEquals(ManagerDescriptor.ERROR, e.kind());
        assertEquals("boom", ((IllegalStateException) e.value()).getMessage());
    }

    @Test
    void anUnserializableArgumentWritesNothing() {
        Codec out = new Codec();
        assertThrows(IllegalArgumentException.class,
                () -> out.send(a, new Request(ManagerDescriptor.CALL, 1, "m()", new Object[] {"ok", new Object()})));
        assertTrue(!b.poll());
        out.send(a, new Request(ManagerDescriptor.CALL, 2, "m()", new Object[] {"next"}));
        assertEquals("next", new Codec().request(b.recvBytes()).args()[0]);
    }

    @Test
    void aFrameThatIsNotOneIsProcessError() {
        Codec in = new Codec();
        byte[] good = frame();
        for (int cut = 0; cut < good.length; cut++) {
            byte[] torn = Arrays.copyOf(good, cut);
            assertThrows(ProcessError.class, () -> in.request(torn), "cut at " + cut);
        }
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThrows(ProcessError.class, () -> in.request(trailing));
        byte[] badTag = good.clone();
        badTag[good.length - 5] = 99;      // the tag of the last argument (an int)
        assertThrows(ProcessError.class, () -> in.request(badTag));
        byte[] hugeCount = good.clone();
        hugeCount[13 + "m()".length()] = 0x7f;      // the argument count's high byte
        assertThrows(ProcessError.class, () -> in.request(hugeCount));
        assertEquals(5, in.request(good).args()[1]);
    }

    private byte[] frame() {
        new Codec().send(a, new Request(ManagerDescriptor.CALL, 3, "m()", new Object[] {"s", 5}));
        return b.recvBytes();
    }
}
