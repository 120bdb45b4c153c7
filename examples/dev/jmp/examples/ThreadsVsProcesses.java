package dev.jmp.examples;

import dev.jmp.Lock;
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
 *
 * lock = threading.Lock()          # for the threads
 * lock = multiprocessing.Lock()    # for the processes
 * </pre>
 * The threads share a java.util.concurrent lock, Python's threading.Lock; the
 * processes share a {@link dev.jmp.Lock}, one POSIX semaphore that every child opens
 * by name, so the five processes really take turns.
 */
public final class ThreadsVsProcesses {
    private ThreadsVsProcesses() {
    }

    // worker function, for the threads
    static void worker(String sign, java.util.concurrent.locks.Lock lock) {
        lock.lock();
        System.out.println(sign + " " + ProcessHandle.current().pid());
        lock.unlock();
    }

    // worker function, for the processes
    static void worker(String sign, Lock lock) {
        lock.acquire();
        System.out.println(sign + " " + ProcessHandle.current().pid());
        lock.release();
    }

    public static void main(String[] args) throws InterruptedException {
        // Main
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
        Lock lock = new Lock();
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
