package dev.jmp.manager;

import dev.jmp.Func;
import dev.jmp.Connection;
import dev.jmp.EOFError;
import dev.jmp.Listener;
import dev.jmp.PosixException;
import dev.jmp.ProcessError;
import dev.jmp.connection.Handshake;
import dev.jmp.connection.MessageReader;
import dev.jmp.resource.Log;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A manager's server: CPython's {@code managers.Server}, run in a child Process.
 *
 * <p>Why a thread per connection: a client keeps one connection per thread, and a call
 * may block in the server for as long as the object says ({@code take()} on an empty
 * queue, {@code lock()} of a held lock). With one server thread per connection such a
 * call holds up only the client thread that made it, and the ownership of a lock taken
 * through a proxy follows the client thread, as in CPython. The objects are therefore
 * called from several threads at once: the built-in ones are synchronized, a registered
 * type must be thread-safe itself.
 *
 * <p>Why a client's failure costs only its own connection: a client that dies in the
 * middle of a call, sends a torn frame or a message that does not deserialize, ends
 * (or errs) on its own thread; the accept loop and every other connection go on. A
 * factory or a method that throws is an ERROR reply, never the end of the server.
 *
 * <p>The server ends on a SHUTDOWN request (after replying), and otherwise as the daemon
 * child it is: with its creator, however the creator ends (see {@code ParentWatch}).
 * Objects live until the server ends (no reference counting).
 */
public final class Server {
    private static final Log LOG = new Log("dev.jmp.manager");
    private static volatile Server running;

    private final long instance;
    private final Listener listener;
    private final Object address;
    private final Map<String, Func<Object[], Object>> registry;
    private final Map<Long, Object> objects = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private final AtomicLong nextConnection = new AtomicLong(1);

    private Server(Listener listener, long instance, Map<String, Func<Object[], Object>> registry) {
        this.listener = listener;
        this.address = listener.address();
        this.instance = instance;
        this.registry = registry;
    }

    /**
     * The child's target: listen at {@code address}, send the real address (or the
     * failure) through {@code ready}, then serve until SHUTDOWN. {@code instance} names
     * this server (see {@link Token}); the typeids are the built-in set {@code builtins}
     * (see {@code Builtins.named}) and then {@code registered} (null: none).
     */
    public static void serve(Object address, byte[] authkey, long instance, String builtins,
            Map<String, Func<Object[], Object>> registered, Connection ready) {
        Handshake.primeInBackground();      // the first client connects as soon as we say we listen
        Listener listener;
        Map<String, Func<Object[], Object>> registry = new HashMap<>(Builtins.named(builtins));
        if (registered != null) {
            registry.putAll(registered);
        }
        try {
            listener = address instanceof InetSocketAddress inet ? new Listener(inet, authkey)
                    : new Listener((String) address, ManagerDescriptor.BACKLOG, authkey);
        } catch (RuntimeException e) {
            ready.send(e);
            ready.close();
            return;
        }
        Server s = new Server(listener, instance, registry);
        running = s;
        if (s.address instanceof String path) {
            ready.sendBytes(listeningAt(path));
        } else {
            ready.send(s.address);
        }
        ready.close();
        s.acceptLoop();
    }

    /**
     * The message that says a server listens at an AF_UNIX {@code path}: the tag
     * {@link ManagerDescriptor#LISTENING_AT}, then the path in UTF-8. Not a Java object:
     * the server's young JVM would pay for ObjectOutputStream's first use before its
     * starter could connect.
     */
    static byte[] listeningAt(String path) {
        byte[] utf8 = path.getBytes(StandardCharsets.UTF_8);
        byte[] m = new byte[1 + utf8.length];
        m[0] = ManagerDescriptor.LISTENING_AT;
        System.arraycopy(utf8, 0, m, 1, utf8.length);
        return m;
    }

    /**
     * What a starting server said on its ready Connection: the address it listens at, or
     * the RuntimeException that kept it from listening (a Java object, see
     * {@link ManagerDescriptor#LISTENING_AT}).
     */
    public static Object announced(byte[] message) {
        if (message.length > 0 && message[0] == ManagerDescriptor.LISTENING_AT) {
            return new String(message, 1, message.length - 1, StandardCharsets.UTF_8);
        }
        return new MessageReader().decode(message);
    }

    /** The server running in this JVM, or null: a proxy of its own objects needs no socket. */
    static Server running() {
        return running;
    }

    long instance() {
        return instance;
    }

    /** The object behind {@code id}; ProcessError if there is none. */
    Object referent(long id) {
        Object o = objects.get(id);
        if (o == null) {
            throw new ProcessError("no shared object with id " + id + " in the manager at " + Addresses.show(address));
        }
        return o;
    }

    /** Keeps {@code obj} and names it. */
    Token register(String typeid, Object obj) {
        long id = nextId.getAndIncrement();
        objects.put(id, obj);
        return new Token(typeid, address, null, instance, id);
    }

    private void acceptLoop() {
        while (true) {
            Connection c;
            try {
                c = listener.accept();
            } catch (dev.jmp.AuthenticationError e) {
                LOG.log(System.Logger.Level.DEBUG, "manager: a client failed authentication: {0}", e.getMessage());
                continue;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "manager: stops accepting: {0}", e.toString());
                return;
            }
            Thread t = new ConnectionThread(this, c, "jmp-manager-conn-" + nextConnection.getAndIncrement());
            t.setDaemon(true);
            t.start();
        }
    }

    /** A client's connection served on a thread of its own (a named class: no lambda to link in a young server). */
    private static final class ConnectionThread extends Thread {
        private final Server server;
        private final Connection c;

        ConnectionThread(Server server, Connection c, String name) {
            super(name);
            this.server = server;
            this.c = c;
        }

        @Override
        public void run() {
            server.serveConnection(c);
        }
    }

    private void serveConnection(Connection c) {
        Dispatch dispatch = new Dispatch(this);
        Codec codec = new Codec();
        try (c) {
            while (true) {
                Request r;
                try {
                    r = codec.request(c.recvBytes());
                } catch (EOFError | PosixException e) {
                    return;     // the client is gone (or tore a frame): only this connection ends
                } catch (ProcessError e) {
                    codec.send(c, Reply.error(new IllegalArgumentException("the manager could not read the request: "
                            + e.getMessage())));
                    continue;
                }
                if (r.op() == ManagerDescriptor.SHUTDOWN) {
                    shutdown(c, codec);
                    return;
                }
                Reply reply = dispatch.handle(r);
                try {
                    codec.send(c, reply);
                } catch (IllegalArgumentException e) {
                    codec.send(c, Reply.error(new IllegalArgumentException("the result cannot be sent back: "
                            + e.getMessage(), e.getCause())));
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "manager: connection ended: {0}", e.toString());
        }
    }

    private void shutdown(Connection c, Codec codec) {
        LOG.log(System.Logger.Level.DEBUG, "manager at {0}: shutting down", Addresses.show(address));
        listener.close();
        try {
            codec.send(c, Reply.value(null));
        } finally {
            System.exit(0);
        }
    }

    /** A fresh AF_UNIX address in the abstract namespace (no file to remove). */
    public static String freshAddress() {
        byte[] r = new byte[8];
        new SecureRandom().nextBytes(r);
        return "\0jmp-manager-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(r);
    }

    Func<Object[], Object> factory(String typeid) {
        Func<Object[], Object> f = registry.get(typeid);
        if (f == null) {
            throw new IllegalArgumentException("unknown typeid '" + typeid + "' (registered: " + registry.keySet() + ")");
        }
        return f;
    }
}
