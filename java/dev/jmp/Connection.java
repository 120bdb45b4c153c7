package dev.jmp;

import dev.jmp.blocking.Deadline;
import dev.jmp.blocking.Interrupts;
import dev.jmp.connection.FdHolder;
import dev.jmp.connection.FdSharer;
import dev.jmp.connection.Handshake;
import dev.jmp.connection.Receiver;
import dev.jmp.connection.Sender;
import dev.jmp.connection.StreamBroken;
import dev.jmp.resource.Cleanup;
import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import dev.jmp.spawn.FdHandover;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One end of a {@link Pipe}: Python's {@code multiprocessing.connection.Connection}.
 *
 * <p>Messages are framed as CPython frames them (a 4-byte big-endian signed length; for
 * 2 GiB and over, -1 then an 8-byte length), so {@link #sendBytes}/{@link #recvBytes}
 * talk to a Python Connection on the same pipe. {@link #send}/{@link #recv} carry any
 * Serializable object (or null) as one message holding a complete Java serialization
 * stream; what arrives is deserialized through an ObjectInputFilter with limits (system
 * properties {@code jmp.connection.maxDepth}, {@code maxRefs}, {@code maxArrayLength},
 * {@code maxMessageBytes}).
 *
 * <p>A Connection reaches another process usable, and this copy stays usable too:
 * captured by a child's target at spawn, its fd is handed over by posix_spawn; sent
 * with {@link #send} (or put on a Queue, or carried by a Pool task, or captured by a
 * target that goes to a warm child) its fd travels by SCM_RIGHTS when the receiver
 * deserializes it (see {@code dev.jmp.connection.FdSharer}).
 *
 * <p>Errors, as API.md maps CPython's: closed, or the wrong direction (send on a
 * receive-only end) -> IllegalStateException; an offset outside the buffer ->
 * IndexOutOfBoundsException; an object that cannot be serialized ->
 * IllegalArgumentException, nothing written; a message longer than {@code maxlength}
 * or than {@code jmp.connection.maxMessageBytes} -> PosixException EMSGSIZE ("bad
 * message length"), and, as in CPython, the connection stops receiving (a duplex one
 * becomes unreadable, a receive-only one is closed), because the rest of that message
 * is still in the pipe; a frame header that is garbage -> PosixException EBADMSG, same
 * consequence; the other end closing in the middle of a message -> PosixException
 * EBADMSG; a message that is not a Java object, names a missing class, or breaks a
 * limit -> ProcessError from {@code recv} (the message was consumed whole, the
 * connection stays usable). A blocked call wakes on Thread.interrupt() with
 * InterruptedError; an interrupted receive resumes where it stopped, while a send
 * interrupted after part of its message was written leaves the connection unable to
 * send.
 *
 * <p>The fd is blocking, so another program holding it (a Python child) reads it as its
 * own; jmp itself never blocks in the kernel on it (see {@code dev.jmp.connection.FdIo}).
 * It is closed by {@link #close()}, or when the Connection becomes unreachable.
 */
public final class Connection implements AutoCloseable, Serializable {
    private static final long serialVersionUID = 1L;

    private final transient FdHolder holder;
    private final transient Cleaner.Cleanable cleanable;
    private final transient Sender sender;       // null when receive-only
    private final transient Receiver receiver;   // null when send-only
    private final transient boolean writable;
    private transient volatile boolean readable;
    private transient volatile boolean closed;

    private Connection(int fd, boolean readable, boolean writable, boolean socket, boolean readAhead) {
        if (!readable && !writable) {
            throw new IllegalArgumentException("at least one of readable and writable must be true");
        }
        this.holder = new FdHolder(fd, socket);
        this.cleanable = Cleanup.onUnreachable(this, holder);
        this.readable = readable;
        this.writable = writable;
        this.sender = writable ? new Sender(holder) : null;
        this.receiver = readable ? new Receiver(holder, readAhead) : null;
    }

    /**
     * Adopts {@code fd} (close-on-exec; a socket if {@code socket}, else a pipe end):
     * closing the Connection closes it.
     */
    static Connection adopt(int fd, boolean readable, boolean writable, boolean socket) {
        return new Connection(fd, readable, writable, socket, true);
    }

    /**
     * CPython's handshake on a fresh socket: a Listener's side delivers the challenge then
     * answers one; a Client's side the other way round. Every message is capped and due
     * before {@code deadline}; AuthenticationError on any failure (the caller closes).
     */
    void authenticate(byte[] authkey, boolean listenerSide, Deadline deadline) {
        Handshake.Wire wire = new Handshake.Wire() {
            @Override
            public void sendBytes(byte[] message) {
                Connection.this.sendBytes(message);
            }

            @Override
            public byte[] recvBytes(int maxlength, Deadline d) {
                try {
                    return receiver.receive(maxlength, "recvBytes", d);
                } catch (StreamBroken e) {
                    throw e.error();
                }
            }
        };
        try {
            if (listenerSide) {
                Handshake.deliverChallenge(wire, authkey, deadline);
                Handshake.answerChallenge(wire, authkey, deadline);
            } else {
                Handshake.answerChallenge(wire, authkey, deadline);
                Handshake.deliverChallenge(wire, authkey, deadline);
            }
        } catch (AuthenticationError e) {
            throw e;
        } catch (TimeoutError e) {
            throw new AuthenticationError("the peer did not complete the authentication handshake within "
                    + "jmp.connection.handshakeTimeout", e);
        } catch (RuntimeException e) {
            throw new AuthenticationError("authentication handshake failed: " + e.getMessage(), e);
        }
    }

    // ---- sending ------------------------------------------------------------------

    /**
     * Sends a serializable object (or null, as Python sends None): Python's
     * {@code send(obj)}. It is serialized completely before anything is written: one
     * that cannot be serialized throws IllegalArgumentException and the connection is
     * unchanged.
     *
     * @param obj the object
     */
    public void send(Object obj) {
        checkWritable();
        sender.send(obj);
    }

    /**
     * Sends the whole array as one message: Python's {@code send_bytes(buf)}.
     *
     * @param buf the bytes
     */
    public void sendBytes(byte[] buf) {
        sendBytes(buf, 0, buf.length);
    }

    /**
     * Sends {@code buf[offset..]} as one message: Python's {@code send_bytes(buf, offset)}.
     *
     * @param buf the bytes
     * @param offset where the message starts (IndexOutOfBoundsException outside the array)
     */
    public void sendBytes(byte[] buf, int offset) {
        Objects.requireNonNull(buf, "buf");
        if (offset < 0 || offset > buf.length) {
            throw new IndexOutOfBoundsException("offset " + offset + " outside a buffer of length " + buf.length);
        }
        sendBytes(buf, offset, buf.length - offset);
    }

    /**
     * Sends {@code buf[offset, offset+size)} as one message: Python's
     * {@code send_bytes(buf, offset, size)}.
     *
     * @param buf the bytes
     * @param offset where the message starts
     * @param size its length (IndexOutOfBoundsException if it passes the array's end)
     */
    public void sendBytes(byte[] buf, int offset, int size) {
        Objects.checkFromIndexSize(offset, size, buf.length);
        checkWritable();
        sender.sendBytes(buf, offset, size);
    }

    /**
     * Sends the bytes of {@code buf} from its position to its limit as one message (a
     * direct buffer is written from its own memory, a heap one from its array, without a
     * copy). On return the position is the limit, as after a channel's write; after a
     * failure it is unchanged. The buffer may be reused at once. Python has no
     * counterpart (its {@code send_bytes} takes any buffer, always from its start).
     *
     * @param buf the bytes, from its position to its limit
     */
    public void sendBytes(ByteBuffer buf) {
        Objects.requireNonNull(buf, "buf");
        checkWritable();
        sender.sendBytes(buf);
    }

    // ---- receiving ----------------------------------------------------------------

    /**
     * Receives the next object: Python's {@code recv()}.
     *
     * @param <T> the type the caller expects (a cast, unchecked)
     * @return the object (null for Python's None)
     * @throws EOFError when the other end is closed and nothing is left
     */
    @SuppressWarnings("unchecked")
    public <T> T recv() {
        checkReadable();
        try {
            return (T) receiver.receiveObject("recv");
        } catch (StreamBroken e) {
            throw stopReading(e);
        }
    }

    /**
     * Receives the next message: Python's {@code recv_bytes()}.
     *
     * @return its bytes
     * @throws EOFError when the other end is closed and nothing is left
     */
    public byte[] recvBytes() {
        return receive(Long.MAX_VALUE, "recvBytes");
    }

    /**
     * Receives the next message: Python's {@code recv_bytes(maxlength)}.
     *
     * @param maxlength the longest message accepted; a longer one is PosixException
     *        EMSGSIZE (see the class comment)
     * @return its bytes
     */
    public byte[] recvBytes(int maxlength) {
        if (maxlength < 0) {
            throw new IllegalArgumentException("negative maxlength");
        }
        return receive(maxlength, "recvBytes");
    }

    /**
     * Receives the next message into {@code buf}: Python's {@code recv_bytes_into(buf)}.
     *
     * @param buf where the message goes, from index 0
     * @return the message's length
     * @throws BufferTooShort if it does not fit; it carries the whole message
     */
    public int recvBytesInto(byte[] buf) {
        return recvBytesInto(buf, 0);
    }

    /**
     * Receives the next message into {@code buf} from {@code offset}: Python's
     * {@code recv_bytes_into(buf, offset)}.
     *
     * @param buf where the message goes
     * @param offset where in {@code buf} (IndexOutOfBoundsException outside it)
     * @return the message's length
     * @throws BufferTooShort if it does not fit; it carries the whole message (consumed)
     */
    public int recvBytesInto(byte[] buf, int offset) {
        Objects.requireNonNull(buf, "buf");
        if (offset < 0 || offset > buf.length) {
            throw new IndexOutOfBoundsException("offset " + offset + " outside a buffer of length " + buf.length);
        }
        return receiveInto(ByteBuffer.wrap(buf, offset, buf.length - offset));
    }

    /**
     * Receives the next message into {@code buf} from its position, read straight into
     * it (direct or heap: no copy on the way); returns its length and moves the position
     * past it (the limit stays). If it is longer than {@code buf.remaining()},
     * BufferTooShort carries the whole message (it is consumed) and the buffer's position
     * is unchanged. A read-only buffer -> IllegalArgumentException, before anything is read.
     * Python's {@code recv_bytes_into(buf)} with a writable memoryview.
     *
     * @param buf where the message goes, from its position
     * @return the message's length
     * @throws BufferTooShort if it does not fit; it carries the whole message (consumed)
     */
    public int recvBytesInto(ByteBuffer buf) {
        Objects.requireNonNull(buf, "buf");
        if (buf.isReadOnly()) {
            throw new IllegalArgumentException("recvBytesInto: the buffer is read-only");
        }
        return receiveInto(buf);
    }

    private int receiveInto(ByteBuffer buf) {
        checkReadable();
        try {
            return receiver.receiveInto(buf, "recvBytesInto", Deadline.never());
        } catch (StreamBroken e) {
            throw stopReading(e);
        }
    }

    /**
     * Python's {@code poll()}: does not wait.
     *
     * @return whether a message (or the end of file) is there to read
     */
    public boolean poll() {
        return poll(Duration.ZERO);
    }

    /**
     * Waits for something to read: Python's {@code poll(timeout)}.
     *
     * @param timeout the longest wait (null: without limit, Python's {@code poll(None)})
     * @return whether a message (or the end of file) is there to read
     */
    public boolean poll(Duration timeout) {
        checkReadable();
        return receiver.poll(timeout == null ? Deadline.never() : Deadline.after(timeout));
    }

    private byte[] receive(long maxlength, String call) {
        checkReadable();
        try {
            return receiver.receive(maxlength, call);
        } catch (StreamBroken e) {
            throw stopReading(e);
        }
    }

    /** CPython's _bad_message_length: the rest of a message is in the pipe; stop reading it. */
    private ProcessError stopReading(StreamBroken e) {
        if (writable) {
            readable = false;
        } else {
            close();
        }
        return e.error();
    }

    // ---- state --------------------------------------------------------------------

    /**
     * Closes this process's copy of the fd: Python's {@code close()}. Idempotent. The
     * peer sees end of file once every copy is closed.
     */
    @Override
    public void close() {
        closed = true;
        cleanable.clean();
    }

    /**
     * Python's {@code closed}.
     *
     * @return whether {@link #close()} was called here
     */
    public boolean closed() {
        return closed;
    }

    /**
     * Python's {@code readable}.
     *
     * @return false for a send-only end, and once a bad message length stopped receiving
     */
    public boolean readable() {
        return readable;
    }

    /**
     * Python's {@code writable}.
     *
     * @return false for a receive-only end, and once a send was cut off after part of
     *         its message was written
     */
    public boolean writable() {
        return writable && !sender.broken();
    }

    /**
     * Python's {@code fileno()}. A socket Connection reads ahead (bytes of the next
     * messages may already be in this object): wait for it with {@link #poll(Duration)}
     * or {@link #await}, which look there first, rather than with a poll of your own.
     *
     * @return the file descriptor (blocking; jmp's own I/O on it never blocks)
     */
    public int fileno() {
        checkClosed();
        return holder.fd();
    }

    @Override
    public String toString() {
        if (closed) {
            return "<Connection closed>";
        }
        return "<Connection fd=" + holder.fd() + (readable ? " readable" : "") + (writable ? " writable" : "") + ">";
    }

    private void checkClosed() {
        if (closed) {
            throw new IllegalStateException("handle is closed");
        }
    }

    private void checkReadable() {
        checkClosed();
        if (!readable) {
            throw new IllegalStateException(receiver == null ? "connection is write-only"
                    : "connection is no longer readable: a bad message length stopped it");
        }
    }

    private void checkWritable() {
        checkClosed();
        if (!writable) {
            throw new IllegalStateException("connection is read-only");
        }
    }

    // ---- waiting on several objects -----------------------------------------------

    /**
     * Python's {@code multiprocessing.connection.wait(object_list, timeout)}: waits, in one
     * poll(2), until at least one object is ready, and returns the ready ones in the order
     * given. Ready means: a Connection or Listener has something to read (a message, the
     * end of file, a client to accept); a Process has ended (its sentinel); an Integer fd
     * is readable. Empty when {@code timeout} passes first; null waits forever. A closed
     * Connection or a Process not started throws IllegalStateException; any other type,
     * IllegalArgumentException.
     *
     * @param <T> the type of the objects
     * @param objects Connections, Processes, Listeners and Integer fds
     * @param timeout the longest wait (null: forever)
     * @return the ready ones, in the order given; empty if the timeout passed
     */
    public static <T> List<T> await(Collection<T> objects, Duration timeout) {
        List<T> list = new ArrayList<>(objects);
        int n = list.size();
        int[] fds = new int[n];
        short[] events = new short[n];
        for (int i = 0; i < n; i++) {
            fds[i] = waitFd(list.get(i));
            events[i] = Linux.POLLIN;
        }
        List<T> buffered = new ArrayList<>();
        for (T o : list) {
            if (o instanceof Connection c && c.receiver != null && c.receiver.hasBuffered()) {
                buffered.add(o);    // a message read ahead: ready without asking the kernel
            }
        }
        if (!buffered.isEmpty()) {
            return buffered;
        }
        Deadline deadline = Deadline.after(timeout);
        Posix posix = Posix.libc();
        short[] revents = new short[n];
        while (true) {
            Interrupts.check("waiting for connections");
            int r = posix.poll(fds, events, revents, deadline.sliceMillis(Interrupts.SLICE_MILLIS));
            if (r > 0) {
                List<T> ready = new ArrayList<>(r);
                for (int i = 0; i < n; i++) {
                    if (revents[i] != 0) {
                        ready.add(list.get(i));
                    }
                }
                return ready;
            }
            if (r == 0 && deadline.expired()) {
                return new ArrayList<>();
            }
        }
    }

    private static int waitFd(Object o) {
        if (o instanceof Connection c) {
            return c.fileno();
        }
        if (o instanceof Process p) {
            return p.sentinel();
        }
        if (o instanceof Listener l) {
            return l.fileno();
        }
        if (o instanceof Integer fd) {
            return fd;
        }
        throw new IllegalArgumentException("cannot wait for " + (o == null ? "null" : o.getClass().getName())
                + ": only Connection, Process, Listener or Integer (an fd)");
    }

    // ---- travelling to another process -------------------------------------------

    /**
     * Inside a Process being started (captured by a target spawned cold), the fd is handed
     * to the child by posix_spawn and the child's number for it is written. Anywhere else
     * (a message, a Queue, a Pool task, a warm child), a duplicate of the fd is lent
     * through this process's fd sharer, and the ticket is written.
     *
     * @return the Handle or Shared form
     * @throws ObjectStreamException never (a closed Connection is an IllegalStateException)
     */
    private Object writeReplace() throws ObjectStreamException {
        Handle handle = handedOver();
        return handle != null ? handle : new Shared(FdSharer.share(holder.fd()), readable, writable, holder.socket());
    }

    /**
     * Inside a Process being started cold (see {@link FdHandover}): the form that names
     * the fd the child inherits; else null. Either way the fd may have a reader in another
     * process from now on, so this end stops reading ahead.
     */
    Handle handedOver() {
        checkClosed();
        if (receiver != null) {
            receiver.readExactly();
        }
        OptionalInt childFd = FdHandover.inherit(holder.fd());
        return childFd.isPresent() ? new Handle(childFd.getAsInt(), readable, writable, holder.socket()) : null;
    }

    /** True if {@link #handedOver} would give a Handle now (a spawn is being written, this end is open). */
    boolean handsOver() {
        return !closed && FdHandover.collecting();
    }

    /**
     * Refuses a Connection that did not come from its Handle or Shared form.
     *
     * @param in the stream
     * @throws InvalidObjectException always
     */
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("a Connection is deserialized only from its Handle or Shared form");
    }

    /**
     * The serialized form inside a spawn: the fd number in the receiving child, and the
     * direction. A direct payload carries the same four values ({@code DirectHandles}).
     */
    static final class Handle implements Serializable {
        private static final long serialVersionUID = 2L;

        private final int fd;
        private final boolean readable;
        private final boolean writable;
        private final boolean socket;

        Handle(int fd, boolean readable, boolean writable, boolean socket) {
            this.fd = fd;
            this.readable = readable;
            this.writable = writable;
            this.socket = socket;
        }

        void write(DataOutputStream out) throws IOException {
            out.writeInt(fd);
            out.writeBoolean(readable);
            out.writeBoolean(writable);
            out.writeBoolean(socket);
        }

        static Connection read(DataInputStream in) throws IOException {
            return new Handle(in.readInt(), in.readBoolean(), in.readBoolean(), in.readBoolean()).resolve();
        }

        private Object readResolve() throws ObjectStreamException {
            return resolve();
        }

        private Connection resolve() throws InvalidObjectException {
            if (fd < FdHandover.FIRST_INHERITED_FD || (!readable && !writable)) {
                throw new InvalidObjectException("not a Connection handed to this process: fd " + fd);
            }
            return new Connection(fd, readable, writable, socket, false);
        }
    }

    /** The serialized form anywhere else: a ticket for the fd lent by the sender's fd sharer. */
    private static final class Shared implements Serializable {
        private static final long serialVersionUID = 1L;

        private final FdSharer.Ticket ticket;
        private final boolean readable;
        private final boolean writable;
        private final boolean socket;

        Shared(FdSharer.Ticket ticket, boolean readable, boolean writable, boolean socket) {
            this.ticket = ticket;
            this.readable = readable;
            this.writable = writable;
            this.socket = socket;
        }

        private Object readResolve() throws ObjectStreamException {
            if (ticket == null || (!readable && !writable)) {
                throw new InvalidObjectException("not a shared Connection");
            }
            return new Connection(ticket.fetch(), readable, writable, socket, false);
        }
    }
}
