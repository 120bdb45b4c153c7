package dev.jmp.resource;

import java.lang.ref.Cleaner;

/**
 * The one {@link Cleaner} of the library: every action jmp runs once an object of
 * it has become unreachable (closing this process's handle on a semaphore or message
 * queue, unlinking a name its creator dropped, closing a dropped Connection's
 * descriptor, reaping a dropped Process, terminating a dropped Pool) runs in its
 * single thread, {@code jmp-cleaner}.
 *
 * <p>Why one: a Cleaner is a thread, and each kind of object used to start its own;
 * a child that touches a Lock, a Queue and a Connection paid for three threads doing
 * the same job. One thread is enough because every action is short: a system call
 * or two, or handing the work to a thread of its own (a Pool's termination).
 *
 * <p>The rules for an action, all of them {@link Cleaner}'s own and binding here:
 * it must not refer to its owner (the owner would never become unreachable); it must
 * not block, or every other clean-up of the process waits behind it; and it must be
 * safe to run at the same time as anything the owner's other users do, since it runs
 * in this thread whenever the collector decides. Code that passes a handle to a
 * native call keeps the owner reachable until the call returns
 * ({@link java.lang.ref.Reference#reachabilityFence}), so an action can never close a
 * handle under a call that uses it.
 *
 * <p>The thread starts with the first registration, so a process that never
 * registers anything never starts it.
 */
public final class Cleanup {
    private Cleanup() {
    }

    /** Runs {@code action} once, in the cleaner thread, after {@code owner} has become unreachable. */
    public static Cleaner.Cleanable onUnreachable(Object owner, Runnable action) {
        return Holder.CLEANER.register(owner, action);
    }

    // A holder, so that the thread starts at the first registration, not when this class loads.
    private static final class Holder {
        static final Cleaner CLEANER = Cleaner.create(new Threads());
    }

    /**
     * Named classes here and in the actions jmp registers, not lambdas: a spawned child's
     * first Lock or Queue registers one, and a young JVM's first lambda costs it the
     * bootstrap of java.lang.invoke before the child's work.
     */
    private static final class Threads implements java.util.concurrent.ThreadFactory {
        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "jmp-cleaner");
            t.setDaemon(true);
            return t;
        }
    }
}
