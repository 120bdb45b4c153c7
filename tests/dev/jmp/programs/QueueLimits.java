package dev.jmp.programs;

import dev.jmp.JoinableQueue;
import dev.jmp.PosixException;
import dev.jmp.Process;
import dev.jmp.Queue;
import dev.jmp.SimpleQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The queue cases that depend on the limits of an ordinary user, as a whole program:
 * QueueUnprivilegedTest runs it as nobody (setpriv), whose message-queue quota
 * (RLIMIT_MSGQUEUE, 800 KiB) and 10 x 8 KiB per-queue limits are the real ones. Prints
 * one line per check ("ok ..." or "FAIL ..."), then "queues N" (how many it held when
 * the quota ran out) and the error it got; exits with the number of failed checks.
 */
public final class QueueLimits {
    private QueueLimits() {
    }

    private static int failed;

    private static void check(boolean ok, String what) {
        System.out.println((ok ? "ok " : "FAIL ") + what);
        if (!ok) {
            failed++;
        }
    }

    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    static void putBig(Queue<byte[]> q) {
        q.put(pattern(8 * 1024 + 1));
        q.put(pattern(1024 * 1024 + 1));
        q.put(pattern(16 * 1024 * 1024));
    }

    public static void main(String[] args) throws Exception {
        System.out.println("pid " + ProcessHandle.current().pid());
        List<Object> held = new ArrayList<>();

        // At least 50 queues at once, each working.
        List<Queue<Integer>> queues = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Queue<Integer> q = i % 4 == 0 ? new JoinableQueue<>() : new Queue<>();
            q.put(i);
            queues.add(q);
        }
        boolean allBack = true;
        for (int i = 0; i < queues.size(); i++) {
            allBack &= queues.get(i).get(Duration.ofSeconds(10)) == i;
        }
        check(allBack, "60 live queues");
        held.addAll(queues);

        // maxsize 100: more than the 10 messages a queue may hold.
        Queue<Integer> bounded = new Queue<>(100);
        for (int i = 0; i < 100; i++) {
            bounded.putNowait(i);
        }
        boolean full = false;
        try {
            bounded.putNowait(100);
        } catch (Queue.Full e) {
            full = true;
        }
        check(full && bounded.qsize() == 100, "maxsize 100 holds 100 items, then Full");
        boolean inOrder = true;
        for (int i = 0; i < 100; i++) {
            inOrder &= bounded.get() == i;
        }
        check(inOrder, "maxsize 100 gives them back in order");
        held.add(bounded);

        // Items over 8 KiB (the largest message), 1 MiB and 16 MiB, from a child that exits first.
        Queue<byte[]> big = new Queue<>();
        Process child = new Process(() -> putBig(big));
        child.start();
        child.join(Duration.ofSeconds(60));
        check(Integer.valueOf(0).equals(child.exitcode()), "child putting big items exited with 0: " + child.exitcode());
        boolean same = true;
        for (int n : new int[] {8 * 1024 + 1, 1024 * 1024 + 1, 16 * 1024 * 1024}) {
            same &= Arrays.equals(pattern(n), big.get(Duration.ofSeconds(30)));
        }
        check(same, "items of 8 KiB, 1 MiB and 16 MiB arrive whole");
        SimpleQueue<byte[]> simple = new SimpleQueue<>();
        simple.put(pattern(100_000));
        check(Arrays.equals(pattern(100_000), simple.get()), "a SimpleQueue carries 100 KB");
        held.add(big);
        held.add(simple);

        // Until the quota runs out: the error names the limit.
        int count = queues.size() + 3;
        String error = null;
        try {
            for (int i = 0; i < 1000; i++) {
                held.add(new Queue<Integer>());
                count++;
            }
        } catch (PosixException e) {
            error = e.getMessage();
        }
        System.out.println("queues " + count);
        System.out.println("error " + error);
        check(error != null && (error.contains("RLIMIT_MSGQUEUE") && error.contains("ulimit -q")
                || error.contains("queues_max")), "the limit's error names the limit and what raises it");
        held.clear();
        System.out.println(failed == 0 ? "all ok" : failed + " failed");
        System.exit(failed);
    }
}
