package dev.jmp;

import dev.jmp.blocking.Deadline;
import dev.jmp.connection.FdSharer;
import dev.jmp.connection.SockAddr;
import dev.jmp.connection.Sockets;
import dev.jmp.posix.Posix;
import dev.jmp.resource.Lifetime;
import dev.jmp.resource.OwnedName;
import dev.jmp.spawn.FdHandover;
import java.io.File;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serializable;
import dev.jmp.resource.Cleanup;
import java.lang.ref.Cleaner;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A listening socket that hands out authenticated {@link Connection}s: Python's
 * {@code multiprocessing.connection.Listener}.
 *
 * <p>Addresses are CPython's: a String is AF_UNIX (a filesystem path, or {@code "\0name"}
 * in Linux's abstract namespace), an InetSocketAddress is AF_INET or AF_INET6 (port 0
 * picks a free port; {@link #address()} tells which). A null address makes a fresh
 * AF_UNIX path in {@code java.io.tmpdir}; the path this Listener created is removed when
 * it is closed, dropped, or at this program's exit (as CPython's Finalize does).
 *
 * <p>With an authkey, every accepted client must pass CPython's HMAC challenge (see
 * {@code dev.jmp.connection.Handshake}) before {@link #accept()} returns it, within
 * {@code jmp.connection.handshakeTimeout}; a client that fails it, sends garbage or stays
 * silent costs its own connection only: accept throws AuthenticationError, closes that
 * connection, and the next accept serves the next client. Nothing a client sends is
 * deserialized before it has authenticated. A null authkey means no authentication, as
 * in Python.
 *
 * <p>The backlog defaults to CPython's (1). A Listener can be sent to another process
 * (through a Connection or a Queue) like a Connection: its fd travels with it.
 */
public final class Listener implements AutoCloseable, Serializable {
    private static final long serialVersionUID = 1L;
    private static final int DEFAULT_BACKLOG = 1;

    private final transient State state;
    private final transient Cleaner.Cleanable cleanable;
    private final transient Object address;
    private final transient byte[] authkey;
    private final transient OwnedName path;     // the AF_UNIX path this Listener made, or null
    private transient volatile Object lastAccepted;

    /** The fd; the Cleaner's action, so it must not refer to the Listener. */
    private static final class State implements Runnable {
        final int fd;
        private boolean closed;     // guarded by this

        State(int fd) {
            this.fd = fd;
        }

        synchronized boolean closed() {
            return closed;
        }

        @Override
        public void run() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            try {
                Posix.libc().close(fd);
            } catch (PosixException ignored) {
                // Already gone: nothing to release.
            }
        }
    }

    /**
     * An AF_UNIX listener: Python's {@code Listener(address, authkey=authkey)}.
     *
     * @param address a path, {@code "\0name"} (abstract), or null for a fresh path
     * @param authkey the shared secret clients must prove (null: no authentication)
     */
    public Listener(String address, byte[] authkey) {
        this(address, DEFAULT_BACKLOG, authkey);
    }

    /**
     * An AF_UNIX listener: Python's {@code Listener(address, backlog=backlog, authkey=authkey)}.
     *
     * @param address a path, {@code "\0name"} (abstract), or null for a fresh path
     * @param backlog the kernel's queue of clients not yet accepted
     * @param authkey the shared secret clients must prove (null: no authentication)
     */
    public Listener(String address, int backlog, byte[] authkey) {
        String at = address == null ? freshPath() : address;
        byte[] sa = SockAddr.unix(at);
        int fd = Sockets.listen(sa, backlog);
        this.state = new State(fd);
        this.cleanable = Cleanup.onUnreachable(this, state);
        this.address = at;
        this.authkey = copy(authkey);
        // The path this Listener made goes at close(), when it is dropped, or at exit.
        this.path = at.charAt(0) == '\0' ? null : Lifetime.own(this, at, p -> new File(p).delete());
    }

    /**
     * An AF_INET/AF_INET6 listener: Python's {@code Listener((host, port), authkey=authkey)}.
     *
     * @param address host and port; port 0 picks a free port ({@link #address()} has it)
     * @param authkey the shared secret clients must prove (null: no authentication)
     */
    public Listener(InetSocketAddress address, byte[] authkey) {
        Objects.requireNonNull(address, "address");
        int fd = Sockets.listen(SockAddr.inet(address), DEFAULT_BACKLOG);
        this.state = new State(fd);
        this.path = null;
        this.cleanable = Cleanup.onUnreachable(this, state);
        this.address = SockAddr.decode(Posix.libc().getsockname(fd));
        this.authkey = copy(authkey);
    }

    private Listener(int fd, Object address, byte[] authkey) {
        this.state = new State(fd);
        this.path = null;
        this.cleanable = Cleanup.onUnreachable(this, state);
        this.address = address;
        this.authkey = authkey;
    }

    /**
     * Waits for a client: Python's {@code accept()}.
     *
     * @return the client's connection, authenticated
     * @throws AuthenticationError if the client fails the challenge (its connection is closed)
     */
    public Connection accept() {
        return accept(Deadline.never(), null);
    }

    /**
     * As {@link #accept()}, waiting at most {@code timeout} (beyond Python).
     *
     * @param timeout the longest wait for a client
     * @return the client's connection, authenticated
     * @throws TimeoutError if no client connects in time
     */
    public Connection accept(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return accept(Deadline.after(timeout), timeout);
    }

    private Connection accept(Deadline deadline, Duration timeout) {
        checkOpen();
        int fd = Sockets.accept(state.fd, address instanceof InetSocketAddress, deadline);
        if (fd < 0) {
            throw new TimeoutError("no client connected within " + timeout);
        }
        Connection conn = Connection.adopt(fd, true, true, true);
        try {
            lastAccepted = SockAddr.decode(Posix.libc().getpeername(fd));
            if (authkey != null) {
                conn.authenticate(authkey, true, Deadline.after(Sockets.handshakeTimeout()));
            }
            return conn;
        } catch (RuntimeException e) {
            conn.close();
            throw e;
        }
    }

    /**
     * Python's {@code address}.
     *
     * @return a String (AF_UNIX) or an InetSocketAddress with the real port
     */
    public Object address() {
        return address;
    }

    /**
     * Python's {@code last_accepted}.
     *
     * @return the peer address of the last accepted client ("" for an unnamed AF_UNIX
     *         client), or null
     */
    public Object lastAccepted() {
        return lastAccepted;
    }

    /**
     * Closes the listening socket (and removes the AF_UNIX path this Listener created):
     * Python's {@code close()}. Idempotent.
     */
    @Override
    public void close() {
        cleanable.clean();
        if (path != null) {
            path.unlink();
        }
    }

    /** The listening fd (what {@link Connection#await} polls). */
    int fileno() {
        checkOpen();
        return state.fd;
    }

    @Override
    public String toString() {
        return "<Listener address=" + (address instanceof String s ? "'" + s.replace("\0", "\\0") + "'" : address)
                + (state.closed() ? " closed>" : ">");
    }

    private void checkOpen() {
        if (state.closed()) {
            throw new IllegalStateException("listener is closed");
        }
    }

    private static byte[] copy(byte[] authkey) {
        return authkey == null ? null : authkey.clone();
    }

    private static String freshPath() {
        byte[] r = new byte[8];
        new SecureRandom().nextBytes(r);
        return new File(System.getProperty("java.io.tmpdir"),
                "jmp-listener-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(r)).getPath();
    }

    // ---- travelling to another process -------------------------------------------

    /**
     * As a Connection's: the fd by posix_spawn inside a spawn, else lent by the fd sharer.
     *
     * @return the Handle or Shared form
     * @throws ObjectStreamException never (a closed Listener is an IllegalStateException)
     */
    private Object writeReplace() throws ObjectStreamException {
        checkOpen();
        OptionalInt childFd = FdHandover.inherit(state.fd);
        if (childFd.isPresent()) {
            return new Handle(childFd.getAsInt(), address, authkey);
        }
        return new Shared(FdSharer.share(state.fd), address, authkey);
    }

    /**
     * Refuses a Listener that did not come from its Handle or Shared form.
     *
     * @param in the stream
     * @throws InvalidObjectException always
     */
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("a Listener is deserialized only from its Handle or Shared form");
    }

    /** Inside a spawn: the fd number in the child. */
    private static final class Handle implements Serializable {
        private static final long serialVersionUID = 1L;

        private final int childFd;
        private final Object address;
        private final byte[] authkey;

        Handle(int childFd, Object address, byte[] authkey) {
            this.childFd = childFd;
            this.address = address;
            this.authkey = authkey;
        }

        private Object readResolve() throws ObjectStreamException {
            if (childFd < FdHandover.FIRST_INHERITED_FD) {
                throw new InvalidObjectException("not a Listener handed to this process: fd " + childFd);
            }
            return new Listener(childFd, address, authkey);
        }
    }

    /** Anywhere else: a ticket for the fd lent by the sender's fd sharer. */
    private static final class Shared implements Serializable {
        private static final long serialVersionUID = 1L;

        private final FdSharer.Ticket ticket;
        private final Object address;
        private final byte[] authkey;

        Shared(FdSharer.Ticket ticket, Object address, byte[] authkey) {
            this.ticket = ticket;
            this.address = address;
            this.authkey = authkey;
        }

        private Object readResolve() throws ObjectStreamException {
            if (ticket == null) {
                throw new InvalidObjectException("not a shared Listener");
            }
            return new Listener(ticket.fetch(), address, authkey);
        }
    }
}
