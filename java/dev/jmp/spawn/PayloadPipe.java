package dev.jmp.spawn;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.lang.invoke.SerializedLambda;

/**
 * The wire format of the payload pipe, written down once: what a parent writes on a
 * child's fd 3 ({@link FdHandover#PAYLOAD_FD}) and what the child writes back on its
 * sentinel pipe, fd 4 ({@link FdHandover#SENTINEL_FD}). All integers big-endian
 * ({@link DataOutputStream}).
 *
 * <h2>Frames on the payload pipe</h2>
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  header: n >= 0: a Process payload of n bytes follows;        |
 *  |          REHEARSAL (-2) or READY (-1): for an idle warm child  |
 *  +---------------------------------------------------------------+
 *  |  REHEARSAL only: script length s                              |
 *  +---------------------------------------------------------------+
 *  |  body: the n bytes of the Process payload, or the s bytes of  |
 *  |  a {@link Rehearsal} script; READY has no body                |
 *  +---------------------------------------------------------------+
 * </pre>
 * A spawned child gets one frame, its Process. An idle warm child may first get any
 * number of REHEARSAL frames and one READY frame. After the Process frame the parent
 * never writes again but keeps its end open: end of file on fd 3 means the parent is gone.
 *
 * <h2>A Process payload</h2>
 * Either Java serialization of the Process (its stream starts {@code 0xACED}), or,
 * for a plain Process whose target is a lambda that captured only plain values (or
 * no target), a <em>direct</em> payload, read without ObjectInputStream:
 * <pre>
 *  +-------------+--------------------------------------------------+
 *  | 0x4A 0x4D   | DIRECT_MAGIC, "JM"                               |
 *  +-------------+--------------------------------------------------+
 *  | name        | modified UTF-8, 2-byte length first (writeUTF)   |
 *  | daemon      | 1 byte, 0 or 1                                   |
 *  | depth d     | int, 1..4096                                     |
 *  | identity    | d ints                                           |
 *  | parent pid  | int                                              |
 *  | parent name | writeUTF                                         |
 *  | has target  | 1 byte, 0 or 1                                   |
 *  | target      | if has target: a LambdaRef (see LambdaRef.write) |
 *  +-------------+--------------------------------------------------+
 * </pre>
 * Nothing follows a direct payload.
 *
 * <h2>Bytes on the sentinel pipe</h2>
 * A warm child writes one byte when it has prepared and one when, asked by READY,
 * it is ready; then nothing: the pipe's end of file tells the parent the child exited.
 * A spawned child writes nothing.
 */
public final class PayloadPipe {
    private PayloadPipe() {
    }

    /** Header of a frame asking an idle warm child to write its ready byte. */
    static final int READY = -1;
    /** Header of a frame carrying a {@link Rehearsal} script. */
    static final int REHEARSAL = -2;
    /** The first two bytes of a direct Process payload. */
    static final int DIRECT_MAGIC = 0x4A4D;
    /** Longest process identity a direct payload may carry. */
    private static final int MAX_DEPTH = 4096;

    /** A Process, as described by a direct payload. */
    public record Direct(String name, boolean daemon, int[] identity, int parentPid, String parentName,
                         Object target) {
    }

    /** The frame that carries a Process payload. */
    static byte[] processFrame(byte[] payload) {
        return frame(payload, payload.length);
    }

    /** The frame that carries a rehearsal script. */
    static byte[] rehearsalFrame(byte[] script) {
        return frame(script, REHEARSAL, script.length);
    }

    /** The frame that asks for the ready byte. */
    static byte[] readyFrame() {
        return frame(new byte[0], READY);
    }

    private static byte[] frame(byte[] body, int... header) {
        int prefix = 4 * header.length;
        byte[] frame = new byte[prefix + body.length];
        for (int i = 0; i < header.length; i++) {
            int v = header[i];
            frame[4 * i] = (byte) (v >>> 24);
            frame[4 * i + 1] = (byte) (v >>> 16);
            frame[4 * i + 2] = (byte) (v >>> 8);
            frame[4 * i + 3] = (byte) v;
        }
        System.arraycopy(body, 0, frame, prefix, body.length);
        return frame;
    }

    /** True if {@code payload} is a direct payload (not Java serialization). */
    public static boolean isDirect(byte[] payload) {
        return payload.length >= 2 && ((payload[0] & 0xff) << 8 | (payload[1] & 0xff)) == DIRECT_MAGIC;
    }

    /**
     * A direct payload, or null if a string is too long for it (the caller then uses
     * Java serialization). {@code target} is a {@link LambdaRef}, or null for none.
     */
    public static byte[] writeDirect(String name, boolean daemon, int[] identity, int parentPid, String parentName,
                                     SerializedLambda target) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeShort(DIRECT_MAGIC);
            out.writeUTF(name);
            out.writeBoolean(daemon);
            out.writeInt(identity.length);
            for (int i : identity) {
                out.writeInt(i);
            }
            out.writeInt(parentPid);
            out.writeUTF(parentName);
            out.writeBoolean(target != null);
            if (target != null) {
                LambdaRef.write(target, out);
            }
        } catch (IOException tooLongForWriteUtf) {
            return null;
        }
        return bytes.toByteArray();
    }

    /**
     * Reads a direct payload, rebuilding its target through {@code loader}: a
     * {@link StaticCall} where one can stand in for a lambda implementing
     * {@code standIn} (see {@link LambdaRef#read(DataInputStream, ClassLoader, String)}).
     */
    public static Direct readDirect(byte[] payload, ClassLoader loader, String standIn)
            throws IOException, ReflectiveOperationException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        if (in.readUnsignedShort() != DIRECT_MAGIC) {
            throw new StreamCorruptedException("not a direct Process payload");
        }
        String name = in.readUTF();
        boolean daemon = in.readBoolean();
        int depth = in.readInt();
        if (depth < 1 || depth > MAX_DEPTH) {
            throw new StreamCorruptedException("process identity of length " + depth);
        }
        int[] identity = new int[depth];
        for (int i = 0; i < depth; i++) {
            identity[i] = in.readInt();
        }
        int parentPid = in.readInt();
        String parentName = in.readUTF();
        Object target = in.readBoolean() ? LambdaRef.read(in, loader, standIn) : null;
        if (in.read() != -1) {
            throw new StreamCorruptedException("bytes left after a direct Process payload");
        }
        return new Direct(name, daemon, identity, parentPid, parentName, target);
    }
}
