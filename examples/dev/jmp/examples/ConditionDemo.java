package dev.jmp.examples;

import dev.jmp.Condition;
import dev.jmp.Process;
import dev.jmp.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Chapter 2: a Condition lets a process sleep until something it cannot see changes.
 * Two consumers wait for stock; the main program produces four items, one at a time,
 * and signals a waiter each time.
 *
 * <p>Python:
 * <pre>
 * def consumer(cond, stock):
 *     for _ in range(2):
 *         with cond:
 *             cond.wait_for(lambda: stock.value > 0)
 *             stock.value -= 1
 *             print(os.getpid(), 'consumed, left', stock.value)
 *
 * cond = multiprocessing.Condition()
 * stock = multiprocessing.Value('i', 0, lock=False)   # guarded by cond
 * for i in range(4):
 *     with cond:
 *         stock.value += 1
 *         cond.notify()
 * </pre>
 */
public final class ConditionDemo {
    private ConditionDemo() {
    }

    static void consumer(Condition cond, Value stock) {
        for (int n = 0; n < 2; n++) {
            cond.acquire();
            try {
                cond.awaitFor(() -> stock.value().intValue() > 0);
                stock.setValue(stock.value().intValue() - 1);
                System.out.println(ProcessHandle.current().pid() + " consumed, left " + stock.value());
            } finally {
                cond.release();
            }
        }
    }

    public static void main(String[] args) {
        Condition cond = new Condition();
        Value stock = new Value('i', 0, false);            // guarded by cond
        List<Process> record = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Process process = new Process(() -> consumer(cond, stock));
            process.start();
            record.add(process);
        }
        for (int i = 0; i < 4; i++) {
            cond.acquire();
            try {
                stock.setValue(stock.value().intValue() + 1);
                cond.signal();
            } finally {
                cond.release();
            }
        }
        for (Process process : record) {
            process.join();
        }
        System.out.println("stock at the end: " + stock.value());
    }
}
