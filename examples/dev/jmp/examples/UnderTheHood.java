package dev.jmp.examples;

import dev.jmp.Process;
import dev.jmp.Queue;

/**
 * Chapter 9: one Process.start(), one Queue.put, one Queue.get, one join(), each
 * announced on stdout first so that the lines mark the steps in a system-call trace:
 * <pre>
 * strace -f -o trace.txt java -cp ... dev.jmp.examples.UnderTheHood
 * </pre>
 */
public final class UnderTheHood {
    private UnderTheHood() {
    }

    public static void main(String[] args) {
        Queue<String> queue = new Queue<>();
        Process p = new Process(() -> queue.put("hello"));
        System.out.println("== start");
        p.start();
        System.out.println("== get");
        String got = queue.get();
        System.out.println("== join");
        p.join();
        System.out.println("got " + got + ", exitcode " + p.exitcode());
    }
}
