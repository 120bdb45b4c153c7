package dev.jmp.examples;

import dev.jmp.Array;
import dev.jmp.Process;
import dev.jmp.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Chapter 5: Python's documentation example "Sharing state between processes",
 * line by line. It prints:
 * <pre>
 * 3.1415927
 * [0, -1, -2, -3, -4, -5, -6, -7, -8, -9]
 * </pre>
 *
 * <p>Python original:
 * <pre>
 * def f(n, a):
 *     n.value = 3.1415927
 *     for i in range(len(a)):
 *         a[i] = -a[i]
 *
 * num = Value('d', 0.0)
 * arr = Array('i', range(10))
 * p = Process(target=f, args=(num, arr))
 * p.start()
 * p.join()
 * print(num.value)
 * print(arr[:])
 * </pre>
 */
public final class ValueAndArray {
    private ValueAndArray() {
    }

    static void f(Value n, Array a) {
        n.setValue(3.1415927);
        for (int i = 0; i < a.length(); i++) {
            a.set(i, -a.get(i).intValue());
        }
    }

    public static void main(String[] args) {
        Value num = new Value('d', 0.0);
        Array arr = new Array('i', new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});

        Process p = new Process(() -> f(num, arr));
        p.start();
        p.join();

        System.out.println(num.value());
        List<Number> all = new ArrayList<>();
        for (int i = 0; i < arr.length(); i++) {
            all.add(arr.get(i));
        }
        System.out.println(all);
    }
}
