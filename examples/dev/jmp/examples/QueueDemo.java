package dev.jmp.examples;

import dev.jmp.Lock;
import dev.jmp.Multiprocessing;
import dev.jmp.Process;
import dev.jmp.Queue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The tutorial's third program: ten processes put a string with their pid and the
 * time on a {@code Queue(3)}, ten others take one each and print it with their own
 * pid, under a Lock so that lines do not mix. It prints, in some order, ten lines
 * like the Python original's:
 * <pre>
 * 4312(get):4301(put):1732723200.123456
 * </pre>
 *
 * <p>Python original (Vamei, "Python标准库10 多进程初步"):
 * <pre>
 * def inputQ(queue):
 *     info = str(os.getpid()) + '(put):' + str(time.time())
 *     queue.put(info)
 *
 * def outputQ(queue, lock):
 *     info = queue.get()
 *     lock.acquire()
 *     print (str(os.getpid()) + '(get):' + info)
 *     lock.release()
 *
 * lock  = multiprocessing.Lock()    # To prevent messy print
 * queue = multiprocessing.Queue(3)
 * # 10 input processes, then 10 output processes, started
 * for p in record1: p.join()
 * queue.close()  # No more object will come, close the queue
 * for p in record2: p.join()
 * </pre>
 * The queue holds three items at most: the producers beyond the third wait in put()
 * until a consumer has taken one.
 */
public final class QueueDemo {
    private QueueDemo() {
    }

    // input worker
    static void inputQ(Queue<String> queue) {
        String info = Multiprocessing.currentProcess().pid() + "(put):" + time();
        queue.put(info);
    }

    // output worker
    static void outputQ(Queue<String> queue, Lock lock) {
        String info = queue.get();
        lock.acquire();
        System.out.println(Multiprocessing.currentProcess().pid() + "(get):" + info);
        lock.release();
    }

    /** Python's str(time.time()): seconds since the epoch, with the fraction. */
    private static String time() {
        Instant now = Instant.now();
        return now.getEpochSecond() + "." + String.format("%06d", now.getNano() / 1000);
    }

    public static void main(String[] args) {
        List<Process> record1 = new ArrayList<>();   // store input processes
        List<Process> record2 = new ArrayList<>();   // store output processes
        Lock lock = new Lock();                      // To prevent messy print
        Queue<String> queue = new Queue<>(3);

        // input processes
        for (int i = 0; i < 10; i++) {
            Process process = new Process(() -> inputQ(queue));
            process.start();
            record1.add(process);
        }

        // output processes
        for (int i = 0; i < 10; i++) {
            Process process = new Process(() -> outputQ(queue, lock));
            process.start();
            record2.add(process);
        }

        for (Process p : record1) {
            p.join();
        }

        queue.close();   // No more object will come, close the queue

        for (Process p : record2) {
            p.join();
        }
    }
}
