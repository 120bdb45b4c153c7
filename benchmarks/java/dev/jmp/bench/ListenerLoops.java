package dev.jmp.bench;

import dev.jmp.Client;
import dev.jmp.Connection;
import dev.jmp.EOFError;
import dev.jmp.Listener;
import dev.jmp.Task;
import java.net.InetSocketAddress;

/**
 * Partner loops of the Listener/Client benchmarks, in a class without JMH (a serialized
 * lambda makes the child load the class it was written in).
 */
final class ListenerLoops {
    private ListenerLoops() {
    }

    /** Connects (authenticated) to {@code address} and echoes byte messages until the parent closes. */
    static Task clientEcho(Object address, byte[] authkey) {
        return () -> {
            try (Connection c = address instanceof String path ? Client.connect(path, authkey)
                    : Client.connect((InetSocketAddress) address, authkey)) {
                while (true) {
                    c.sendBytes(c.recvBytes());
                }
            } catch (EOFError done) {
                // The benchmark is over.
            }
        };
    }

    /** Accepts clients one after another, each for one echoed message, until {@code stop} is readable. */
    static Task acceptEcho(Listener listener, Connection stop) {
        return () -> {
            while (!stop.poll()) {
                try (Connection c = listener.accept(java.time.Duration.ofMillis(100))) {
                    c.sendBytes(c.recvBytes());
                } catch (dev.jmp.TimeoutError idle) {
                    // Look at stop again.
                }
            }
        };
    }
}
