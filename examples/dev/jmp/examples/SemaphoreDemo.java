package dev.jmp.examples;

import dev.jmp.Process;
import dev.jmp.Semaphore;
import dev.jmp.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Chapter 2: a Semaphore(2) lets two processes in at a time. Five visitors want the
 * room; each counts itself in and out on a shared Value and prints how many are
 * inside: never more than two.
 *
 * <p>Python:
 * <pre>
 * def visitor(room, inside):
 *     room.acquire()
 *     with inside.get_lock():
 *         inside.value += 1
 *         print(os.getpid(), 'in,', inside.value, 'inside')
 *     time.sleep(0.05)
 *     with inside.get_lock():
 *         inside.value -= 1
 *     room.release()
 *
 * room = multiprocessing.Semaphore(2)
 * inside = multiprocessing.Value('i', 0)
 * </pre>
 */
public final class SemaphoreDemo {
    private SemaphoreDemo() {
    }

    static void visitor(Semaphore room, Value inside) throws InterruptedException {
        room.acquire();
        inside.getLock().acquire();
        inside.setValue(inside.value().intValue() + 1);
        System.out.println(ProcessHandle.current().pid() + " in, " + inside.value() + " inside");
        inside.getLock().release();
        Thread.sleep(50);                                  // stay a while
        inside.getLock().acquire();
        inside.setValue(inside.value().intValue() - 1);
        inside.getLock().release();
        room.release();
    }

    public static void main(String[] args) {
        Semaphore room = new Semaphore(2);
        Value inside = new Value('i', 0);
        List<Process> record = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Process process = new Process(() -> {
                try {
                    visitor(room, inside);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            process.start();
            record.add(process);
        }
        for (Process process : record) {
            process.join();
        }
        System.out.println("all left, " + inside.value() + " inside, room value " + room.getValue());
    }
}
