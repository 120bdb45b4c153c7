package dev.jmp.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import java.io.UTFDataFormatException;
import java.lang.invoke.SerializedLambda;
import java.util.ArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** A lambda sent by reference comes back as the same function with the same captured values. */
class LambdaRefTest {

    /** A serializable function with a result, so a test can see what the lambda captured. */
    interface Fn extends Supplier<String>, Serializable {
    }

    static String describe(Object... values) {
        StringBuilder s = new StringBuilder();
        for (Object v : values) {
            s.append(v == null ? "null" : v.getClass().getSimpleName() + ":" + v).append(' ');
        }
        return s.toString();
    }

    static String twice(String s) {
        return s + s;
    }

    private static Object roundTrip(Object fn) throws IOException, ReflectiveOperationException {
        SerializedLambda lambda = LambdaRef.of(fn);
        assertNotNull(lambda, "not sent by reference");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            LambdaRef.write(lambda, out);
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        Object back = LambdaRef.read(in, LambdaRefTest.class.getClassLoader());
        assertEquals(-1, in.read(), "bytes left over");
        return back;
    }

    @Test
    void everyPlainKindOfCapturedValueArrivesAsItLeft() throws Exception {
        int i = -7;
        long j = Long.MIN_VALUE;
        boolean z = true;
        double d = Double.longBitsToDouble(0x7ff8_0000_0000_1234L);    // a NaN with a payload
        float f = -0.0f;
        char c = '\uffff';
        byte b = Byte.MIN_VALUE;
        short h = Short.MAX_VALUE;
        String s = "caf\u00e9 \ud83d\ude00 \ud800 end";     // an unpaired surrogate too
        String none = null;
        Fn fn = () -> describe(i, j, z, Double.doubleToRawLongBits(d), Float.floatToRawIntBits(f), c, b, h, s, none);
        Fn back = (Fn) roundTrip(fn);
        assertEquals(fn.get(), back.get());
    }

    @Test
    void methodReferencesAndCapturelessLambdasArriveToo() throws Exception {
        Fn plain = () -> "plain";
        assertEquals("plain", ((Fn) roundTrip(plain)).get());
        java.util.function.Function<String, String> ref =
                (java.util.function.Function<String, String> & Serializable) LambdaRefTest::twice;
        @SuppressWarnings("unchecked")
        java.util.function.Function<String, String> refBack = (java.util.function.Function<String, String>) roundTrip(ref);
        assertEquals("abab", refBack.apply("ab"));
    }

    @Test
    void whatIsNotAPlainLambdaIsLeftToJavaSerialization() {
        ArrayList<String> list = new ArrayList<>();
        Fn capturesAnObject = () -> list.toString();
        assertNull(LambdaRef.of(capturesAnObject));
        Supplier<String> notSerializable = () -> "x";
        assertNull(LambdaRef.of(notSerializable));
        assertNull(LambdaRef.of(new Fn() {
            @Override
            public String get() {
                return "an anonymous class";
            }
        }));
        assertNull(LambdaRef.of(null));
        assertNull(LambdaRef.of("a string"));
    }

    @Test
    void aStringTooLongForWriteUtfFailsTheWriteSoTheCallerFallsBack() throws Exception {
        String huge = "\u00e9".repeat(40_000);      // 80,000 bytes of modified UTF-8
        Fn fn = () -> huge;
        SerializedLambda lambda = LambdaRef.of(fn);
        assertNotNull(lambda);
        assertThrows(UTFDataFormatException.class,
                () -> LambdaRef.write(lambda, new DataOutputStream(new ByteArrayOutputStream())));
    }

    @Test
    void aDamagedPayloadIsReportedNotGuessed() throws Exception {
        Fn fn = () -> "x";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            LambdaRef.write(LambdaRef.of(fn), out);
        }
        byte[] good = bytes.toByteArray();
        byte[] countDamaged = good.clone();
        // The captured count is the last int: make it absurd.
        countDamaged[good.length - 4] = 0x7f;
        assertThrows(StreamCorruptedException.class, () -> LambdaRef.read(
                new DataInputStream(new ByteArrayInputStream(countDamaged)), getClass().getClassLoader()));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);
        assertThrows(IOException.class, () -> LambdaRef.read(
                new DataInputStream(new ByteArrayInputStream(truncated)), getClass().getClassLoader()));
    }
}
