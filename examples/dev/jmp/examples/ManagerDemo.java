package dev.jmp.examples;

import dev.jmp.Multiprocessing;
import dev.jmp.Process;
import dev.jmp.SyncManager;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Python's documentation example "Sharing state between processes: Server process",
 * line by line. It prints:
 * <pre>
 * {1=1, 2=2, 0.25=null}
 * [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
 * </pre>
 *
 * <p>Python original:
 * <pre>
 * def f(d, l):
 *     d[1] = '1'
 *     d['2'] = 2
 *     d[0.25] = None
 *     l.reverse()
 *
 * with Manager() as manager:
 *     d = manager.dict()
 *     l = manager.list(range(10))
 *     p = Process(target=f, args=(d, l))
 *     p.start()
 *     p.join()
 *     print(d)
 *     print(l)
 * </pre>
 */
public final class ManagerDemo {
    private ManagerDemo() {
    }

    static void f(Map<Object, Object> d, List<Integer> l) {
        d.put(1, "1");
        d.put("2", 2);
        d.put(0.25, null);
        Collections.reverse(l);
    }

    public static void main(String[] args) {
        try (SyncManager manager = Multiprocessing.manager()) {
            Map<Object, Object> d = manager.dict();
            List<Integer> l = manager.list();
            l.addAll(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));

            Process p = new Process(() -> f(d, l));
            p.start();
            p.join();

            System.out.println(d);
            System.out.println(l);
        }
    }
}
