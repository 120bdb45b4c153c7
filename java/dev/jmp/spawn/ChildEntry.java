package dev.jmp.spawn;

import java.io.IOException;
import java.io.InputStream;

/**
 * What a child JVM's main class (the composition root, in {@code dev.jmp}) hands
 * {@link Bootstrap}: the parts of a child's start that know what a Process is. The
 * bootstrap reads frames and payloads; the entry loads, decodes and runs. So this
 * package names no class above it.
 */
public interface ChildEntry {

    /** Builds the Process a direct payload ({@link PayloadPipe}) describes, loading classes through {@code loader}. */
    Object decode(byte[] payload, ClassLoader loader) throws IOException, ReflectiveOperationException;

    /**
     * Before a serialized Process is read in a fresh JVM: what reading it needs that
     * needs no ObjectInputStream (the Process class's stream descriptor).
     */
    void primeReading();

    /**
     * Makes {@code process} this JVM's current process and runs it; returns the exit
     * code. {@code parentPipe} is the payload pipe, now silent: it reaches end of file
     * when the parent is gone.
     */
    int run(Object process, InputStream parentPipe);

    /**
     * Pays, while nobody waits, what every child pays for before its target runs
     * (class loading, serialization's first use, native bindings), leaving no trace in
     * the state a Process later sees. In an idle warm child, and in the child that
     * trains the class-data archive.
     */
    void prepare();

    /** Ends this JVM with {@code code}, after the target's run or when the child gives up. */
    void exit(int code);

    /**
     * The payload of a Process whose target does nothing, as start() would send it: what
     * the training child of an AOT cache runs, so that the cache holds what a spawned
     * child loads and links, and no more ({@link ClassDataSharing}).
     */
    byte[] trainingPayload();

    /**
     * A direct payload of the commonest kind (a lambda target that captured plain
     * values), never run: what an idle warm child decodes again and again before it says
     * it is ready ({@link Bootstrap}). Null when Processes go by Java serialization.
     */
    byte[] samplePayload();
}
