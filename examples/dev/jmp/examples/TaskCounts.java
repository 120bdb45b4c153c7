package dev.jmp.examples;

import dev.jmp.Multiprocessing;
import dev.jmp.Process;
import dev.jmp.Queue;
import dev.jmp.SyncManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Chapter 6, exercise: three workers take 30 tasks from a Queue, and count in a dict
 * proxy, under their own name, how many each handled. Only one process writes each
 * key, so get-then-put loses nothing; the counts differ from run to run, their sum
 * is always 30.
 */
public final class TaskCounts {
    private TaskCounts() {
    }

    static final int TASKS = 30;

    static void worker(Queue<Integer> tasks, Map<String, Integer> handled) {
        String me = Multiprocessing.currentProcess().name();
        handled.put(me, 0);
        while (tasks.get() != null) {
            handled.put(me, handled.get(me) + 1);         // two round trips to the manager
        }
    }

    public static void main(String[] args) {
        try (SyncManager manager = Multiprocessing.manager()) {
            Map<String, Integer> handled = manager.dict();
            Queue<Integer> tasks = new Queue<>();
            List<Process> workers = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                Process worker = new Process(() -> worker(tasks, handled), "worker-" + i);
                worker.start();
                workers.add(worker);
            }
            for (int n = 1; n <= TASKS; n++) {
                tasks.put(n);
            }
            for (int i = 0; i < workers.size(); i++) {
                tasks.put(null);                           // one stop sign per worker
            }
            for (Process worker : workers) {
                worker.join();
            }
            int total = 0;
            for (Map.Entry<String, Integer> e : new TreeMap<>(handled).entrySet()) {
                System.out.println(e.getKey() + " handled " + e.getValue());
                total += e.getValue();
            }
            System.out.println("total: " + total + " of " + TASKS);
        }
    }
}
