package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Value and Array within one process: CPython's typecodes, sizes and conversions,
 * errors, the lock, the atomic updates, handles and lifetime. SharedCtypesProcessTest
 * shares them with child JVMs.
 */
class ValueArrayTest {
    @AfterAll
    static void nothingOfOursLeftInDevShm() throws Exception {
        ShmObjects.awaitNoneOf(ProcessHandle.current().pid());
    }

    private static final String TYPECODES = "bBhHiIlLqQfd";

    @Test
    void typecodesHaveCpythonsSizesOnLp64() {
        int[] sizes = {1, 1, 2, 2, 4, 4, 8, 8, 8, 8, 4, 8};
        for (int k = 0; k < TYPECODES.length(); k++) {
            char t = TYPECODES.charAt(k);
            assertEquals(sizes[k], new Value(t, 0, false).cells().type().size, "sizeof " + t);
        }
        // The size shows in what survives a store: the type's range, no more.
        assertEquals(1L << 40, new Value('l', 1L << 40).value());
        assertEquals(-1L, new Value('L', -1L).value().longValue());
        assertEquals(5, new Value('i', (1L << 32) + 5).value());
    }

    @Test
    void integersTruncateSilentlyAsCtypes() {
        assertEquals(255, new Value('B', -1).value());
        assertEquals(-1, new Value('b', 255).value());
        assertEquals(-128, new Value('b', 128).value());
        assertEquals(65535, new Value('H', -1).value());
        assertEquals(-32768, new Value('h', 32768).value());
        assertEquals(4294967295L, new Value('I', -1).value());
        assertEquals(Integer.MIN_VALUE, new Value('i', 1L << 31).value());
        assertEquals(new BigInteger("18446744073709551615"), new Value('Q', -1L).value());
        assertEquals(Long.MAX_VALUE, new Value('Q', Long.MAX_VALUE).value());
        // BigInteger: its low 64 bits, as ctypes masks a Python int
        assertEquals(3L, new Value('q', BigInteger.ONE.shiftLeft(64).add(BigInteger.valueOf(3))).value());
        assertEquals(7, new Value('i', new AtomicLong(7)).value());
    }

    @Test
    void valueTypesOut() {
        for (char t : "bBhHi".toCharArray()) {
            assertEquals(Integer.class, new Value(t, 1, false).value().getClass(), "typecode " + t);
        }
        for (char t : "IlLqQ".toCharArray()) {
            assertEquals(Long.class, new Value(t, 1, false).value().getClass(), "typecode " + t);
        }
        assertEquals(1.5f, new Value('f', 1.5).value());
        assertEquals(0.1, new Value('d', 0.1).value());
        assertEquals((float) 0.1, new Value('f', 0.1).value(), "narrowed as a C float");
        assertEquals(3.0, new Value('d', 3).value(), "an int into a double, as ctypes");
        assertEquals(Float.POSITIVE_INFINITY, new Value('f', 1e300).value());
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> new Value('x', 0));
        assertThrows(IllegalArgumentException.class, () -> new Value('c', 0));
        assertThrows(IllegalArgumentException.class, () -> new Array('u', 3));
        assertThrows(IllegalArgumentException.class, () -> new Value('i', 1.5), "ctypes: TypeError");
        assertThrows(IllegalArgumentException.class, () -> new Value('q', 1.0f));
        assertThrows(IllegalArgumentException.class, () -> new Array('i', new double[] {1.0}));
        assertThrows(IllegalArgumentException.class, () -> new Array('d', -1));
        assertThrows(NullPointerException.class, () -> new Value('i', null));
        Value v = new Value('i', 1);
        assertThrows(IllegalArgumentException.class, () -> v.setValue(2.0));
        assertThrows(IllegalArgumentException.class, () -> v.getAndAdd(0.5));
        assertEquals(1, v.value(), "a refused store changes nothing");
        assertThrows(IllegalStateException.class, () -> new Value('i', 0, false).getLock());
    }

    @Test
    void arrayIndicesAndInitialisers() {
        Array a = new Array('h', 5);
        assertEquals(5, a.length());
        for (int i = 0; i < 5; i++) {
            assertEquals(0, a.get(i));
        }
        assertThrows(IndexOutOfBoundsException.class, () -> a.get(5));
        assertThrows(IndexOutOfBoundsException.class, () -> a.get(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> a.set(5, 1));
        a.set(4, 70000);
        assertEquals(70000 - 65536, a.get(4));

        Array d = new Array('d', new double[] {0.5, -2.25});
        assertEquals(-2.25, d.get(1));
        Array f = new Array('f', new long[] {3, 1L << 40});
        assertEquals((float) (1L << 40), f.get(1));
        Array q = new Array('Q', new long[] {-1, 2});
        assertEquals(new BigInteger("18446744073709551615"), q.get(0));

        Array empty = new Array('i', 0);
        assertEquals(0, empty.length());
        assertThrows(IndexOutOfBoundsException.class, () -> empty.get(0));
        assertEquals("<SynchronizedArray wrapper for c_short_Array_5>", a.toString());
    }

    @Test
    void smallCellsDoNotDisturbTheirNeighbours() {
        long[] init = {1, -2, 3, -4, 5, -6, 7, -8, 9};
        for (char t : "bBhH".toCharArray()) {
            Array a = new Array(t, init);
            assertEquals(3, a.getAndAdd(2, 100).intValue() & 0xFF);
            assertTrue(a.compareAndSet(5, a.get(5), 42));
            assertFalse(a.compareAndSet(6, 8, 0), "expected value differs");
            a.set(8, 11);
            long[] expected = init.clone();
            expected[2] = 103;
            expected[5] = 42;
            expected[8] = 11;
            for (int i = 0; i < init.length; i++) {
                Value asType = new Value(t, expected[i], false);   // the same conversion
                assertEquals(asType.value(), a.get(i), t + "[" + i + "]");
            }
        }
    }

    @Test
    void atomicUpdatesWrapInTheTypesWidth() {
        Value b = new Value('B', 250, false);
        assertEquals(250, b.getAndAdd(10));
        assertEquals(4, b.value());
        Value i = new Value('i', Integer.MAX_VALUE);
        assertEquals(Integer.MIN_VALUE, i.addAndGet(1));
        Value u = new Value('I', 0);
        assertEquals(4294967295L, u.addAndGet(-1));
        Value q = new Value('q', 10);
        assertTrue(q.compareAndSet(10, 11));
        assertFalse(q.compareAndSet(10, 12));
        assertEquals(11L, q.getAndSet(-5));
        assertEquals(-5L, q.value());
        Value d = new Value('d', 1.0);
        assertEquals(1.0, d.getAndAdd(0.5));
        assertEquals(2.0, d.addAndGet(0.5));
        assertTrue(d.compareAndSet(2.0, -0.0));
        assertFalse(d.compareAndSet(0.0, 1.0), "floats compare bit for bit: 0.0 is not -0.0");
        Value f = new Value('f', Float.NaN);
        assertTrue(f.compareAndSet(Float.NaN, 1), "NaN has one bit pattern here");
        assertEquals(1.0f, f.value());
        Value h = new Value('h', -1);
        assertEquals(-1, h.getAndSet(300));
        assertEquals(300, h.value());
    }

    @Test
    void atomicAddsFromThreadsAreExact() throws Exception {
        Value v = new Value('h', 0, false);     // a CAS loop on the int around a short
        Array a = new Array('b', 3);
        Thread[] ts = new Thread[4];
        for (int k = 0; k < ts.length; k++) {
            ts[k] = new Thread(() -> {
                for (int n = 0; n < 5000; n++) {
                    v.getAndAdd(1);
                    a.getAndAdd(1, 1);
                    a.getAndAdd(0, -1);
                }
            });
            ts[k].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        assertEquals(20000, v.value());
        assertEquals((int) (byte) 20000, a.get(1));
        assertEquals((int) (byte) -20000, a.get(0));
        assertEquals(0, a.get(2));
    }

    @Test
    void lockedValueTakesItsRLockAndReentersIt() throws Exception {
        Value v = new Value('i', 0);
        SemLock lock = v.getLock();
        assertTrue(lock instanceof RLock);
        lock.acquire();
        try {
            v.setValue(v.value().intValue() + 1);     // re-enters the RLock held here
            Thread other = new Thread(() -> v.setValue(100));
            other.start();
            other.join(200);
            assertTrue(other.isAlive(), "setValue from another thread waits for the lock");
            assertEquals(1, v.value());
            lock.release();
            other.join();
        } finally {
            if (((RLock) lock).isMine()) {
                lock.release();
            }
        }
        assertEquals(100, v.value());
        assertEquals("<Synchronized wrapper for c_int(100)>", v.toString());
        assertEquals("c_double(0.5)", new Value('d', 0.5, false).toString());
        Array a = new Array('i', 2);
        assertTrue(a.getLock() instanceof RLock);
        assertNotSame(a.getLock(), v.getLock());
    }

    @Test
    void copiesAreHandlesToTheSameMemoryAndLock() throws Exception {
        Value v = new Value('q', 5);
        Array a = new Array('d', new double[] {1, 2, 3});
        Value vc = SyncTest.roundTrip(v);
        Array ac = SyncTest.roundTrip(a);
        vc.setValue(6);
        ac.set(2, 9.5);
        assertEquals(6L, v.value());
        assertEquals(9.5, a.get(2));
        assertEquals(v.getLock(), vc.getLock());
        v.getLock().acquire();
        try {
            assertTrue(vc.getLock().acquire(false), "one RLock per process: reentrant through the copy");
            vc.getLock().release();
        } finally {
            v.getLock().release();
        }
        assertTrue(SyncTest.serialize(v).length < 700, SyncTest.serialize(v).length + " bytes");
    }

    @Test
    void memoryIsPrivateAndUnlinkedWhenUnreachable() throws Exception {
        Path file = Path.of("/dev/shm", new Value('d', 1.0).cells().name().substring(1));
        assertTrue(Files.exists(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        ShmObjects.awaitGone(file);
        Path arrayFile = Path.of("/dev/shm", new Array('b', 10).cells().name().substring(1));
        assertEquals(16, Files.size(arrayFile), "10 bytes rounded up to 8");
        ShmObjects.awaitGone(arrayFile);
    }
}
