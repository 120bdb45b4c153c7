package dev.jmp.pool;

import dev.jmp.queue.Codec;
import dev.jmp.blocking.Deadline;
import dev.jmp.queue.Items;
import dev.jmp.queue.MessageQueue;

/**
 * The pool's result channel for tests outside the package: raw messages go in, and
 * come out the way the pool's result thread reads them (frame, header, then the value
 * of a RESULT as the caller of AsyncResult.get sees it).
 */
public final class ResultChannelProbe implements AutoCloseable {
    private final Channel channel = Channel.create();
    private final MessageQueue raw = MessageQueue.attach(channel.name());

    /** Puts raw bytes on the channel's message queue, as a worker's send would. */
    public boolean sendRaw(byte[] message) {
        return raw.trySend(message, message.length);
    }

    /** A well-formed RESULT frame for {@code value}, as a worker sends it (an item's bytes). */
    public static byte[] resultMessage(long seq, Object value) {
        byte[] v = Codec.encode(value, "the result");
        byte[] frame = Frames.result(seq, true, v, v.length);
        Items.Encoded e = Items.encode(frame);
        return java.util.Arrays.copyOf(e.array(), e.length());
    }

    /**
     * The next message as the result thread would take it: for a RESULT frame the
     * value (or the task's exception, thrown); for the other kinds, their id.
     */
    public Object receive() {
        byte[] frame = channel.receive(Deadline.after(java.time.Duration.ofSeconds(5)), "fuzz");
        if (frame == null) {
            throw new IllegalStateException("no message on the channel");
        }
        switch (Frames.kind(frame)) {
            case Frames.RESULT:
                return Outcome.remote(Frames.resultOk(frame), Frames.payload(frame), "fuzz").value();
            case Frames.INIT_FAILED:
                Frames.id(frame);
                return Outcome.remote(false, Frames.payload(frame), "fuzz").value();
            case Frames.EXITED:
            case Frames.READY:
            case Frames.RESEND:
                return Frames.id(frame);
            default:
                return frame;
        }
    }

    @Override
    public void close() {
        channel.unlink();
    }
}
