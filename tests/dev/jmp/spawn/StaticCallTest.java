package dev.jmp.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

/** A static lambda body called reflectively: same method, same values, same exceptions, and it serializes as the lambda. */
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
    void onlyWhereReflectionGeneratesNothing() {
        assertEquals(Runtime.version().feature() < 18, StaticCall.available());
    }
}
