package dev.jmp.manager;

import dev.jmp.Connection;
import dev.jmp.EOFError;
import dev.jmp.InterruptedError;
import dev.jmp.PosixException;
import dev.jmp.ProcessError;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A client's connections to managers: one per thread and manager address (CPython's
 * {@code BaseProxy._tls}), opened at the first call, kept for the next ones.
 *
 * <p>A connection whose round trip failed half-way (the manager died, the call was
 * interrupted while waiting for its reply) is closed and forgotten: its next reply would
 * belong to the abandoned call. The next call opens a new one.
 */
public final class Channels {
    private Channels() {
    }

    private static final ThreadLocal<Map<Object, Channel>> OPEN = ThreadLocal.withInitial(HashMap::new);

    /** A connection and the codec of its client end. */
    private record Channel(Connection connection, Codec codec) {
    }

    /**
     * One round trip on this thread's connection to {@code address}; {@code authkey}
     * is asked for only when a connection is opened.
     */
    public static Reply roundTrip(Object address, Supplier<byte[]> authkey, Request request) {
        Map<Object, Channel> open = OPEN.get();
        Channel ch = open.get(address);
        if (ch == null) {
            ch = new Channel(Addresses.connect(address, authkey.get()), new Codec());
            open.put(address, ch);
        }
        Connection c = ch.connection();
        try {
            ch.codec().send(c, request);
        } catch (IllegalArgumentException e) {
            throw e;        // an argument cannot be serialized: nothing was written
        } catch (RuntimeException e) {
            throw failed(open, address, c, e);
        }
        byte[] reply;
        try {
            reply = c.recvBytes();
        } catch (EOFError | PosixException | InterruptedError e) {
            throw failed(open, address, c, e);
        }
        try {
            return ch.codec().reply(reply, address);
        } catch (InterruptedError e) {
            throw failed(open, address, c, e);
        }
    }

    /** One round trip on a connection of the caller's own (a shutdown's). */
    public static Reply roundTrip(Connection c, Object address, Request request) {
        Codec codec = new Codec();
        codec.send(c, request);
        return codec.reply(c.recvBytes(), address);
    }

    /** Closes this thread's connection to {@code address}, if any. */
    public static void forget(Object address) {
        Channel ch = OPEN.get().remove(address);
        if (ch != null) {
            ch.connection().close();
        }
    }

    private static RuntimeException failed(Map<Object, Channel> open, Object address, Connection c, RuntimeException e) {
        open.remove(address);
        c.close();
        if (e instanceof InterruptedError) {
            return e;
        }
        return new ProcessError("the manager at " + Addresses.show(address) + " is gone: " + e.getMessage(), e);
    }
}
