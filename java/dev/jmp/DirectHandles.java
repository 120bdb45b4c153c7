package dev.jmp;

import dev.jmp.spawn.LambdaRef;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StreamCorruptedException;

/**
 * The shared objects a direct payload ({@link DirectPayload}) carries without Java
 * serialization, as the same values Java serialization would carry, checked the same
 * way on arrival:
 * <ul>
 * <li>Lock, RLock, Semaphore and BoundedSemaphore by name (kind, maximum value, name),
 *     counted in flight the same way once the payload is made ({@link #sent});</li>
 * <li>a Connection end in a Process being spawned, by the fd the child inherits
 *     ({@code Connection.Handle}). Anywhere else (a warm child, already running) a
 *     Connection needs the fd sharer, which Java serialization reaches.</li>
 * </ul>
 *
 * <p>Why: the first ObjectInputStream of a JVM costs a child more than all the rest of
 * reading its Process (see {@code spawn/LambdaRef}). "A child that first takes a Lock"
 * is the most common target that captured something other than a plain value, and a
 * manager's server is a child that gets a Connection to say it is listening.
 *
 * <pre>
 * class:1 ('L' Lock, 'R' RLock, 'S' Semaphore, 'B' BoundedSemaphore)  kind:4  maxvalue:4  name:UTF
 * class:1 ('C' Connection)  fd:4  readable:1  writable:1  socket:1
 * </pre>
 */
final class DirectHandles implements LambdaRef.Handles {
    static final DirectHandles INSTANCE = new DirectHandles();

    private DirectHandles() {
    }

    private static final int CONNECTION = 'C';

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
        } else if (c == Connection.class) {
            return CONNECTION;
        }
        return 0;
    }

    @Override
    public boolean travels(Object v) {
        int tag = classTag(v);
        return tag == CONNECTION ? ((Connection) v).handsOver() : tag != 0;
    }

    @Override
    public void write(Object v, DataOutputStream out) throws IOException {
        int tag = classTag(v);
        out.writeByte(tag);
        if (tag == CONNECTION) {
            Connection.Handle handle = ((Connection) v).handedOver();
            if (handle == null) {
                throw new IOException("a Connection outside a spawn");   // travels() said no: not reached
            }
            handle.write(out);
            return;
        }
        SemLock s = (SemLock) v;
        out.writeInt(s.kind());
        out.writeInt(s.maxvalue());
        out.writeUTF(s.semName());
    }

    @Override
    public Object read(DataInputStream in) throws IOException {
        int tag = in.readUnsignedByte();
        if (tag == CONNECTION) {
            return Connection.Handle.read(in);
        }
        SemLock.Arrived a = new SemLock.Arrived(in.readInt(), in.readInt(), in.readUTF());
        switch (tag) {
            case 'L': return new Lock(a);
            case 'R': return new RLock(a);
            case 'S': return new Semaphore(a);
            case 'B': return new BoundedSemaphore(a);
            default: throw new StreamCorruptedException("unknown handle class tag " + tag);
        }
    }

    /**
     * After a payload carrying {@code v} has been made: a copy of a SemLock's name is on
     * its way ({@link dev.jmp.resource.Holds}), as {@code SemLock.writeObject} says for
     * Java serialization. Not in {@link #write}: a payload that fails to be made falls
     * back to Java serialization, which would count the copy again.
     */
    static void sent(Object v) {
        int tag = classTag(v);
        if (tag != 0 && tag != CONNECTION) {
            dev.jmp.resource.Holds.sending(((SemLock) v).semName());
        }
    }
}
