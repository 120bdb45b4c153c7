package dev.jmp.cluster;

import static dev.jmp.cluster.WireDescriptor.APPLY;
import static dev.jmp.cluster.WireDescriptor.CHUNK;
import static dev.jmp.cluster.WireDescriptor.ITEMS;
import static dev.jmp.cluster.WireDescriptor.RAISED;
import static dev.jmp.cluster.WireDescriptor.TASK_HEADER;
import static dev.jmp.cluster.WireDescriptor.VALUE;

import dev.jmp.Call;
import dev.jmp.Func;
import dev.jmp.ProcessError;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * What runs on a member: the bytes of a task in, the bytes of its reply out, both as
 * {@link WireDescriptor} lays them out. A task is a {@link Call} (apply) or a function
 * and some items of a map (a chunk). Whatever the task throws, and a result that
 * cannot be serialized, become the reply, so that only a lost member (or process)
 * fails a task from outside.
 *
 * <p>Static and free of Hazelcast, so that the same code runs in a member's executor
 * thread or, isolated, inside a worker process of the member's local jmp Pool.
 */
final class Work {
    private Work() {
    }

    /** How a task ended: a value (a List for a chunk) if ok, else the exception it threw. */
    record Reply(boolean ok, Object value) {
    }

    // ---- in the caller ----------------------------------------------------------------

    /** An apply's task: the Call's serialized form behind the header. */
    static byte[] apply(byte[] call) {
        return ByteBuffer.allocate(TASK_HEADER + call.length).put(APPLY).putInt(call.length).put(call).array();
    }

    /** The header and function every chunk of one map starts with (made once per map). */
    static byte[] chunkPrefix(byte[] func) {
        return ByteBuffer.allocate(TASK_HEADER + func.length).put(CHUNK).putInt(func.length).put(func).array();
    }

    /** A chunk's task: {@code prefix} (from {@link #chunkPrefix}), then the items. */
    static byte[] chunk(byte[] prefix, List<?> items) throws IOException {
        return Items.encode(prefix, items);
    }

    /** The reply's bytes as the Reply they say; classes found through {@code loader}. */
    static Reply reply(byte[] reply, ClassLoader loader) throws IOException, ClassNotFoundException {
        if (reply.length < 1) {
            throw new StreamCorruptedException("an empty reply");
        }
        return switch (reply[0]) {
            case VALUE -> new Reply(true, Payloads.decode(reply, 1, reply.length - 1, loader));
            case ITEMS -> new Reply(true, Items.decode(ByteBuffer.wrap(reply, 1, reply.length - 1).slice(), loader));
            case RAISED -> new Reply(false, Payloads.decode(reply, 1, reply.length - 1, loader));
            default -> throw new StreamCorruptedException("a reply of unknown status " + reply[0]);
        };
    }

    // ---- on the member ----------------------------------------------------------------

    /** Runs the task and returns its reply. */
    static byte[] execute(byte[] task) {
        try {
            return run(task, Thread.currentThread().getContextClassLoader());
        } catch (Throwable e) {
            return raised(e);
        }
    }

    /** The reply of a task that threw {@code e}, or of one whose member lost it. */
    static byte[] raised(Throwable e) {
        try {
            return status(RAISED, Payloads.encode(e));
        } catch (IOException notSerializable) {
            return raised(new ProcessError("Error sending result: '" + e + "'. Reason: '" + notSerializable
                    + "' (the exception could not be serialized)"));
        }
    }

    @SuppressWarnings("unchecked")
    private static byte[] run(byte[] task, ClassLoader loader) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(task);
        byte kind = b.get();
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) {
            throw new StreamCorruptedException("a task whose function claims " + n + " bytes");
        }
        Object f = Payloads.decode(task, TASK_HEADER, n, loader);
        b.position(TASK_HEADER + n);
        if (kind == APPLY) {
            Object value = ((Call<Object>) f).call();
            return sendable(() -> status(VALUE, Payloads.encode(value)), value);
        }
        if (kind != CHUNK) {
            throw new StreamCorruptedException("a task of unknown kind " + kind);
        }
        Func<Object, Object> func = (Func<Object, Object>) f;
        List<Object> items = Items.decode(b.slice(), loader);
        List<Object> out = new ArrayList<>(items.size());
        for (Object item : items) {
            out.add(func.apply(item));
        }
        return sendable(() -> Items.encode(new byte[] {ITEMS}, out), out);
    }

    private interface Encoding {
        byte[] bytes() throws IOException;
    }

    /** The encoded result, or the core Pool's error for one that cannot be serialized. */
    private static byte[] sendable(Encoding e, Object value) {
        try {
            return e.bytes();
        } catch (IOException ex) {
            return raised(new ProcessError("Error sending result: '" + value + "'. Reason: '" + ex
                    + "' (the result could not be serialized)"));
        }
    }

    private static byte[] status(byte status, byte[] body) {
        byte[] out = new byte[1 + body.length];
        out[0] = status;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }
}
