package dev.jmp;

import dev.jmp.spawn.ChildEntry;
import dev.jmp.spawn.LambdaRef;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.lang.invoke.SerializedLambda;

/**
 * The payload of a spawned child in the common case, without Java serialization: a
 * plain {@code Process} (not a subclass) whose target is a serializable lambda that
 * captured only plain values ({@link LambdaRef}), or no target. Its fields are written
 * one by one after {@link ChildEntry#DIRECT_MAGIC}; the child builds the same Process
 * that ObjectInputStream would have built, without paying for ObjectInputStream's
 * first use (see LambdaRef for the numbers). Everything else goes by Java
 * serialization, as before.
 *
 * <p>{@code -Djmp.directPayload=false} sends every Process by Java serialization
 * (to compare the two, or should this ever misbehave).
 */
final class DirectPayload {
    private DirectPayload() {
    }

    static final boolean ENABLED = !"false".equals(System.getProperty("jmp.directPayload"));

    /** The payload for {@code p}, or null when it needs Java serialization. */
    static byte[] encode(Process p, Task target, String name, boolean daemon, int[] identity,
                         int parentPid, String parentName) {
        if (!ENABLED || p.getClass() != Process.class || parentName == null) {
            return null;
        }
        SerializedLambda lambda = null;
        if (target != null && (lambda = LambdaRef.of(target)) == null) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeShort(ChildEntry.DIRECT_MAGIC);
            out.writeUTF(name);
            out.writeBoolean(daemon);
            out.writeInt(identity.length);
            for (int i : identity) {
                out.writeInt(i);
            }
            out.writeInt(parentPid);
            out.writeUTF(parentName);
            out.writeBoolean(lambda != null);
            if (lambda != null) {
                LambdaRef.write(lambda, out);
            }
        } catch (IOException tooLongForWriteUtf) {
            return null;
        }
        return bytes.toByteArray();
    }

    /** In the child: the Process that {@link #encode} described. */
    static Process decode(byte[] payload, ClassLoader loader) throws IOException, ReflectiveOperationException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        if (in.readUnsignedShort() != ChildEntry.DIRECT_MAGIC) {
            throw new StreamCorruptedException("not a direct Process payload");
        }
        String name = in.readUTF();
        boolean daemon = in.readBoolean();
        int depth = in.readInt();
        if (depth < 1 || depth > 4096) {
            throw new StreamCorruptedException("process identity of length " + depth);
        }
        int[] identity = new int[depth];
        for (int i = 0; i < depth; i++) {
            identity[i] = in.readInt();
        }
        int parentPid = in.readInt();
        String parentName = in.readUTF();
        Task target = in.readBoolean() ? (Task) LambdaRef.read(in, loader) : null;
        if (in.read() != -1) {
            throw new StreamCorruptedException("bytes left after a direct Process payload");
        }
        return new Process(target, name, daemon, identity, parentPid, parentName);
    }
}
