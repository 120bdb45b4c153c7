package dev.jmp.examples;

import dev.jmp.Event;
import dev.jmp.Lock;
import dev.jmp.Process;

/**
 * Chapter 9, exercise: which system calls does a Lock make? First uncontended (the
 * main program alone), then contended (a child holds it while the main program asks).
 * Run it under strace -f and look between the marker lines.
 */
public final class LockTrace {
    private LockTrace() {
    }

    static void holder(Lock lock, Event held) throws InterruptedException {
        lock.acquire();
        held.set();
        Thread.sleep(100);                                 // hold it a while
        lock.release();
    }

    public static void main(String[] args) {
        Lock lock = new Lock();
        Event held = new Event();
        System.out.println("== uncontended");
        lock.acquire();
        lock.release();
        Process p = new Process(() -> {
            try {
                holder(lock, held);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        p.start();
        held.await();
        System.out.println("== contended");
        lock.acquire();
        System.out.println("== acquired");
        lock.release();
        p.join();
    }
}
