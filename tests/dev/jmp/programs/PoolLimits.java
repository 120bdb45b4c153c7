package dev.jmp.programs;

import dev.jmp.Pool;
import dev.jmp.PosixException;
import dev.jmp.ProcessError;
import dev.jmp.queue.MessageQueue;
import java.util.ArrayList;
import java.util.List;

/**
 * The Pool under an ordinary user's limits, as a whole program: PoolUnprivilegedTest
 * runs it as nobody (setpriv), whose message-queue quota (RLIMIT_MSGQUEUE, 800 KiB) is
 * the real one. A Pool(2) works and survives a worker's death; then it counts how many
 * task channels (message queues of 4 messages, what a Pool uses per worker) fit in the
 * quota. Prints "ok ..."/"FAIL ..." per check, "pid N" and "channels N"; exits with the
 * number of failed checks.
 */
public final class PoolLimits {
    private PoolLimits() {
    }

    private static int failed;

    private static void check(boolean ok, String what) {
        System.out.println((ok ? "ok " : "FAIL ") + what);
        if (!ok) {
            failed++;
        }
    }

    static int square(int x) {
        return x * x;
    }

    public static void main(String[] args) {
        System.out.println("pid " + ProcessHandle.current().pid());
        try (Pool pool = new Pool(2)) {
            check(pool.map(PoolLimits::square, List.of(1, 2, 3, 4)).equals(List.of(1, 4, 9, 16)), "map");
            try {
                pool.apply(() -> {
                    Runtime.getRuntime().halt(3);
                    return 0;
                });
                check(false, "a dying worker fails its task");
            } catch (ProcessError e) {
                check(e.getMessage().contains("exitcode 3"), "a dying worker fails its task: " + e.getMessage());
            }
            check(pool.apply(() -> square(9)) == 81, "the pool goes on");
        } catch (RuntimeException e) {
            check(false, "pool: " + e);
        }
        List<MessageQueue> held = new ArrayList<>();
        try {
            while (held.size() < 400) {
                held.add(MessageQueue.create(4));
            }
        } catch (PosixException e) {
            System.out.println("quota: " + e.getMessage());
        } finally {
            System.out.println("channels " + held.size());
            for (MessageQueue q : held) {
                q.unlink();
            }
        }
        System.out.flush();
        System.exit(failed);
    }
}
