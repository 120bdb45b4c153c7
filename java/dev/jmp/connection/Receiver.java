package dev.jmp.connection;

import dev.jmp.BufferTooShort;
import dev.jmp.EOFError;
import dev.jmp.InterruptedError;
import dev.jmp.TimeoutError;
import dev.jmp.blocking.Deadline;
import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The receiving half of a Connection: reads one frame (header, then body) off the fd.
 *
 * <p><b>A socket reads ahead.</b> On a socket (a duplex Pipe, a Listener's or Client's
 * Connection) one non-blocking recv fetches up to {@link #AHEAD} bytes into a buffer of
 * this Receiver: the header and body of a small message come in one system call, and
 * messages that arrived together are then served from the buffer with none. Where a
 * ping-pong needs a poll (the wait) and one recv per message, reading exactly needed a
 * recv for the header and another for the body. A {@link #poll} or
 * {@code Connection.await} looks at the buffer before the fd.
 *
 * <p><b>A pipe, and a socket that another process may hold, read exactly</b>, as
 * CPython does: the 4-byte header, the 8 more of the long form if announced, then
 * exactly the body; never a byte of the next message. That keeps a pattern CPython
 * allows working: several processes reading one end in turn under a lock, each taking
 * whole messages. So a Connection stops reading ahead once it is serialized (sent to a
 * child, through a Connection or a Queue; {@link #readExactly}), and one that arrived
 * that way never starts: bytes read ahead would be stranded in whichever process read
 * them.
 *
 * <p>A receive is resumable: if the thread is interrupted while waiting in the middle
 * of a frame, what was read so far stays here and the next receive carries on from
 * it, so an interrupt never loses or tears a message.
 *
 * <p>What a header claims is not trusted: a length above the caller's maxlength or
 * above {@link Limits#MAX_MESSAGE_BYTES} is refused before anything is allocated, and
 * the body array grows with the bytes that actually arrive (from 1 MiB, doubling up to
 * the claimed length), so a header that lies costs nothing until the bytes exist.
 */
public final class Receiver {
    private static final int FIRST_BODY_ARRAY = 1 << 20;

    /**
     * How long a receive that finds nothing keeps looking before it sleeps in poll
     * ({@code jmp.connection.spinNanos}; 0: never). In a ping-pong between two CPUs the
     * reply is usually closer than the two wake-ups a sleep costs (the reader's, and the
     * scheduler's for it). Yielding between looks lets the other side run when both
     * share a CPU. The price is at most this long of CPU per receive that waits longer.
     */
    private static final long SPIN_NANOS = Long.getLong("jmp.connection.spinNanos", 20_000);
    /** The most bytes one read-ahead recv fetches: a frame sent in one write (see Sender) fits. */
    static final int AHEAD = Sender.SMALL;

    private final FdHolder holder;
    private final ByteBuffer head = ByteBuffer.allocateDirect(FrameHeader.MAX);
    private final byte[] headBytes = new byte[FrameHeader.MAX];
    private ByteBuffer chunk;
    private MessageReader reader;
    /**
     * Bytes read off a socket beyond the frame in progress, unread between position and
     * limit (empty: limit 0); null until the first read ahead.
     */
    private ByteBuffer ahead;
    /** {@code ahead.remaining()}, for {@link #poll} from any thread. */
    private volatile int buffered;
    /** Whether reads may fetch more than the frame needs (a socket no other process holds). */
    private volatile boolean readAhead;
    /** Whether the last message made us wait: then the next one likely will too. */
    private boolean waited;
    /** Reading ahead: whether the last read got less than it asked for (the socket is empty). */
    private boolean drained;
    /** For {@link #spinForData}: one pollfd, allocated once. */
    private final int[] pollFd = new int[1];
    private final short[] pollEvents = {Linux.POLLIN};
    private final short[] pollRevents = new short[1];
    /** A message whose decoding was interrupted: the next receive returns it first. */
    private byte[] undecoded;

    // The frame in progress (resumable state): header bytes are in 'head'.
    private long length = -1;      // -1 until the header is complete
    private byte[] body;
    private int bodyPos;

    /**
     * A Receiver of {@code holder}'s fd; it reads ahead if {@code readAhead} and the fd is
     * a socket (see the class comment for when another process may hold it).
     */
    public Receiver(FdHolder holder, boolean readAhead) {
        this.holder = holder;
        this.readAhead = readAhead && holder.socket();
        head.limit(FrameHeader.SHORT);
    }

    /**
     * From now on reads take exactly one frame: the fd is about to be shared with another
     * process. IllegalStateException if bytes of a next message were already read ahead
     * into this process (they would be lost to the other one): receive them first (they
     * are still served here; only later reads are exact).
     */
    public void readExactly() {
        // Not under the monitor: a thread may be waiting in receive() for a long time.
        readAhead = false;
        if (buffered > 0) {
            throw new IllegalStateException(buffered + " bytes of messages already read ahead into this process "
                    + "would not reach the other one: receive them before sending this Connection");
        }
    }

    /** True if bytes read ahead are waiting here: the next receive needs no system call. */
    public boolean hasBuffered() {
        return buffered > 0;
    }

    /**
     * The next message's bytes. StreamBroken if its length is above {@code maxlength} or
     * the cap, or its header is garbage; EOFError at a clean end of file;
     * PosixException(EBADMSG) if the file ends inside a frame.
     */
    public byte[] receive(long maxlength, String call) {
        return receive(maxlength, call, Deadline.never());
    }

    /**
     * As {@link #receive(long, String)}, but TimeoutError once {@code deadline} passes
     * (what was read of the frame stays for the next receive).
     */
    public synchronized byte[] receive(long maxlength, String call, Deadline deadline) {
        if (!holder.enter()) {
            throw new IllegalStateException("handle is closed");
        }
        try {
            if (undecoded != null) {
                byte[] b = undecoded;
                undecoded = null;
                if (b.length > maxlength) {
                    throw new StreamBroken(Errors.tooLong(call, b.length, "maxlength " + maxlength));
                }
                return b;
            }
            if (length < 0) {
                readHeader(call, deadline);
            }
            if (length > maxlength || length > Limits.MAX_MESSAGE_BYTES) {
                long n = length;
                forget();
                throw new StreamBroken(n > maxlength
                        ? Errors.tooLong(call, n, "maxlength " + maxlength)
                        : Errors.tooLong(call, n, "jmp.connection.maxMessageBytes=" + Limits.MAX_MESSAGE_BYTES));
            }
            readBody(call, deadline);
            byte[] b = body;
            forget();
            return b;
        } finally {
            holder.exit();
        }
    }

    /**
     * Receives the next message into {@code dst} from its position, read straight into it
     * (no copy on the way); returns its length, and the position has moved past it. If it
     * is longer than {@code dst.remaining()}, the whole message is taken off the fd into
     * an array (within the limits of {@link #receive(long, String)}) and BufferTooShort
     * carries it; {@code dst} is unchanged. Interrupted or timed out in the middle of the
     * body, the bytes read so far move into the resumable state (the next receive of
     * either kind carries on from them) and {@code dst}'s position is unchanged.
     */
    public synchronized int receiveInto(ByteBuffer dst, String call, Deadline deadline) {
        if (!holder.enter()) {
            throw new IllegalStateException("handle is closed");
        }
        try {
            int room = dst.remaining();
            if (undecoded != null || (length >= 0 && body != null)) {
                // A message already (partly) in an array: finish it there, then copy it over.
                return copyInto(receive(Long.MAX_VALUE, call, deadline), dst);
            }
            if (length < 0) {
                readHeader(call, deadline);
            }
            if (length > room) {
                return copyInto(receive(Long.MAX_VALUE, call, deadline), dst);
            }
            int n = (int) length;
            ByteBuffer into = dst.slice().limit(n);
            try {
                while (into.hasRemaining()) {
                    int r = read(into);
                    if (r < 0) {
                        FdIo.awaitOrTimeout(holder, false, deadline, "receiving a message");
                    } else if (r == 0) {
                        forget();
                        throw truncated(call);
                    }
                }
            } catch (InterruptedError | TimeoutError e) {
                if (into.position() > 0) {
                    body = new byte[n];
                    bodyPos = into.position();
                    into.flip().get(body, 0, bodyPos);
                }
                throw e;
            }
            forget();
            dst.position(dst.position() + n);
            return n;
        } finally {
            holder.exit();
        }
    }

    private static int copyInto(byte[] message, ByteBuffer dst) {
        if (message.length > dst.remaining()) {
            throw new BufferTooShort(message, dst.remaining());
        }
        dst.put(message);
        return message.length;
    }

    /**
     * The next message, deserialized. If the thread is interrupted while decoding, the
     * message is kept, and the next receive starts from it again.
     */
    public synchronized Object receiveObject(String call) {
        byte[] message = receive(Long.MAX_VALUE, call);
        if (reader == null) {
            reader = new MessageReader();
        }
        try {
            return reader.decode(message);
        } catch (InterruptedError e) {
            undecoded = message;
            throw e;
        }
    }

    /** True if the fd is readable (a message, or the end of file) before the deadline. */
    public boolean poll(Deadline deadline) {
        if (!holder.enter()) {
            throw new IllegalStateException("handle is closed");
        }
        try {
            return buffered > 0 || FdIo.await(holder, false, deadline, "polling a connection");
        } finally {
            holder.exit();
        }
    }

    private void forget() {
        length = -1;
        body = null;
        bodyPos = 0;
        head.clear().limit(FrameHeader.SHORT);
    }

    private void readHeader(String call, Deadline deadline) {
        // Why poll first after a wait: in a ping-pong the reply is never there yet when
        // recv starts, so a read would only fetch EAGAIN before the poll anyway; in a
        // stream it is always there, and a poll first would be the wasted call. Reading
        // ahead, "the last read emptied the socket" says it better than "the last message
        // waited" (which, after a poll that found the reply, guessed wrong every other time).
        if ((readAhead ? drained : waited) && head.position() == 0 && buffered == 0 && !spinForData()) {
            FdIo.awaitOrTimeout(holder, false, deadline, "receiving a message");
        }
        waited = false;
        fill(head, call, deadline);
        if (head.limit() == FrameHeader.SHORT) {
            head.flip().get(headBytes, 0, FrameHeader.SHORT);
            int n = FrameHeader.getInt(headBytes, 0);
            if (n >= 0) {
                length = n;
                return;
            }
            if (n != FrameHeader.LONG_MARK) {
                forget();
                throw new StreamBroken(Errors.badMessage(call, String.format(
                        "bad message length header %02x %02x %02x %02x: not a frame",
                        headBytes[0], headBytes[1], headBytes[2], headBytes[3])));
            }
            head.limit(FrameHeader.MAX).position(FrameHeader.SHORT);
            fill(head, call, deadline);
        }
        head.flip().position(FrameHeader.SHORT);
        head.get(headBytes, FrameHeader.SHORT, FrameHeader.LONG_EXTRA);
        long n = FrameHeader.getLong(headBytes, FrameHeader.SHORT);
        length = n < 0 ? Long.MAX_VALUE : n;    // above 2^63: too long for anything
    }

    /** Reads until {@code buf} is full; EOFError only if nothing of the frame was read yet. */
    private void fill(ByteBuffer buf, String call, Deadline deadline) {
        while (buf.hasRemaining()) {
            int r = read(buf);
            if (r < 0) {
                waited = true;
                if (!spinForData()) {
                    FdIo.awaitOrTimeout(holder, false, deadline, "receiving a message");
                }
            } else if (r == 0) {
                boolean clean = buf == head && head.position() == 0;
                forget();
                if (clean) {
                    throw new EOFError("end of file: the other end is closed and no message is left");
                }
                throw truncated(call);
            }
        }
    }

    private void readBody(String call, Deadline deadline) {
        int n = (int) length;
        if (body == null) {
            body = new byte[Math.min(n, FIRST_BODY_ARRAY)];
        }
        // A small body comes through a direct buffer (the read-ahead one on a socket); a
        // large one is read straight into its array, pinned for each non-blocking read
        // (see Sender): no copy.
        ByteBuffer c = n <= Sender.SMALL && !readAhead ? chunk(n) : null;
        while (bodyPos < n) {
            if (bodyPos == body.length) {
                body = Arrays.copyOf(body, (int) Math.min(n, 2L * body.length));
            }
            int want = body.length - bodyPos;
            int r;
            if (buffered > 0 || (readAhead && want < AHEAD)) {
                r = refillIfEmpty();
                if (r > 0) {
                    r = take(body, bodyPos, want);
                }
            } else if (c != null) {
                c.clear().limit(Math.min(c.capacity(), want));
                r = FdIo.read(holder, c);
                if (r > 0) {
                    c.flip().get(body, bodyPos, r);
                }
            } else {
                r = FdIo.read(holder, ByteBuffer.wrap(body, bodyPos, want));
                drained = r < want;
            }
            if (r < 0) {
                FdIo.awaitOrTimeout(holder, false, deadline, "receiving a message");
            } else if (r == 0) {
                forget();
                throw truncated(call);
            } else {
                bodyPos += r;
            }
        }
    }

    /**
     * One read that never blocks into {@code buf}: bytes read ahead first; else, reading
     * ahead, one recv of up to {@link #AHEAD} bytes (a buffer at least that large is read
     * into directly); else exactly {@code buf.remaining()} at most. Bytes moved, 0 at end
     * of file, -1 when nothing is there yet.
     */
    private int read(ByteBuffer buf) {
        if (buffered == 0 && (!readAhead || buf.remaining() >= AHEAD)) {
            int asked = buf.remaining();
            int r = FdIo.read(holder, buf);
            drained = r < asked;
            return r;
        }
        int r = refillIfEmpty();
        if (r <= 0) {
            return r;
        }
        int k = Math.min(buf.remaining(), ahead.remaining());
        int limit = ahead.limit();
        ahead.limit(ahead.position() + k);
        buf.put(ahead);
        ahead.limit(limit);
        buffered = ahead.remaining();
        return k;
    }

    /** Moves up to {@code len} bytes read ahead into {@code dst[off..]}; how many. */
    private int take(byte[] dst, int off, int len) {
        int k = Math.min(len, ahead.remaining());
        ahead.get(dst, off, k);
        buffered = ahead.remaining();
        return k;
    }

    /** The bytes read ahead, after one recv if there were none: as FdIo.read, a count, 0 or -1. */
    private int refillIfEmpty() {
        if (buffered > 0) {
            return buffered;
        }
        if (ahead == null) {
            ahead = ByteBuffer.allocateDirect(AHEAD).limit(0);
        }
        ahead.clear();
        try {
            int r = FdIo.read(holder, ahead);
            drained = r < AHEAD;
            return r;
        } finally {
            ahead.flip();       // empty unless the read returned bytes
            buffered = ahead.remaining();
        }
    }

    /**
     * Looks for something to read for up to {@link #SPIN_NANOS}, yielding the CPU between
     * looks (a {@code poll} that does not wait): true as soon as the fd is readable.
     */
    private boolean spinForData() {
        if (SPIN_NANOS <= 0) {
            return false;
        }
        Posix posix = Posix.libc();
        pollFd[0] = holder.fd();
        long end = System.nanoTime() + SPIN_NANOS;
        do {
            Thread.yield();
            if (posix.poll(pollFd, pollEvents, pollRevents, 0) > 0) {
                return true;
            }
        } while (System.nanoTime() - end < 0);
        return false;
    }

    private ByteBuffer chunk(int n) {
        if (chunk == null || (n > chunk.capacity() && chunk.capacity() < Sender.LARGE)) {
            chunk = ByteBuffer.allocateDirect(n <= Sender.SMALL ? Sender.SMALL : Sender.LARGE);
        }
        return chunk;
    }

    private static RuntimeException truncated(String call) {
        return Errors.badMessage(call, "got end of file during message: the other end closed in the middle of it");
    }
}
