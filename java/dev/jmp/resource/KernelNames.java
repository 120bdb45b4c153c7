package dev.jmp.resource;

import dev.jmp.PosixException;
import dev.jmp.posix.Errno;
import dev.jmp.posix.Linux;
import java.security.SecureRandom;
import java.util.function.Function;

/**
 * Fresh names for kernel objects: {@code /jmp.<creator pid>.<random>}.
 *
 * <p>Why this shape: the pid says in any {@code /dev/shm} listing whose object it is
 * (and lets a test or a clean-up tool find exactly its own), and the random part is
 * what keeps other local users out. Objects are created {@code O_CREAT|O_EXCL} with
 * mode 0600, but a name someone can predict is a name they can create first
 * (squatting) and make our {@code O_EXCL} fail forever; 100 random bits from
 * SecureRandom cannot be predicted. The whole name stays near 35 characters, far
 * below the kernel's limit of {@code /} plus 251.
 *
 * <p>The alphabet is lowercase base32 ({@code a-z2-7}): no {@code /}, no dot, and
 * nothing a shell would mangle.
 */
public final class KernelNames {
    private KernelNames() {
    }

    /** Attempts before giving up on EEXIST (CPython tries 100 times too). */
    private static final int ATTEMPTS = 100;
    private static final int RANDOM_CHARS = 20;
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    /** The prefix every name this process creates starts with: {@code /jmp.<pid>.}. */
    public static String prefix() {
        return "/jmp." + ProcessHandle.current().pid() + ".";
    }

    /** A new name, not yet used by anything (with overwhelming probability). */
    public static String fresh() {
        byte[] bytes = new byte[RANDOM_CHARS];
        Random.SOURCE.nextBytes(bytes);
        StringBuilder sb = new StringBuilder(prefix());
        for (byte b : bytes) {
            sb.append(ALPHABET[b & 31]);
        }
        return sb.toString();
    }

    /**
     * Creates an object under a fresh name: {@code create} is called with a new name
     * and must open it {@code O_CREAT|O_EXCL}; on EEXIST another name is tried.
     * Each name is registered with the resource tracker first, and unregistered if
     * {@code create} fails. The tracker keeps it until it is unlinked or the program
     * ends (a SharedMemory's name: Python's rule).
     */
    public static <T> T createFresh(Function<String, T> create) {
        return create(create, false);
    }

    /**
     * As {@link #createFresh}, for an object that lives while any process holds it
     * ({@link Holds}): the registration is this process's hold, and while
     * {@code create} runs, {@link #counted} tells its owner whether a tracker counts it.
     */
    public static <T> T createCounted(Function<String, T> create) {
        return create(create, true);
    }

    /** True while {@code name} is being created by {@link #createCounted} with a tracker that counts it. */
    static boolean counted(String name) {
        return name.equals(COUNTING.get());
    }

    private static final ThreadLocal<String> COUNTING = new ThreadLocal<>();

    private static <T> T create(Function<String, T> create, boolean counted) {
        for (int attempt = 1; ; attempt++) {
            String name = fresh();
            // Before the object exists: see Tracker.
            if (counted && Tracker.created(name)) {
                COUNTING.set(name);
            } else if (!counted) {
                Tracker.register(name);
            }
            try {
                return create.apply(name);
            } catch (RuntimeException e) {
                // Not made (create cleans up after itself), or, on EEXIST, someone
                // else's: either way not a name the tracker may remove.
                Tracker.unregister(name);
                if (!(e instanceof PosixException p) || p.errno() != Linux.EEXIST || attempt >= ATTEMPTS) {
                    throw e;
                }
            } finally {
                COUNTING.remove();
            }
        }
    }

    // A holder, so that a process that never creates an object never seeds a SecureRandom.
    private static final class Random {
        static final SecureRandom SOURCE = new SecureRandom();
    }

    /**
     * The error for opening, by name, an object whose creator has already unlinked it:
     * ENOENT alone would not say why a handle that travelled here no longer opens.
     */
    public static PosixException gone(PosixException e, String what) {
        if (e.errno() != Linux.ENOENT) {
            return e;
        }
        return Errno.exception(e.function(), e.errno(), "No such file or directory: " + what
                + " no longer exists (the process that created it has dropped it or exited)", e);
    }
}
