package dev.jmp.manager;

import dev.jmp.Connection;
import dev.jmp.ProcessError;
import dev.jmp.connection.MessageReader;
import dev.jmp.connection.MessageWriter;
import java.util.Arrays;

/**
 * Requests and replies to and from the bytes of one Connection message, as
 * {@link ManagerDescriptor} lays them out: a compact frame for the values most calls
 * carry (null, String, boxed primitives, byte[]), a Java serialization stream for any
 * other value.
 *
 * <p>Why not one serialized object per message: a Java serialization stream repeats the
 * description of every class in it (Request, Object[], Integer, Number, ...) in every
 * message, and reading it builds a class descriptor for each; that made a manager call
 * cost more than twice the CPU of the socket round trip under it (benchmarks/README.md,
 * "Listener, Client and Managers"). CPython's manager sends pickled tuples, whose
 * opcodes name no classes for its built-in types; the compact frame is the same idea.
 * A value of any other class still travels by Java serialization, through the
 * Connection's {@link MessageReader}, with its ObjectInputFilter and limits; as before,
 * nothing is decoded before the connection is authenticated.
 *
 * <p>One Codec per connection end, used by one thread at a time (a client keeps one
 * connection per thread, the server one thread per connection).
 */
final class Codec {
    private final Frame out = new Frame();
    private MessageWriter writer;
    private MessageReader reader;

    // ---- requests -----------------------------------------------------------------

    /**
     * Sends {@code r}. It is encoded completely first: an argument that cannot be
     * serialized throws IllegalArgumentException and nothing is written.
     */
    void send(Connection c, Request r) {
        out.clear();
        out.putU8(r.op());
        out.putLong(r.id());
        out.putUtf(r.name());
        Object[] args = r.args();
        if (args == null) {
            out.putInt(-1);
        } else {
            out.putInt(args.length);
            for (Object a : args) {
                value(a);
            }
        }
        c.sendBytes(out.array(), 0, out.size());
    }

    /** The request in {@code message}; ProcessError if it is not one. */
    Request request(byte[] message) {
        try {
            Frame in = new Frame(message);
            byte op = (byte) in.getU8();
            long id = in.getLong();
            String name = in.getUtf();
            int n = in.getInt();
            Object[] args = null;
            if (n >= 0) {
                if (n > message.length) {     // every value takes at least its tag byte
                    throw new Frame.Malformed(n + " arguments in a " + message.length + "-byte message");
                }
                args = new Object[n];
                for (int i = 0; i < n; i++) {
                    args[i] = value(in);
                }
            }
            end(in);
            return new Request(op, id, name, args);
        } catch (Frame.Malformed e) {
            throw malformed("request", e);
        }
    }

    // ---- replies ------------------------------------------------------------------

    /** Sends {@code r}; IllegalArgumentException, nothing written, if its value cannot be serialized. */
    void send(Connection c, Reply r) {
        out.clear();
        out.putU8(r.kind());
        if (r.kind() == ManagerDescriptor.PROXY) {
            Token t = (Token) r.value();
            out.putUtf(t.typeid());
            out.putLong(t.server());
            out.putLong(t.id());
        } else {
            value(r.value());
        }
        c.sendBytes(out.array(), 0, out.size());
    }

    /**
     * The reply in {@code message}; a PROXY reply's Token names {@code address}, the
     * address this client reached the manager at (its caller completes it).
     */
    Reply reply(byte[] message, Object address) {
        try {
            Frame in = new Frame(message);
            byte kind = (byte) in.getU8();
            Reply r;
            if (kind == ManagerDescriptor.PROXY) {
                r = new Reply(kind, new Token(in.getUtf(), address, null, in.getLong(), in.getLong()));
            } else {
                r = new Reply(kind, value(in));
            }
            end(in);
            return r;
        } catch (Frame.Malformed e) {
            throw malformed("reply", e);
        }
    }

    // ---- values -------------------------------------------------------------------

    private void value(Object v) {
        if (v == null) {
            out.putU8(ManagerDescriptor.NULL);
        } else if (v.getClass() == String.class) {
            out.putU8(ManagerDescriptor.STRING);
            out.putUtf((String) v);
        } else if (v.getClass() == Integer.class) {
            out.putU8(ManagerDescriptor.INT);
            out.putInt((Integer) v);
        } else if (v.getClass() == Long.class) {
            out.putU8(ManagerDescriptor.LONG);
            out.putLong((Long) v);
        } else if (v.getClass() == Double.class) {
            out.putU8(ManagerDescriptor.DOUBLE);
            out.putLong(Double.doubleToRawLongBits((Double) v));
        } else if (v.getClass() == Boolean.class) {
            out.putU8((Boolean) v ? ManagerDescriptor.TRUE : ManagerDescriptor.FALSE);
        } else if (v.getClass() == byte[].class) {
            out.putU8(ManagerDescriptor.BYTES);
            byte[] b = (byte[]) v;
            out.putBytes(b, 0, b.length);
        } else if (v.getClass() == Float.class) {
            out.putU8(ManagerDescriptor.FLOAT);
            out.putInt(Float.floatToRawIntBits((Float) v));
        } else if (v.getClass() == Short.class) {
            out.putU8(ManagerDescriptor.SHORT);
            out.putShort((Short) v);
        } else if (v.getClass() == Character.class) {
            out.putU8(ManagerDescriptor.CHAR);
            out.putShort((Character) v);
        } else if (v.getClass() == Byte.class) {
            out.putU8(ManagerDescriptor.BYTE);
            out.putU8((Byte) v);
        } else {
            if (writer == null) {
                writer = new MessageWriter();
            }
            MessageWriter.Sink s = writer.encode(v);
            try {
                out.putU8(ManagerDescriptor.SERIALIZED);
                out.putBytes(s.array(), 0, s.size());
            } finally {
                writer.release(1 << 20);
            }
        }
    }

    private Object value(Frame in) {
        int tag = in.getU8();
        switch (tag) {
            case ManagerDescriptor.NULL:
                return null;
            case ManagerDescriptor.STRING:
                return in.getUtf();
            case ManagerDescriptor.INT:
                return in.getInt();
            case ManagerDescriptor.LONG:
                return in.getLong();
            case ManagerDescriptor.DOUBLE:
                return Double.longBitsToDouble(in.getLong());
            case ManagerDescriptor.TRUE:
                return Boolean.TRUE;
            case ManagerDescriptor.FALSE:
                return Boolean.FALSE;
            case ManagerDescriptor.BYTES:
                return in.getBytes();
            case ManagerDescriptor.FLOAT:
                return Float.intBitsToFloat(in.getInt());
            case ManagerDescriptor.SHORT:
                return (short) in.getShort();
            case ManagerDescriptor.CHAR:
                return (char) in.getShort();
            case ManagerDescriptor.BYTE:
                return (byte) in.getU8();
            case ManagerDescriptor.SERIALIZED:
                int len = in.length();
                int at = in.skip(len);
                if (reader == null) {
                    reader = new MessageReader();
                }
                return reader.decode(Arrays.copyOfRange(in.message(), at, at + len));
            default:
                throw new Frame.Malformed("unknown value tag " + tag);
        }
    }

    private static void end(Frame in) {
        if (!in.atEnd()) {
            throw new Frame.Malformed("bytes left after the end");
        }
    }

    private static ProcessError malformed(String what, Frame.Malformed e) {
        return new ProcessError("recv: not a manager " + what + ": " + e.getMessage(), e);
    }
}
