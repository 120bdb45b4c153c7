package dev.jmp;

import dev.jmp.spawn.LambdaRef;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StreamCorruptedException;

/**
 * Lock, RLock, Semaphore and BoundedSemaphore in a direct payload ({@link DirectPayload}):
 * a target that captured one goes to its child without Java serialization, as the same
 * three values Java serialization would carry (kind, maximum value, name), checked the
 * same way on arrival, and counted in flight the same way once the payload is made
 * ({@link #sent}).
 *
 * <p>Why: the first ObjectInputStream of a JVM costs a child more than all the rest of
 * reading its Process (see {@code spawn/LambdaRef}), and "a child that first takes a
 * Lock" is the most common target that captured something other than a plain value.
 *
 * <pre>
 * class:1 ('L' Lock, 'R' RLock, 'S' Semaphore, 'B' BoundedSemaphore)  kind:4  maxvalue:4  name:UTF
 * </pre>
 */
final class SemLockHandles implements LambdaRef.Handles {
    static final SemLockHandles INSTANCE = new SemLockHandles();

    private SemLockHandles() {
    }

    private static int classTag(Object v) {
        Class<?> c = v == null ? null : v.getClass();
        if (c == Lock.class) {
            return 'L';
        } else if (c == RLock.class) {
            return 'R';
        } else if (c == Semaphore.class) {
            return 'S';
        } else if (c == BoundedSemaphore.class) {
            return 'B';
        }
        return 0;
    }

    @Override
    public boolean travels(Object v) {
        return classTag(v) != 0;
    }

    @Override
    public void write(Object v, DataOutputStream out) throws IOException {
        SemLock s = (SemLock) v;
        out.writeByte(classTag(v));
        out.writeInt(s.kind());
        out.writeInt(s.maxvalue());
        out.writeUTF(s.semName());
    }

    @Override
    public Object read(DataInputStream in) throws IOException {
        int tag = in.readUnsignedByte();
        SemLock.Arrived a = new SemLock.Arrived(in.readInt(), in.readInt(), in.readUTF());
        switch (tag) {
            case 'L': return new Lock(a);
            case 'R': return new RLock(a);
            case 'S': return new Semaphore(a);
            case 'B': return new BoundedSemaphore(a);
            default: throw new StreamCorruptedException("unknown SemLock class tag " + tag);
        }
    }

    /**
     * After a payload carrying {@code v} has been made: a copy of its name is on its way
     * ({@link dev.jmp.resource.Holds}), as {@code SemLock.writeObject} says for Java
     * serialization. Not in {@link #write}: a payload that fails to be made falls back
     * to Java serialization, which would count the copy again.
     */
    static void sent(Object v) {
        if (classTag(v) != 0) {
            dev.jmp.resource.Holds.sending(((SemLock) v).semName());
        }
    }
}
