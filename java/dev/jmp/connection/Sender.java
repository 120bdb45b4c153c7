package dev.jmp.connection;

import dev.jmp.InterruptedError;
import dev.jmp.posix.Posix;
import java.nio.ByteBuffer;

/**
 * The sending half of a Connection: frames a message and writes it to the fd.
 *
 * <p>Bytes go through a direct ByteBuffer owned by this sender: the posix layer hands
 * a heap array to write(2) by copying the whole array into native memory on every call,
 * which for a 16 MiB message written 256 KiB at a time would copy 16 MiB per chunk.
 * Copying each chunk once into the direct buffer costs one memcpy.
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
        writeFrame(buf, off, len);
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
            writeFrame(message.array(), 0, message.size());
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

    private void writeFrame(byte[] body, int off, int len) {
        checkUsable();
        if (!holder.enter()) {
            throw new IllegalStateException("handle is closed");
        }
        long total = 0;
        long written = 0;
        try {
            int hlen = FrameHeader.encode(len, header, 0);
            total = (long) hlen + len;
            ByteBuffer d = buffer(total);
            d.clear();
            d.put(header, 0, hlen);
            Posix posix = Posix.libc();
            int fd = holder.fd();
            int pos = off;
            int end = off + len;
            while (true) {
                int n = Math.min(d.remaining(), end - pos);
                d.put(body, pos, n);
                pos += n;
                d.flip();
                while (d.hasRemaining()) {
                    int w = posix.write(fd, d);
                    if (w < 0) {
                        FdIo.await(holder, true, "sending a message");
                    } else {
                        written += w;
                    }
                }
                if (pos == end) {
                    return;
                }
                d.clear();
            }
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

    private ByteBuffer buffer(long frame) {
        if (direct == null || (frame > direct.capacity() && direct.capacity() < LARGE)) {
            direct = ByteBuffer.allocateDirect(frame <= SMALL ? SMALL : LARGE);
        }
        return direct;
    }
}
