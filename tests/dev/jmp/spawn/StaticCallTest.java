package dev.jmp.spawn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.Call;
import dev.jmp.Task;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.invoke.SerializedLambda;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A static lambda body called without linking the lambda (by reflection on JDK 17, by
 * JNI from 18 on): same method, same values of every type, same exceptions, and it
 * serializes as the lambda. CI runs it on both JDKs, so both ways.
 */
class StaticCallTest {
    static final List<String> CALLS = new ArrayList<>();

    private static void record(String word, int n) {
        CALLS.add(word + n);
    }

    private static StaticCall of(Task t) {
        SerializedLambda lambda = LambdaRef.of(t);
        assertNotNull(lambda);
        return StaticCall.of(lambda, StaticCallTest.class.getClassLoader());
    }

    @Test
    void callsTheBodyWithTheCapturedValues() throws Exception {
        String word = "x";
        int n = 7;
        StaticCall call = of(() -> record(word, n));
        assertNotNull(call);
        CALLS.clear();
        call.call();
        assertEquals(List.of("x7"), CALLS);

        // Serialized, it is the lambda again.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(call);
        }
        Object back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = in.readObject();
        }
        CALLS.clear();
        ((Task) back).run();
        assertEquals(List.of("x7"), CALLS);
    }

    static final IOException THROWN = new IOException("checked, sneaked");

    private static void everyType(boolean z, byte b, char c, short s, int i, long j, float f, double d,
            String text, int[] ints, Integer boxed) {
        CALLS.add(z + " " + b + " " + c + " " + s + " " + i + " " + j + " " + f + " " + d + " " + text + " "
                + ints.length + " " + boxed);
    }

    @Test
    void everyPrimitiveTypeAndReferencesArriveAsCaptured() {
        boolean z = true;
        byte b = -7;
        char c = '\u20ac';
        short s = Short.MIN_VALUE;
        int i = Integer.MAX_VALUE;
        long j = Long.MIN_VALUE + 1;
        float f = -0.0f;
        double d = Double.longBitsToDouble(0x7ff8000000000123L);
        String text = null;
        Integer boxed = 42;
        int[] ints = {1, 2};
        StaticCall call = StaticCall.of(new SerializedLambda(StaticCallTest.class, "dev/jmp/Task", "run", "()V",
                java.lang.invoke.MethodHandleInfo.REF_invokeStatic, "dev/jmp/spawn/StaticCallTest", "everyType",
                "(ZBCSIJFDLjava/lang/String;[ILjava/lang/Integer;)V", "()V",
                new Object[] {z, b, c, s, i, j, f, d, text, ints, boxed}), StaticCallTest.class.getClassLoader());
        assertNotNull(call);
        CALLS.clear();
        call.call();
        everyType(z, b, c, s, i, j, f, d, text, ints, boxed);
        assertEquals(2, CALLS.size());
        assertEquals(CALLS.get(1), CALLS.get(0));
    }

    @Test
    void anExceptionPropagatesUnwrapped() {
        StaticCall call = of(() -> sneak(THROWN));
        assertNotNull(call);
        Throwable t = assertThrows(Throwable.class, call::call);
        assertSame(THROWN, t);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneak(Throwable t) throws T {
        throw (T) t;
    }

    private static StaticCall of(Call<?> c) {
        SerializedLambda lambda = LambdaRef.of(c);
        assertNotNull(lambda);
        return StaticCall.of(lambda, StaticCallTest.class.getClassLoader());
    }

    private static String greet(String word, int n) {
        return word + n;
    }

    private static int count() {
        return 3;
    }

    private static String[] words() {
        return new String[] {"a"};
    }

    /** A Call (a pool's apply) whose body returns a reference: called, its value returned, its exception thrown. */
    @Test
    void aCallReturningAReferenceGivesItsValue() throws Exception {
        String word = "y";
        int n = 8;
        StaticCall call = of(() -> greet(word, n));
        assertNotNull(call);
        assertTrue(call.returnsValue());
        assertEquals("y8", call.value());
        StaticCall array = of(StaticCallTest::words);
        assertNotNull(array);
        assertArrayEquals(new String[] {"a"}, (String[]) array.value());
        StaticCall failing = of(() -> {
            sneak(THROWN);
            return null;
        });
        assertNotNull(failing);
        assertSame(THROWN, assertThrows(Throwable.class, failing::value));
    }

    /** What only the lambda can do (box a primitive, drop a returned value) is left to the lambda. */
    @Test
    void aBodyReturningAPrimitiveOrADroppedValueIsNotOne() {
        Call<Integer> boxing = StaticCallTest::count;
        assertNull(of(boxing));
        Task dropping = StaticCallTest::count;
        assertNull(StaticCall.of(LambdaRef.of(dropping), StaticCallTest.class.getClassLoader()));
        assertFalse(of(() -> record("v", 1)).returnsValue());
    }

    @Test
    void aLambdaOnAnInstanceIsNotOne() {
        Task onThis = this::instanceBody;
        SerializedLambda lambda = LambdaRef.of(onThis);
        // It captured this test (not a plain value): no LambdaRef at all, so no StaticCall either.
        assertNull(lambda);
    }

    private void instanceBody() {
        CALLS.add("instance");
    }

    @Test
    void availableOnEveryJdkWhereTheNativeLayerIsLibjmp() {
        assertEquals(Runtime.version().feature() < 18 || dev.jmp.posix.Posix.cheap(), StaticCall.available());
        if (!"jnr".equals(System.getProperty("jmp.posix"))) {
            assertEquals(true, StaticCall.available(), "built with libjmp, on JDK " + Runtime.version().feature());
        }
    }
}
