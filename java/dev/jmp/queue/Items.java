package dev.jmp.queue;

import dev.jmp.ProcessError;
import dev.jmp.blocking.Deadline;
import java.util.Arrays;

/**
 * Queue items as message-queue messages: one message per item, whatever its size.
 *
 * <p>A message is either the item itself, a serialized Java object (its first byte
 * is 0xAC, the serialization stream's magic), or, for an item longer than the queue's
 * message size, a {@link Spill} reference (first byte {@link Spill#REFERENCE}): the
 * item's length and the name of the shared-memory file that holds it. Serialization
 * happens in the calling thread ({@link #encode}), so a bad object fails the put
 * itself.
 */
public final class Items {
    private Items() {
    }

    private static final int JAVA_MAGIC = 0xac;

    /** An encoded item: {@code array()[0..length())}, valid until this thread's next encode. */
    public interface Encoded {
        byte[] array();

        int length();
    }

    /** Per thread: the buffer messages are received into (at least a queue's msgsize). */
    private static final ThreadLocal<byte[]> RECEIVE = ThreadLocal.withInitial(() -> new byte[1024]);

    /**
     * Serializes {@code obj} now, in the calling thread. IllegalArgumentException with
     * the NotSerializableException as cause if it cannot be.
     */
    public static Encoded encode(Object obj) {
        return Payloads.encode(obj);
    }

    /** True if the encoded item must spill: it is longer than one message of {@code mq}. */
    static boolean spills(MessageQueue mq, Encoded item) {
        return item.length() > mq.msgsize();
    }

    /** Writes an item that does not fit a message into shared memory; the reference to send. */
    static Outgoing spill(MessageQueue mq, Encoded item) {
        try {
            return Spill.write(mq.name(), item.array(), item.length());
        } finally {
            Payloads.trim();
        }
    }

    /**
     * Sends an item now, waiting for room until the deadline (SimpleQueue's put): false
     * if it passed, and nothing was sent. InterruptedError if interrupted while waiting.
     */
    public static boolean send(MessageQueue mq, Encoded item, Deadline deadline, String what) {
        if (!spills(mq, item)) {
            return mq.send(item.array(), item.length(), deadline, what);
        }
        Outgoing ref = spill(mq, item);
        boolean sent = false;
        try {
            sent = mq.send(ref.message, ref.length, deadline, what);
            return sent;
        } finally {
            if (sent) {
                ref.sent();
            } else {
                ref.dropped();
            }
        }
    }

    /** This thread's receive buffer, long enough for {@code mq}'s messages. */
    public static byte[] receiveBuffer(MessageQueue mq) {
        byte[] buf = RECEIVE.get();
        int need = mq.msgsize();
        if (buf.length < need) {
            buf = new byte[need];
            RECEIVE.set(buf);
        }
        return buf;
    }

    /**
     * The item a received message {@code buf[0..n)} carries: decoded inline, or read
     * from its spill (which is unlinked first). ProcessError if it cannot be decoded.
     */
    public static Object decode(MessageQueue mq, byte[] buf, int n) {
        if (n < 1) {
            throw new ProcessError("get: an empty message in queue " + mq.name() + " (not a jmp queue item)");
        }
        int kind = buf[0] & 0xff;
        if (kind == JAVA_MAGIC) {
            return Payloads.decode(Arrays.copyOf(buf, n));
        }
        if (kind == Spill.REFERENCE) {
            byte[] data = Spill.read(mq.name(), buf, n, Payloads.MAX_ITEM_BYTES);
            if (data.length < 1 || (data[0] & 0xff) != JAVA_MAGIC) {
                throw new ProcessError("get: a spilled item of queue " + mq.name() + " is not a serialized object");
            }
            return Payloads.decode(data);
        }
        throw new ProcessError("get: a message of " + n + " bytes in queue " + mq.name()
                + " is not a jmp queue item (first byte 0x" + Integer.toHexString(kind) + ")");
    }
}
