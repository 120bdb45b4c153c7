package dev.jmp.examples;

import dev.jmp.Event;
import dev.jmp.Process;
import java.util.ArrayList;
import java.util.List;

/**
 * Chapter 2: an Event is a flag every process can wait for. Three processes wait;
 * the main program sets the flag once, and all three wake.
 *
 * <p>Python:
 * <pre>
 * def waiter(event):
 *     event.wait()
 *     print('woke', os.getpid())
 *
 * event = multiprocessing.Event()
 * for i in range(3):
 *     multiprocessing.Process(target=waiter, args=(event,)).start()
 * print('main sets the event')
 * event.set()
 * </pre>
 */
public final class EventDemo {
    private EventDemo() {
    }

    static void waiter(Event event) {
        event.await();
        System.out.println("woke " + ProcessHandle.current().pid());
    }

    public static void main(String[] args) {
        Event event = new Event();
        List<Process> record = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Process process = new Process(() -> waiter(event));
            process.start();
            record.add(process);
        }
        System.out.println("main " + ProcessHandle.current().pid() + " sets the event, is_set was " + event.isSet());
        event.set();
        for (Process process : record) {
            process.join();
        }
    }
}
