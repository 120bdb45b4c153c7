package dev.jmp.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.InterruptedError;
import dev.jmp.ProcessError;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Messages that are small but costly to decode end fast in a ProcessError naming the
 * limit; ordinary shared graphs still decode; the reader stays usable.
 */
public class DecodeWorkTest {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** The classic bomb: 100 levels, each a pair of sets holding both sets of the next level. */
    public static Set<Object> bomb(int levels) {
        Set<Object> root = new HashSet<>();
        Set<Object> s1 = root;
        Set<Object> s2 = new HashSet<>();
        for (int i = 0; i < levels; i++) {
            Set<Object> t1 = new HashSet<>();
            Set<Object> t2 = new HashSet<>();
            t1.add("foo");
            s1.add(t1);
            s1.add(t2);
            s2.add(t1);
            s2.add(t2);
            s1 = t1;
            s2 = t2;
        }
        return root;
    }

    record Pair(Object a, Object b) implements Serializable {
    }

    /** A plain graph node: identity hashCode, so sharing costs nothing to hash. */
    static final class Cell implements Serializable {
        private static final long serialVersionUID = 1L;
        Cell right;
        Cell down;
    }

    /** Equal hash codes for all, not Comparable: every insertion walks the earlier keys. */
    static final class Colliding implements Serializable {
        private static final long serialVersionUID = 1L;
        final int id;

        Colliding(int id) {
            this.id = id;
        }

        @Override
        public int hashCode() {
            return 7;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Colliding c && c.id == id;
        }
    }

    /** Hashes through its reference: a set of these pointing back at the set hashes forever. */
    static final class Back implements Serializable {
        private static final long serialVersionUID = 1L;
        Object ref;

        @Override
        public int hashCode() {
            return java.util.Objects.hashCode(ref);
        }

        @Override
        public boolean equals(Object o) {
            return this == o;
        }
    }

    /**
     * A set whose elements refer back to the set, built so that nothing hashes it (the
     * references are set after the elements are added). Read back, the set's readObject
     * hashes each element as it adds it, and from the second element on that walks the
     * cycle without end (the shape of what {@code make stress}'s fuzzing found, seed
     * 2190721296190305231, case 11604 of connectionRecvMany: two sets holding each other).
     */
    static Set<Object> selfReferring(int elements) {
        Set<Object> set = new HashSet<>();
        List<Back> backs = new java.util.ArrayList<>();
        for (int i = 0; i < elements; i++) {
            Back b = new Back();
            set.add(b);
            backs.add(b);
        }
        for (Back b : backs) {
            b.ref = set;
        }
        return set;
    }

    @Test
    void aSetThatContainsItselfIsRefusedBeforeItHashesForever() {
        MessageReader r = new MessageReader();
        for (int elements : new int[] {3, 1}) {
            ProcessError e = refusedFast(r, encode(selfReferring(elements)));
            assertTrue(e.getMessage().contains("contains itself"), e.getMessage());
        }
        // Two sets holding each other (a sender builds them with plain adds; hashing either
        // would not end), inside a list.
        Set<Object> x = new HashSet<>();
        Set<Object> y = new HashSet<>();
        x.add(y);
        y.add(x);
        List<Object> holder = new java.util.ArrayList<>();
        holder.add(x);
        refusedFast(r, encode(holder));
        // A list holding itself, a map holding itself as a value: their contracts allow it, they decode.
        List<Object> loop = new java.util.ArrayList<>();
        loop.add(loop);
        List<?> back = (List<?>) r.decode(encode(loop));
        assertTrue(back.get(0) == back);
        java.util.Map<String, Object> map = new java.util.HashMap<>();
        map.put("me", map);
        java.util.Map<?, ?> m = (java.util.Map<?, ?>) r.decode(encode(map));
        assertTrue(m.get("me") == m);
        assertEquals(new Pair(1, "ok"), r.decode(encode(new Pair(1, "ok"))), "the reader is still usable");
    }

    private static byte[] encode(Object obj) {
        MessageWriter.Sink s = new MessageWriter().encode(obj);
        return Arrays.copyOf(s.array(), s.size());
    }

    private static ProcessError refusedFast(MessageReader r, byte[] m) {
        long cpu = THREADS.getCurrentThreadCpuTime();
        ProcessError e = assertThrows(ProcessError.class, () -> r.decode(m));
        long used = THREADS.getCurrentThreadCpuTime() - cpu;
        assertTrue(used < 1_000_000_000L, "refused after " + used / 1_000_000 + " ms of CPU");
        return e;
    }

    @Test
    void theHashSetBombIsRefusedFastAndTheReaderStaysUsable() {
        MessageReader r = new MessageReader();
        byte[] m = encode(bomb(100));
        assertTrue(m.length < 8000, m.length + " bytes");
        ProcessError e = refusedFast(r, m);
        assertTrue(e.getMessage().contains("jmp.connection.maxUnfoldedPerByte="), e.getMessage());
        assertEquals(List.of("after"), r.decode(encode(List.of("after"))));
    }

    @Test
    void aSharedChainOfListsHashedOnceIsRefused() {
        List<Object> l = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            List<Object> up = new ArrayList<>();
            up.add(l);
            up.add(l);
            l = up;
        }
        Set<Object> s = new HashSet<>();
        s.add(List.of());
        List<Object> top = l;
        ProcessError e = refusedFast(new MessageReader(), encode(new Object[] {s, top, new HashSet<>(Set.of(1))}));
        assertTrue(e.getMessage().contains("maxUnfoldedPerByte"), e.getMessage());
        Object p = "leaf";
        for (int i = 0; i < 100; i++) {
            p = new Pair(p, p);
        }
        ProcessError records = refusedFast(new MessageReader(), encode(p));
        assertTrue(records.getMessage().contains(Pair.class.getName()), records.getMessage());
    }

    @Test
    void sharedGraphsThatHashCheaplyStillDecode() {
        // A 40x40 grid of plain objects: C(78, 39) paths from the corner, identity hash.
        Cell[][] grid = new Cell[40][40];
        for (int i = 39; i >= 0; i--) {
            for (int j = 39; j >= 0; j--) {
                grid[i][j] = new Cell();
                grid[i][j].right = j < 39 ? grid[i][j + 1] : null;
                grid[i][j].down = i < 39 ? grid[i + 1][j] : null;
            }
        }
        Cell c = (Cell) new MessageReader().decode(encode(grid[0][0]));
        assertTrue(c.right.down == c.down.right, "sharing kept");
        // One list shared 2000 times: the unfolded size grows with the message.
        List<Integer> shared = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            shared.add(i);
        }
        List<List<Integer>> many = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            many.add(shared);
        }
        Set<Object> hashed = new HashSet<>(Set.of(many));
        assertEquals(hashed, new MessageReader().decode(encode(hashed)));
    }

    @Test
    void collidingKeysRunIntoTheCpuBudget() {
        Map<Colliding, Integer> m = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            m.put(new Colliding(i), i);    // built once here: what the receiver would repeat
        }
        byte[] msg = encode(m);
        MessageReader r = new MessageReader(new MessageFilter(1000, 10_000_000, 1 << 30, new DecodeWork(256, 20)));
        ProcessError e = refusedFast(r, msg);
        assertTrue(e.getMessage().contains("jmp.connection.maxDecodeMillis=20"), e.getMessage());
        assertEquals("ok", r.decode(encode("ok")));
    }

    @Test
    void anInterruptEndsALongDecode() {
        Map<Colliding, Integer> m = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            m.put(new Colliding(i), i);
        }
        byte[] msg = encode(m);
        MessageReader r = new MessageReader();
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedError.class, () -> r.decode(msg));
            assertTrue(Thread.interrupted(), "the interrupt flag is set again");
            // A short decode is not a wait: an interrupt does not stop it.
            Thread.currentThread().interrupt();
            assertEquals("ok", r.decode(encode("ok")));
        } finally {
            Thread.interrupted();
        }
    }
}
