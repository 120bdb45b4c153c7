package dev.jmp.examples;

import dev.jmp.Multiprocessing;
import dev.jmp.Process;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The tutorial's first program: five threads and five processes print their pid
 * under a lock. Every thread prints the main program's pid; every process its own.
 *
 * <p>Python original (Vamei, "Python标准库10 多进程初步"):
 * <pre>
 * def worker(sign, lock):
 *     lock.acquire()
 *     print(sign, os.getpid())
 *     lock.release()
 * </pre>
 * Until dev.jmp.Lock exists the processes use a java.util.concurrent lock: each child
 * gets its own copy, so it orders nothing between processes. Each println is one
 * write, so lines still do not interleave.
 */
public final class ThreadsVsProcesses {
    private ThreadsVsProcesses() {
    }

    static void worker(String sign, java.util.concurrent.locks.Lock lock) {
        lock.lock();
        try {
            System.out.println(sign + " " + ProcessHandle.current().pid());
        } finally {
            lock.unlock();
        }
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("Main: " + ProcessHandle.current().pid());

        // Multi-thread
        List<Thread> threads = new ArrayList<>();
        ReentrantLock threadLock = new ReentrantLock();
        for (int i = 0; i < 5; i++) {
            Thread thread = new Thread(() -> worker("thread", threadLock));
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }

        // Multi-process
        List<Process> record = new ArrayList<>();
        ReentrantLock lock = new ReentrantLock();
        for (int i = 0; i < 5; i++) {
            Process process = new Process(() -> worker("process", lock));
            process.start();
            record.add(process);
        }
        for (Process process : record) {
            process.join();
        }
        if (Multiprocessing.activeChildren().size() != 0) {
            throw new AssertionError("children left running");
        }
    }
}
