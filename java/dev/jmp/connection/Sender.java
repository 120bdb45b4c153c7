package dev.jmp.connection;

import dev.jmp.InterruptedError;
import java.nio.ByteBuffer;

/**
 * The sending half of a Connection: frames a message and writes it to the fd.
 *
 * <p>A small frame is assembled in a direct ByteBuffer owned by this sender and written
 * at once. A large body is written straight from the caller's array, pinned by the
 * posix layer for each write (no write blocks, see FdIo, so none holds the pin while
 * it waits): no copy at all, where a copy through the direct buffer cost a third of
 * the throughput of a 1 MiB stream.
 *
 * <p>A frame of at most {@link #SMALL} bytes (header included) goes out in one write(2):
 * on a pipe, writes of up to PIPE_BUF (4096) bytes are atomic, so small messages from
 * several processes sharing one end never interleave. Larger messages can interleave
 * with another writer's, exactly as with CPython: share a sending end between
 * processes only under a lock.
 *
 * <p>One thread sends at a time (the methods are synchronized); a concurrent receiver
 * on a duplex connection is not held up.
 */
public final class Sender {
    static final int SMALL = 16 << 10;
    static final int LARGE = 256 << 10;
    private static final int KEEP_SINK = 1 << 20;

    private final FdHolder holder;
    private final byte[] header = new byte[FrameHeader.MAX];
    private ByteBuffer direct;
    private MessageWriter writer;
    private volatile boolean broken;

    public Sender(FdHolder holder) {
        this.holder = holder;
    }

    /** True once a send was cut off after part of its frame was written. */
    public boolean broken() {
        return broken;
    }

    /** Sends {@code buf[off, off+len)} as one message. */
    public synchronized void sendBytes(byte[] buf, int off, int len) {
        writeFrame(ByteBuffer.wrap(buf, off, len));
    }

    /**
     * Sends the remaining bytes of {@code buf} as one message; on return its position is
     * its limit (the bytes were consumed, as a channel's write consumes them). If the
     * send fails, the position is unchanged.
     */
    public synchronized void sendBytes(ByteBuffer buf) {
        ByteBuffer body = buf.slice();
        if (!body.isDirect() && !body.hasArray()) {
            // A read-only heap buffer: its array cannot be pinned, so it is copied once.
            byte[] copy = new byte[body.remaining()];
            body.get(copy);
            body = ByteBuffer.wrap(copy);
        }
        writeFrame(body);
        buf.position(buf.limit());
    }

    /**
     * Serializes {@code obj} completely, then sends it. A serialization failure throws
     * IllegalArgumentException before the first byte is written.
     */
    public synchronized void send(Object obj) {
        checkUsable();
        if (writer == null) {
            writer = new MessageWriter();
        }
        MessageWriter.Sink message = writer.encode(obj);
        try {
            writeFrame(ByteBuffer.wrap(message.array(), 0, message.size()));
        } finally {
            writer.release(KEEP_SINK);
        }
    }

    private void checkUsable() {
        if (broken) {
            throw new IllegalStateException("a previous send was cut off after part of its message was "
                    + "written; this connection can no longer send (close it: the peer then sees the "
                    + "message truncated)");
        }
    }

    /** Writes the header and the remaining bytes of {@code body} (consumed). */
    private void writeFrame(ByteBuffer body) {
        checkUsable();
        if (!holder.enter()) {
            throw new IllegalStateException("handle is closed");
        }
        long total = 0;
        long written = 0;
        try {
            int len = body.remaining();
            int hlen = FrameHeader.encode(len, header, 0);
            total = (long) hlen + len;
            ByteBuffer d = buffer(total);
            d.clear();
            d.put(header, 0, hlen);
            if (total <= SMALL) {
                // Header and body in one write: atomic on a pipe (see the class comment).
                d.put(body);
                d.flip();
                written += drain(d);
                return;
            }
            // A large body goes straight from the caller's bytes (a heap array pinned
            // for each non-blocking write, a direct buffer by address; no copy): the
            // header first, from the direct buffer.
            d.flip();
            written += drain(d);
            written += drain(body);
        } catch (InterruptedError e) {
            if (written > 0) {
                broken = true;
                throw new InterruptedError("interrupted while sending, after " + written + " of the " + total
                        + " bytes of the message; this connection can no longer send", e);
            }
            throw e;
        } catch (RuntimeException e) {
            if (written > 0) {
                broken = true;      // the peer is gone (EPIPE) or the fd is: the frame is torn
            }
            throw e;
        } finally {
            holder.exit();
        }
    }

    /** Writes all of {@code buf}, waiting (interruptibly) while the fd is full; the bytes written. */
    private long drain(ByteBuffer buf) {
        long written = 0;
        while (buf.hasRemaining()) {
            int w = FdIo.write(holder, buf);
            if (w < 0) {
                FdIo.await(holder, true, "sending a message");
            } else {
                written += w;
            }
        }
        return written;
    }

    private ByteBuffer buffer(long frame) {
        if (direct == null || (frame > direct.capacity() && direct.capacity() < LARGE)) {
            direct = ByteBuffer.allocateDirect(frame <= SMALL ? SMALL : LARGE);
        }
        return direct;
    }
}
