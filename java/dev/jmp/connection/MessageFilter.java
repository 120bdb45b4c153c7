package dev.jmp.connection;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.ObjectInputFilter;
import java.util.Set;

/**
 * The ObjectInputFilter every received message is deserialized through: the limits of
 * {@link Limits} per message, then the JVM-wide filter ({@code jdk.serialFilter}) if one
 * is set, so that an application's allow-list still applies.
 *
 * <p>Why per-message bookkeeping: {@link MessageReader} keeps one ObjectInputStream for
 * all messages, and the stream's reference count ({@link FilterInfo#references()}) runs
 * on across them. The count at the first check of a message is taken as its start (at
 * most the top-level object has been read by then: every object's class description
 * is checked before its fields are read).
 *
 * <p>Each callback is also a point where {@link DecodeWork} checks the CPU budget and
 * the interrupt flag: the stream calls the filter for every class, array and
 * back-reference it reads.
 *
 * <p>The spawn form of a Connection or Listener inside a message is refused outright:
 * it names an fd number handed over by posix_spawn, and a forged one would make the
 * receiver adopt, and later close, whatever fd of its own the number names. In a
 * message they travel in their shared form (a ticket for {@link FdSharer}), which
 * names nothing of the receiver's.
 */
final class MessageFilter implements ObjectInputFilter {
    private static final Set<String> REFUSED = Set.of("dev.jmp.Connection$Handle", "dev.jmp.Listener$Handle");

    private final ObjectInputFilter global = ObjectInputFilter.Config.getSerialFilter();
    private final long maxDepth;
    private final long maxRefs;
    private final long maxArrayLength;
    private final DecodeWork work;
    private long baseRefs;
    private long maxArray;
    private String rejection;
    private boolean interrupted;

    MessageFilter() {
        this(Limits.MAX_DEPTH, Limits.MAX_REFS, Limits.MAX_ARRAY_LENGTH, new DecodeWork());
    }

    MessageFilter(long maxDepth, long maxRefs, long maxArrayLength) {
        this(maxDepth, maxRefs, maxArrayLength, new DecodeWork());
    }

    MessageFilter(long maxDepth, long maxRefs, long maxArrayLength, DecodeWork work) {
        this.maxDepth = maxDepth;
        this.maxRefs = maxRefs;
        this.maxArrayLength = maxArrayLength;
        this.work = work;
    }

    /** The work bound of the message being read. */
    DecodeWork work() {
        return work;
    }

    /** Called before each message of {@code bytes} bytes is read. */
    void startMessage(int bytes) {
        baseRefs = -1;
        maxArray = Math.min(maxArrayLength, (long) Limits.ARRAY_ELEMENTS_PER_BYTE * bytes + 64);
        rejection = null;
        interrupted = false;
        work.startMessage(bytes);
    }

    /** Whether the last message was given up because the thread was interrupted. */
    boolean interrupted() {
        return interrupted;
    }

    /** Why the last message was rejected, or null. */
    String rejection() {
        return rejection;
    }

    @Override
    public Status checkInput(FilterInfo info) {
        try {
            work.tick();
        } catch (InterruptedIOException e) {
            interrupted = true;
            return reject(e.getMessage());
        } catch (IOException e) {
            return reject(e.getMessage());
        }
        Class<?> c = info.serialClass();
        if (c != null && REFUSED.contains(c.getName())) {
            return reject("a Connection's spawn form (an fd number) cannot travel inside a message");
        }
        if (info.depth() > maxDepth) {
            return reject("objects nested deeper than jmp.connection.maxDepth=" + maxDepth);
        }
        long refs = info.references();
        if (baseRefs < 0) {
            baseRefs = refs - 1;
        }
        if (refs - baseRefs > maxRefs) {
            return reject("more than jmp.connection.maxRefs=" + maxRefs + " objects");
        }
        if (info.arrayLength() > maxArray) {
            return reject("an array of " + info.arrayLength() + " elements, more than "
                    + (maxArray == maxArrayLength
                        ? "jmp.connection.maxArrayLength=" + maxArray
                        : Limits.ARRAY_ELEMENTS_PER_BYTE + " per byte of the message allows"));
        }
        if (global != null) {
            Status s = global.checkInput(info);
            if (s == Status.REJECTED) {
                return reject("rejected by the JVM-wide filter (jdk.serialFilter): "
                        + (c != null ? c.getName() : "limits"));
            }
            return s;
        }
        return Status.UNDECIDED;
    }

    private Status reject(String why) {
        if (rejection == null) {
            rejection = why;
        }
        return Status.REJECTED;
    }
}
