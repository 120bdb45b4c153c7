package dev.jmp.manager;

import dev.jmp.Connection;
import dev.jmp.EOFError;
import dev.jmp.InterruptedError;
import dev.jmp.PosixException;
import dev.jmp.ProcessError;
import java.util.HashMap;
import java.util.Map;

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

    private static final ThreadLocal<Map<Object, Connection>> OPEN = ThreadLocal.withInitial(HashMap::new);

    /** One round trip on this thread's connection to {@code address}. */
    public static Reply roundTrip(Object address, byte[] authkey, Request request) {
        Map<Object, Connection> open = OPEN.get();
        Connection c = open.get(address);
        if (c == null) {
            c = Addresses.connect(address, authkey);
            open.put(address, c);
        }
        try {
            c.send(request);
        } catch (IllegalArgumentException e) {
            throw e;        // an argument cannot be serialized: nothing was written
        } catch (RuntimeException e) {
            throw failed(open, address, c, e);
        }
        try {
            return c.recv();
        } catch (EOFError | PosixException | InterruptedError e) {
            throw failed(open, address, c, e);
        }
    }

    /** Closes this thread's connection to {@code address}, if any. */
    public static void forget(Object address) {
        Connection c = OPEN.get().remove(address);
        if (c != null) {
            c.close();
        }
    }

    private static RuntimeException failed(Map<Object, Connection> open, Object address, Connection c, RuntimeException e) {
        open.remove(address);
        c.close();
        if (e instanceof InterruptedError) {
            return e;
        }
        return new ProcessError("the manager at " + Addresses.show(address) + " is gone: " + e.getMessage(), e);
    }
}
