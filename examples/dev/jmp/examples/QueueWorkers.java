package dev.jmp.examples;

import dev.jmp.JoinableQueue;
import dev.jmp.Process;
import dev.jmp.Queue;
import java.util.ArrayList;
import java.util.List;

/**
 * Chapter 4, exercise: a work queue. Three workers take numbers from a JoinableQueue
 * and put their squares, with their pid, on a results Queue; each calls task_done()
 * after each item. The main program puts nine numbers, waits with join() until all
 * are done, then reads the nine results and stops the workers with one None each.
 */
public final class QueueWorkers {
    private QueueWorkers() {
    }

    static void worker(JoinableQueue<Integer> tasks, Queue<String> results) {
        while (true) {
            Integer n = tasks.get();
            if (n == null) {
                tasks.taskDone();
                return;
            }
            results.put(ProcessHandle.current().pid() + " squared " + n + " = " + n * n);
            tasks.taskDone();
        }
    }

    public static void main(String[] args) {
        JoinableQueue<Integer> tasks = new JoinableQueue<>();
        Queue<String> results = new Queue<>();
        List<Process> workers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Process worker = new Process(() -> worker(tasks, results));
            worker.start();
            workers.add(worker);
        }
        for (int n = 1; n <= 9; n++) {
            tasks.put(n);
        }
        tasks.join();                                      // every item taken and done
        for (int n = 1; n <= 9; n++) {
            System.out.println(results.get());
        }
        for (int i = 0; i < 3; i++) {
            tasks.put(null);                               // one stop sign per worker
        }
        for (Process worker : workers) {
            worker.join();
        }
    }
}
