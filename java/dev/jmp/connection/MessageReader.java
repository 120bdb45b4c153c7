package dev.jmp.connection;

import dev.jmp.InterruptedError;
import dev.jmp.ProcessError;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns the body of one message back into an object, with one ObjectInputStream kept
 * for the whole life of the receiving direction (see {@link MessageWriter} for the
 * format: every message is a complete serialization stream).
 *
 * <p>How a long-lived stream reads self-contained messages: the stream is fed one
 * message at a time through {@link Feed}; it read a stream header once, when it was
 * made, so each message is fed without its own four header bytes. The stream's handle
 * table must be empty when a message starts, or the message's back-references would
 * resolve to objects of an earlier one. The sender's trailing TC_RESET is not relied on
 * (a message from another writer may lack it); instead, after each object the reader
 * feeds the stream one TC_RESET of its own and calls {@code available()}: in block-data
 * mode, which the stream is in between objects, that reads a pending TC_RESET and
 * clears the table (the serialization protocol allows resets between data blocks).
 * So no received object stays reachable from the stream either. Anything unexpected
 * (an exception, a byte left unread) throws the stream away; the next message gets a
 * new one, since nothing carries over between messages anyway.
 *
 * <p>Every completed object passes through {@link DecodeWork} (resolveObject), which
 * bounds the work of the decode: the limits of {@link MessageFilter} bound what a
 * message builds, DecodeWork what building it costs.
 *
 * <p>Class lookup is cached per stream: every message repeats its class descriptions,
 * and the default {@code resolveClass} walks the caller's stack each time.
 *
 * <p>Public for the queues ({@code dev.jmp.queue}), whose items are such messages too.
 */
public final class MessageReader {
    private static final byte[] RESET = {0x79};   // ObjectStreamConstants.TC_RESET

    private final Feed feed = new Feed();
    private final MessageFilter filter;
    private Input in;

    public MessageReader() {
        this(new MessageFilter());
    }

    MessageReader(MessageFilter filter) {
        this.filter = filter;
    }

    public Object decode(byte[] message) {
        if (message.length < 4 || FrameHeader.getInt(message, 0) != FrameHeader.getInt(MessageWriter.STREAM_HEADER, 0)) {
            throw notJava(message);
        }
        filter.startMessage(message.length);
        Object obj;
        boolean clean = false;
        try {
            if (in == null) {
                feed.set(MessageWriter.STREAM_HEADER, 0, MessageWriter.STREAM_HEADER.length);
                in = new Input(feed, filter);
            }
            feed.set(message, 4, message.length - 4);
            obj = in.readObject();
            clean = clearHandles();
            return obj;
        } catch (InterruptedIOException e) {
            throw interrupted(e);
        } catch (ClassNotFoundException | IOException | RuntimeException | StackOverflowError | InternalError
                | LinkageError e) {
            // A RuntimeException or StackOverflowError comes from a class's readObject
            // or hashCode on bytes it did not expect: the message is bad, not the receiver.
            // So does an InternalError: the JDK's own List.of/Map.of serial form throws
            // one from readResolve when a forged tag makes a Map of an odd length. A
            // LinkageError says a class the message names cannot be used here (its
            // static initializer threw, it changed incompatibly since the sender's copy).
            if (filter.interrupted()) {
                throw interrupted(e);
            }
            if (e instanceof ProcessError p) {
                throw p;
            }
            String why = e instanceof DecodeWork.Exceeded ? e.getMessage() : filter.rejection();
            throw new ProcessError("recv: the message could not be deserialized: "
                    + (why != null ? why : e.toString()), e);
        } finally {
            if (!clean) {
                in = null;
            }
            feed.set(null, 0, 0);
            filter.work().endMessage();
        }
    }

    private boolean clearHandles() {
        feed.set(RESET, 0, 1);
        try {
            in.available();
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return feed.remaining() == 0;
    }

    private static InterruptedError interrupted(Throwable cause) {
        Thread.currentThread().interrupt();
        return new InterruptedError("interrupted while decoding a message", cause);
    }

    private static ProcessError notJava(byte[] m) {
        String hint = m.length > 0 && (m[0] & 0xff) == 0x80
                ? " (it starts like a Python pickle: receive it with recvBytes)"
                : " (receive raw bytes with recvBytes)";
        return new ProcessError("recv: the message (" + m.length + " bytes) is not a serialized Java object" + hint);
    }

    /** An InputStream over one byte range at a time; end of file at its end. */
    static final class Feed extends InputStream {
        private byte[] buf;
        private int pos;
        private int end;

        void set(byte[] b, int off, int len) {
            buf = b;
            pos = off;
            end = off + len;
        }

        int remaining() {
            return end - pos;
        }

        @Override
        public int read() {
            return pos < end ? buf[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (pos >= end) {
                return -1;
            }
            int n = Math.min(len, end - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() {
            return end - pos;
        }
    }

    private static final class Input extends ObjectInputStream {
        private final Map<String, Class<?>> classes = new HashMap<>();
        private final DecodeWork work;

        Input(InputStream in, MessageFilter filter) throws IOException {
            super(in);
            setObjectInputFilter(filter);
            enableResolveObject(true);
            work = filter.work();
        }

        /** Every completed object, before the object holding it (and hashing it) gets it. */
        @Override
        protected Object resolveObject(Object obj) throws IOException {
            return work.completed(obj);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            Class<?> c = classes.get(desc.getName());
            if (c == null) {
                c = super.resolveClass(desc);
                classes.put(desc.getName(), c);
            }
            return c;
        }
    }
}
