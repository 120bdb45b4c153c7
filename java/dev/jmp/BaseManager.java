package dev.jmp;

import dev.jmp.manager.Addresses;
import dev.jmp.manager.Channels;
import dev.jmp.manager.ManagerDescriptor;
import dev.jmp.manager.ProxyHandler;
import dev.jmp.manager.Reply;
import dev.jmp.manager.Request;
import dev.jmp.manager.Server;
import dev.jmp.manager.Token;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Python's {@code multiprocessing.managers.BaseManager}: a server process that owns
 * objects, and proxies through which other processes call them.
 *
 * <p>{@link #start()} spawns the server as a daemon child Process: it ends with
 * {@link #shutdown()}/{@link #close()}, when this program exits, and when this program
 * dies, even by SIGKILL. {@link #connect()} reaches a manager another program started,
 * on this host (AF_UNIX) or another (TCP). Every connection is authenticated with the
 * authkey (CPython's HMAC handshake) before anything is deserialized.
 *
 * <p>Shared objects live until the manager ends (no reference counting: a proxy that is
 * dropped does not free its object).
 */
public class BaseManager implements AutoCloseable {
    private static final Duration START_TIMEOUT =
            Duration.ofSeconds(Long.getLong("jmp.manager.startTimeout", 60));

    /**
     * A holder: the server child loads this class too (the target is a lambda written
     * here), and must not seed a SecureRandom for nothing.
     */
    private static final class Random {
        static final SecureRandom SOURCE = new SecureRandom();
    }

    private final Object requested;
    private final byte[] authkey;
    private final Map<String, Func<Object[], Object>> registry = new LinkedHashMap<>();
    private String builtins;
    private volatile Object address;
    private Process server;
    private boolean started;
    private boolean shut;

    /**
     * A manager with a fresh AF_UNIX address (in Linux's abstract namespace: no file) and
     * a random authkey: Python's {@code BaseManager()}.
     */
    public BaseManager() {
        this(null, null);
    }

    /**
     * Python's {@code BaseManager(address, authkey)}.
     *
     * @param address a String (AF_UNIX path, or {@code "\0name"}), an InetSocketAddress
     *        (port 0 picks one at start), or null for a fresh one
     * @param authkey the secret every connection must prove (null: a random one)
     */
    public BaseManager(Object address, byte[] authkey) {
        this.requested = Addresses.check(address);
        this.address = address;
        if (authkey == null) {
            authkey = new byte[32];
            Random.SOURCE.nextBytes(authkey);
        }
        this.authkey = authkey.clone();
    }

    /**
     * Registers a typeid whose factory runs in the manager: Python's
     * {@code register(typeid, callable)}; before {@link #start()}.
     *
     * @param typeid the name {@link #create} is given
     * @param factory makes a new object, in the manager process
     */
    public synchronized void register(String typeid, Call<?> factory) {
        Objects.requireNonNull(typeid, "typeid");
        Objects.requireNonNull(factory, "factory");
        checkNotStarted();
        registry.put(typeid, args -> factory.call());
    }

    /** For subclasses: their built-in typeids (a set {@code dev.jmp.manager.Builtins} names), made by the server. */
    synchronized void registerBuiltins(String set) {
        builtins = set;
    }

    /** Starts the server in a child process; returns once it listens: Python's {@code start()}. */
    public synchronized void start() {
        checkNotStarted();
        // The parent names the server (address, instance) with its own SecureRandom, so the
        // child seeds none at start.
        Object at = requested != null ? requested : Server.freshAddress();
        long instance = Random.SOURCE.nextLong();
        byte[] key = authkey;
        String set = builtins;
        // Nothing registered (a SyncManager): the target captures only plain values and a
        // Connection, so the server reads it without Java serialization (DirectPayload).
        HashMap<String, Func<Object[], Object>> types = registry.isEmpty() ? null : new HashMap<>(registry);
        Pipe pipe = Pipe.open(false);
        Connection ready = pipe.conn2();
        Process p = new Process(() -> Server.serve(at, key, instance, set, types, ready), getClass().getSimpleName() + "-"
                + Multiprocessing.currentProcess().name());
        p.setDaemon(true);
        try {
            p.start();
        } catch (RuntimeException e) {
            pipe.conn1().close();
            throw e;
        } finally {
            ready.close();      // only the child holds the sending end now
        }
        Object answer;
        try (Connection in = pipe.conn1()) {
            answer = awaitAnswer(in, p);
        } catch (RuntimeException e) {
            stop(p);
            throw e;
        }
        server = p;
        address = answer;
        started = true;
    }

    private static Object awaitAnswer(Connection in, Process p) {
        // Either the answer, or the end of the child (a bad classpath, a crash).
        List<Object> ready = Connection.await(List.of(in, p), START_TIMEOUT);
        if (ready.isEmpty()) {
            throw new TimeoutError("the manager process did not start listening within " + START_TIMEOUT
                    + " (jmp.manager.startTimeout)");
        }
        Object answer;
        try {
            answer = Server.announced(in.recvBytes());
        } catch (EOFError e) {
            p.join(Duration.ofSeconds(5));
            throw new ProcessError("the manager process ended before it was ready (exitcode " + p.exitcode() + ")", e);
        }
        if (answer instanceof RuntimeException e) {
            throw e;        // it could not listen: the address is taken, not allowed, ...
        }
        return answer;
    }

    /**
     * Reaches a manager already running at the address (another program's, maybe on
     * another host): Python's {@code connect()}.
     */
    public synchronized void connect() {
        if (requested == null) {
            throw new IllegalStateException("connect() needs the manager's address");
        }
        Channels.forget(requested);
        try (Connection c = Addresses.connect(requested, authkey)) {
            Objects.requireNonNull(c);      // authenticated both ways: the key is right
        }
        address = requested;
        started = true;
    }

    /**
     * A new object made by the typeid's factory in the manager: Python's
     * {@code manager.typeid()}. The factory's exception, if it throws, is thrown here.
     *
     * @param <T> the interface of the proxy
     * @param typeid a name given to {@link #register}
     * @param type the interface the proxy implements; its methods run in the manager
     * @return the proxy
     */
    public <T> T create(String typeid, Class<T> type) {
        return createWith(typeid, type);
    }

    <T> T createWith(String typeid, Class<T> type, Object... args) {
        Objects.requireNonNull(typeid, "typeid");
        if (!type.isInterface()) {
            throw new IllegalArgumentException("a proxy implements an interface; " + type.getName() + " is not one");
        }
        Object at = liveAddress();
        Object[] request = new Object[1 + args.length];     // the interface, then the factory's arguments
        request[0] = type.getName();
        System.arraycopy(args, 0, request, 1, args.length);
        Reply r = Channels.roundTrip(at, () -> authkey, new Request(ManagerDescriptor.CREATE, 0, typeid, request));
        if (r.kind() == ManagerDescriptor.ERROR) {
            Throwable t = (Throwable) r.value();
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new ProcessError("the factory of '" + typeid + "' failed: " + t, t);
        }
        Token made = (Token) r.value();
        return ProxyHandler.proxy(new Token(made.typeid(), at, authkey, made.server(), made.id()), type);
    }

    /**
     * Python's {@code address}.
     *
     * @return a String (AF_UNIX) or an InetSocketAddress, with the real port once started
     */
    public Object address() {
        return address;
    }

    /**
     * Stops the manager process this manager started: Python's {@code shutdown()}; for a
     * connected one, forgets this thread's connection.
     */
    public synchronized void shutdown() {
        if (!started || shut) {
            return;
        }
        shut = true;
        Channels.forget(address);
        if (server == null) {
            return;
        }
        try (Connection c = Addresses.connect(address, authkey)) {
            Channels.roundTrip(c, address, new Request(ManagerDescriptor.SHUTDOWN, 0, null, null));
        } catch (RuntimeException e) {
            // Already gone: stop() below makes sure.
        }
        stop(server);
    }

    /** As {@link #shutdown()}: Python's {@code with manager:} block ending. */
    @Override
    public void close() {
        shutdown();
    }

    /** CPython's _finalize_manager: join a moment, then terminate, then kill. */
    private static void stop(Process p) {
        p.join(Duration.ofSeconds(1));
        if (p.isAlive()) {
            p.terminate();
            p.join(Duration.ofSeconds(1));
        }
        if (p.isAlive()) {
            p.kill();
            p.join();
        }
        p.close();
    }

    /** The server Process (tests). */
    Process serverProcess() {
        return server;
    }

    private synchronized Object liveAddress() {
        if (!started) {
            throw new IllegalStateException("the manager is neither started nor connected");
        }
        if (shut) {
            throw new IllegalStateException("the manager at " + Addresses.show(address) + " has been shut down");
        }
        return address;
    }

    private void checkNotStarted() {
        if (started) {
            throw new IllegalStateException("the manager has already been started or connected");
        }
    }

    @Override
    public String toString() {
        return "<" + getClass().getSimpleName() + " address=" + Addresses.show(address)
                + (shut ? " shut down" : started ? (server != null ? " started" : " connected") : "") + ">";
    }
}
