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
 * <li>a Queue (exactly: a JoinableQueue holds more) by its message queue's name, its
 *     maxsize and its counting semaphore, counted in flight as the Lock family;</li>
 * <li>a Connection end in a Process being spawned, by the fd the child inherits
 *     ({@code Connection.Handle}). Anywhere else (a warm child, already running) a
 *     Connection needs the fd sharer, which Java serialization reaches.</li>
 * </ul>
 *
 * <p>Why: the first ObjectInputStream of a JVM costs a child more than all the rest of
 * reading its Process (see {@code spawn/LambdaRef}). "A child that first takes a Lock"
 * and "a child that puts into a Queue" are the most common targets that capture
 * something other than a plain value, and a manager's server is a child that gets a
 * Connection to say it is listening.
 *
 * <pre>
 * class:1 ('L' Lock, 'R' RLock, 'S' Semaphore, 'B' BoundedSemaphore)  kind:4  maxvalue:4  name:UTF
 * class:1 ('Q' Queue)  maxsize:4  name:UTF  then its semaphore as a 'B' above
 * class:1 ('C' Connection)  fd:4  readable:1  writable:1  socket:1
 * </pre>
 */
final class DirectHandles implements LambdaRef.Handles {
    static final DirectHandles INSTANCE = new DirectHandles();

    private DirectHandles() {
    }

    private static final int CONNECTION = 'C';
    private static final int QUEUE = 'Q';

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
        } else if (c == Queue.class) {
            return QUEUE;
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
        if (tag == QUEUE) {
            Queue<?> q = (Queue<?>) v;
            out.writeInt(q.maxsize());
            out.writeUTF(q.mqName());
            v = q.countSemaphore();
            out.writeByte(classTag(v));
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
        if (tag == QUEUE) {
            int maxsize = in.readInt();
            String name = in.readUTF();
            if (!(read(in) instanceof BoundedSemaphore count)) {
                throw new StreamCorruptedException("a Queue without its BoundedSemaphore");
            }
            return new Queue<>(maxsize, name, count);
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
     * After a payload carrying {@code v} has been made: a copy of a SemLock's name (or a
     * Queue's and its semaphore's) is on its way ({@link dev.jmp.resource.Holds}), as
     * {@code writeObject} says for Java serialization. Not in {@link #write}: a payload
     * that fails to be made falls back to Java serialization, which would count the copy
     * again.
     */
    static void sent(Object v) {
        int tag = classTag(v);
        if (tag == QUEUE) {
            Queue<?> q = (Queue<?>) v;
            dev.jmp.resource.Holds.sending(q.mqName());
            sent(q.countSemaphore());
        } else if (tag != 0 && tag != CONNECTION) {
            dev.jmp.resource.Holds.sending(((SemLock) v).semName());
        }
    }
}
