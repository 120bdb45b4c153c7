package dev.jmp.spawn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.Task;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shape a warm child rehearses: what is in it, what is not, and that it replays. */
class RehearsalTest {

    /** Instance state, so that a lambda calling an instance method captures {@code this}. */
    static final class Holder implements Serializable {
        private static final long serialVersionUID = 1L;
        final String secret;

        Holder(String secret) {
            this.secret = secret;
        }

        Task withThis(int i, long j, double d, boolean z, char c, String s) {
            return () -> use(i + j + d + (z ? 1 : 0) + c + s.length());
        }

        void use(double v) {
            if (v < -1) {
                throw new IllegalStateException(secret);
            }
        }
    }

    private static Rehearsal.Recorder record(Object obj, ByteArrayOutputStream bytes) throws IOException {
        Rehearsal.Recorder r = new Rehearsal.Recorder(bytes);
        r.writeObject(obj);
        r.close();
        return r;
    }

    @Test
    void theRecorderWritesWhatAPlainStreamWrites() throws IOException {
        Task t = new Holder("x").withThis(1, 2L, 3.0, true, 'c', "s");
        ByteArrayOutputStream recorded = new ByteArrayOutputStream();
        record(t, recorded);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(plain)) {
            out.writeObject(t);
        }
        assertArrayEquals(plain.toByteArray(), recorded.toByteArray());
    }

    @Test
    void aShapeNamesClassesAndLambdasButCarriesNoValue() throws IOException {
        String secret = "s3cr3t-" + System.nanoTime();
        Rehearsal.Recorder r = record(new Holder(secret).withThis(7, 8L, 9.5, false, 'q', secret),
                new ByteArrayOutputStream());
        assertTrue(r.key().contains(Holder.class.getName()), r.key());
        assertTrue(r.key().contains("lambda$withThis$"), r.key());
        byte[] script = r.script();
        assertNotNull(script);
        assertFalse(new String(script, StandardCharsets.ISO_8859_1).contains(secret),
                "a captured value went into the rehearsal");
    }

    @Test
    void aScriptReplaysEveryClassAndEveryBlankedLambda() throws IOException {
        // Captures of every primitive kind and a receiver: each blank must get past the
        // casts and unboxing of $deserializeLambda$, or that lambda is not rehearsed.
        Task target = new Holder("x").withThis(1, 2L, 3.0, true, 'c', "s");
        Task plain = () -> { };
        Rehearsal.Recorder r = record(List.of(target, plain), new ByteArrayOutputStream());
        int classes = r.key().trim().split(" ").length - 2;     // the key lists classes, then the two lambdas
        assertEquals(classes + 2, Rehearsal.perform(r.script()));
    }

    @Test
    void aScriptForAnotherClasspathIsSkippedNotThrown() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new String[] {"no.such.Clazz", String.class.getName()});
            out.writeInt(0);
        }
        assertEquals(1, Rehearsal.perform(bytes.toByteArray()));
        assertEquals(0, Rehearsal.perform(new byte[] {1, 2, 3}));
    }

    @Test
    void descriptorsSplitIntoParameterKinds() {
        assertEquals(List.of('I', 'L', 'L', 'L', 'D', 'Z', 'L'),
                Rehearsal.parameterKinds("(I[JLjava/lang/String;[[Ljava/lang/Object;DZ[[I)V"));
        assertEquals(List.of(), Rehearsal.parameterKinds("()V"));
    }
}
