package dev.jmp.pool;

import dev.jmp.ProcessError;
import dev.jmp.queue.Codec;
import dev.jmp.queue.Items;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * The messages between a pool and its workers, as byte arrays with a fixed header.
 *
 * <p>Why a hand-made header and not one serialized record: the header must always be
 * readable, even when what the task carries cannot be deserialized (a class missing
 * in the worker, a readObject that throws). The worker then still knows which task
 * to fail, and the pool still knows which task a result belongs to. The function and
 * its arguments travel as separate serialized streams ({@link Codec}), decoded after
 * the header is read.
 *
 * <pre>
 * pool -> worker (a worker's own task channel)
 *   TASK   seq:8 job:8 mode:1 funcLength:4 (-1: the function of the previous task) func args
 *   STOP
 * worker -> pool (the shared result channel), and the pool's own markers on it
 *   RESULT      seq:8 ok:1 value       (value: the result or the exception, serialized)
 *   READY       worker:8               (the worker runs: its initializer is done)
 *   RESEND      seq:8                  (that task came without its function: send it again, with it)
 *   INIT_FAILED worker:8 error         (the initializer threw)
 *   EXITED      worker:8               (the pool saw the worker's sentinel: it has exited)
 *   WAKE                               (the pool is shutting down)
 * </pre>
 */
final class Frames {
    private Frames() {
    }

    static final byte TASK = 1;
    static final byte STOP = 2;
    static final byte RESULT = 11;
    static final byte INIT_FAILED = 12;
    static final byte EXITED = 13;
    static final byte WAKE = 14;
    static final byte READY = 15;
    static final byte RESEND = 16;

    /** Task modes: a Call run once, or a Func applied to every item of a Batch. */
    static final byte APPLY = 1;
    static final byte MAP = 2;

    static final int TASK_HEADER = 1 + 8 + 8 + 1 + 4;
    static final int RESULT_HEADER = 1 + 8 + 1;

    static byte kind(byte[] frame) {
        if (frame.length < 1) {
            throw new IllegalArgumentException("empty pool frame");
        }
        return frame[0];
    }

    static byte[] task(long seq, long job, byte mode, byte[] func, byte[] args) {
        return task(seq, job, mode, func, args, 0);
    }

    /** A TASK frame with a copy of {@code args} from {@code argsAt} on (a chunk's arguments behind its headroom). */
    static byte[] task(long seq, long job, byte mode, byte[] func, byte[] args, int argsAt) {
        int funcLength = func == null ? 0 : func.length;
        int argsLength = args == null ? 0 : args.length - argsAt;
        ByteBuffer b = ByteBuffer.allocate(TASK_HEADER + funcLength + argsLength);
        b.put(TASK).putLong(seq).putLong(job).put(mode).putInt(func == null ? -1 : funcLength);
        if (func != null) {
            b.put(func);
        }
        if (args != null) {
            b.put(args, argsAt, argsLength);
        }
        return b.array();
    }

    /**
     * The headroom a map chunk's arguments are encoded with
     * ({@link Batch#encode(java.util.List, String, int)}): room for a TASK header and the
     * function, so that the chunk's first frame can be written around them in place
     * ({@link #taskInPlace}) rather than copied behind a header.
     */
    static int room(byte[] func) {
        return TASK_HEADER + func.length;
    }

    /** Below this many bytes of arguments, a frame is copied: the function then goes only to a worker that lacks it. */
    static final int IN_PLACE_MIN = 64 * 1024;

    /**
     * Whether a chunk's first frame is written in place: its arguments are big (a copy
     * worth saving) and its function small beside them (such a frame always carries the
     * function, whether or not the worker has it).
     */
    static boolean inPlace(byte[] func, int argsLength) {
        return argsLength >= IN_PLACE_MIN && func.length <= argsLength / 16;
    }

    /**
     * The TASK frame around arguments encoded {@link #room} bytes into {@code framed}:
     * the header and the function go into the headroom, and {@code framed} is the frame.
     */
    static byte[] taskInPlace(long seq, long job, byte mode, byte[] func, byte[] framed) {
        ByteBuffer.wrap(framed).put(TASK).putLong(seq).putLong(job).put(mode).putInt(func.length).put(func);
        return framed;
    }

    static byte[] marker(byte kind) {
        return new byte[] {kind};
    }

    static byte[] result(long seq, boolean ok, byte[] value, int valueLength) {
        ByteBuffer b = ByteBuffer.allocate(RESULT_HEADER + valueLength);
        b.put(RESULT).putLong(seq).put((byte) (ok ? 1 : 0)).put(value, 0, valueLength);
        return b.array();
    }

    /** A successful RESULT frame around a value written {@link #RESULT_HEADER} bytes into {@code framed}. */
    static byte[] resultAround(long seq, byte[] framed) {
        ByteBuffer.wrap(framed).put(RESULT).putLong(seq).put((byte) 1);
        return framed;
    }

    static byte[] initFailed(long worker, byte[] error, int errorLength) {
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + errorLength);
        b.put(INIT_FAILED).putLong(worker).put(error, 0, errorLength);
        return b.array();
    }

    static byte[] exited(long worker) {
        return ByteBuffer.allocate(1 + 8).put(EXITED).putLong(worker).array();
    }

    static byte[] resend(long seq) {
        return ByteBuffer.allocate(1 + 8).put(RESEND).putLong(seq).array();
    }

    static byte[] ready(long worker) {
        return ByteBuffer.allocate(1 + 8).put(READY).putLong(worker).array();
    }

    // ---- reading --------------------------------------------------------------------

    /** A successful RESULT whose value, a list of arrays, was read straight into the arrays. */
    record ArraysResult(long seq, List<Object> arrays) {
    }

    /**
     * How the pool reads a spilled frame from its result channel: a successful RESULT
     * whose value is a list of arrays (a map chunk's results over {@code double[]} and the
     * like) is read from the file straight into those arrays, and arrives as an
     * {@link ArraysResult}: the value is neither read into a frame first nor copied out of
     * it. Any other frame is read whole, as any spilled {@code byte[]}.
     */
    static final Items.BodyReader RESULT_READER = new FrameReader() {
        @Override
        Object ofArrays(Items.Body body, byte[] head, int headLength, long length) {
            if (head[0] != RESULT || headLength <= RESULT_HEADER || head[1 + 8] == 0) {
                return null;
            }
            List<Object> arrays = Codec.readArrayList(body, head, headLength, RESULT_HEADER, length);
            return arrays == null ? null : new ArraysResult(ByteBuffer.wrap(head).getLong(1), arrays);
        }
    };

    /**
     * How a worker reads a spilled frame from its task channel: a TASK whose arguments
     * are a list of arrays (a map chunk over {@code double[]}) is read straight into them,
     * and arrives as a {@link Task} that holds them; any other frame is read whole.
     */
    static final Items.BodyReader TASK_READER = new FrameReader() {
        @Override
        Object ofArrays(Items.Body body, byte[] head, int headLength, long length) {
            if (head[0] != TASK || headLength <= TASK_HEADER) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(head, 1, TASK_HEADER - 1);
            long seq = b.getLong();
            long job = b.getLong();
            byte mode = b.get();
            int funcLength = b.getInt();
            int argsAt = TASK_HEADER + Math.max(0, funcLength);
            if (funcLength < -1 || argsAt >= headLength) {
                return null;
            }
            List<Object> arrays = Codec.readArrayList(body, head, headLength, argsAt, length);
            if (arrays == null) {
                return null;
            }
            byte[] func = funcLength < 0 ? null : Arrays.copyOfRange(head, TASK_HEADER, argsAt);
            return new Task(seq, job, mode, func, null, argsAt, arrays);
        }
    };

    /** Reads a spilled frame's head, then its arrays in place if {@link #ofArrays} can, else the rest of it. */
    private abstract static class FrameReader implements Items.BodyReader {
        /** The first read: a header, a small function and the lengths of up to ~1000 arrays. */
        private static final int HEAD = 4096;

        /** What the frame becomes if its value is a list of arrays, read now into them; else null. */
        abstract Object ofArrays(Items.Body body, byte[] head, int headLength, long length);

        @Override
        public Object read(Items.Body body, long length) {
            if (length < 1 || length > Integer.MAX_VALUE - 8) {
                throw new ProcessError("a pool frame of " + length + " bytes");
            }
            int headLength = (int) Math.min(length, HEAD);
            byte[] head = new byte[headLength];
            body.readFully(head, 0, headLength, 0);
            Object read = ofArrays(body, head, headLength, length);
            if (read != null) {
                return read;
            }
            if (headLength == length) {
                return head;
            }
            byte[] frame = new byte[(int) length];
            System.arraycopy(head, 0, frame, 0, headLength);
            body.readFully(frame, headLength, length - headLength, headLength);
            return frame;
        }
    }

    /** seq of a TASK, RESULT or RESEND frame; worker id of READY, INIT_FAILED and EXITED. */
    static long id(byte[] frame) {
        atLeast(frame, 1 + 8);
        return ByteBuffer.wrap(frame).getLong(1);
    }

    /** A frame from the result channel is another process's bytes: too short is a clear error. */
    private static void atLeast(byte[] frame, int n) {
        if (frame.length < n) {
            throw new dev.jmp.ProcessError("a pool frame of kind " + frame[0] + " and " + frame.length
                    + " bytes: too short (at least " + n + ")");
        }
    }

    /**
     * A decoded TASK frame; func is null when the previous task's function applies. The
     * arguments stay in the frame (from {@code argsAt} to its end), decoded from there.
     */
    record Task(long seq, long job, byte mode, byte[] func, byte[] frame, int argsAt, List<Object> arrays) {
        Task(long seq, long job, byte mode, byte[] func, byte[] frame, int argsAt) {
            this(seq, job, mode, func, frame, argsAt, null);
        }

        /** The arguments' object (the arrays, if they were read straight into them). ProcessError if they cannot be deserialized here. */
        Object decodeArgs() {
            return arrays != null ? arrays : Codec.decode(frame, argsAt, frame.length - argsAt);
        }
    }

    static Task readTask(byte[] frame) {
        ByteBuffer b = ByteBuffer.wrap(frame);
        b.get();
        long seq = b.getLong();
        long job = b.getLong();
        byte mode = b.get();
        int funcLength = b.getInt();
        byte[] func = null;
        if (funcLength >= 0) {
            func = new byte[funcLength];
            b.get(func);
        }
        return new Task(seq, job, mode, func, frame, b.position());
    }

    static boolean resultOk(byte[] frame) {
        atLeast(frame, RESULT_HEADER);
        return frame[1 + 8] != 0;
    }

    /** The serialized value of a RESULT frame, or the error of an INIT_FAILED one. */
    static byte[] payload(byte[] frame) {
        int from = frame[0] == RESULT ? RESULT_HEADER : 1 + 8;
        byte[] out = new byte[frame.length - from];
        System.arraycopy(frame, from, out, 0, out.length);
        return out;
    }
}
