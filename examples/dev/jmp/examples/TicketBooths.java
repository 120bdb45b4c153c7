package dev.jmp.examples;

import dev.jmp.Lock;
import dev.jmp.Process;
import dev.jmp.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Chapter 1, exercise: the ticket booths of the threading tutorial, as processes.
 * Ten booths sell tickets from one stock under one lock. With threads the stock was a
 * global variable; processes share no variable, so it lives in shared memory (a Value,
 * chapter 5), and the Lock is a {@link dev.jmp.Lock}.
 *
 * <p>Python original (threads):
 * <pre>
 * def booth(tid):
 *     global i
 *     global lock
 *     while True:
 *         lock.acquire()
 *         if i != 0:
 *             i = i - 1
 *             print(tid,':now left:',i)
 *             doChore()
 *         else:
 *             print("Thread_id",tid," No more tickets")
 *             os._exit(0)
 *         lock.release()
 *         doChore()
 *
 * i    = 100
 * lock = threading.Lock()
 * for k in range(10):
 *     new_thread = threading.Thread(target=booth,args=(k,))
 *     new_thread.start()
 * </pre>
 * os._exit(0) ended the whole program from any thread; a process can end only itself,
 * so each booth returns when the stock is gone, and the main program joins them.
 */
public final class TicketBooths {
    private TicketBooths() {
    }

    // This function could be any function to do other chores.
    static void doChore() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // Function for each booth
    static void booth(int tid, Value i, Lock lock) {
        while (true) {
            lock.acquire();                                // Lock; or wait if another process holds it
            if (i.value().intValue() != 0) {
                i.setValue(i.value().intValue() - 1);      // Sell tickets
                System.out.println(tid + " :now left: " + i.value());   // Tickets left
                doChore();                                 // Other critical operations
            } else {
                System.out.println("Process_id " + tid + " No more tickets");
                lock.release();
                return;                                    // This booth closes
            }
            lock.release();                                // Unblock
            doChore();                                     // Non-critical operations
        }
    }

    public static void main(String[] args) {
        Value i = new Value('i', 20, false);               // Available tickets, in shared memory
        Lock lock = new Lock();                            // Lock (i.e., mutex)

        // Start 10 processes
        List<Process> record = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
            int tid = k;
            Process booth = new Process(() -> booth(tid, i, lock));
            booth.start();
            record.add(booth);
        }
        for (Process booth : record) {
            booth.join();
        }
    }
}
