package dev.jmp.examples;

import dev.jmp.Process;
import dev.jmp.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Chapter 5, exercise: two processes each add one to a shared counter 20000 times,
 * three ways. Unguarded, read-then-write loses updates whenever the two interleave;
 * under the Value's lock, or with the atomic getAndAdd (beyond Python), none is lost.
 */
public final class CounterRace {
    private CounterRace() {
    }

    static final int TIMES = 20000;

    static void unguarded(Value counter) {
        for (int i = 0; i < TIMES; i++) {
            counter.setValue(counter.value().intValue() + 1);
        }
    }

    static void locked(Value counter) {
        for (int i = 0; i < TIMES; i++) {
            counter.getLock().acquire();
            counter.setValue(counter.value().intValue() + 1);
            counter.getLock().release();
        }
    }

    static void atomic(Value counter) {
        for (int i = 0; i < TIMES; i++) {
            counter.getAndAdd(1);
        }
    }

    public static void main(String[] args) {
        Value a = new Value('i', 0, false);
        Value b = new Value('i', 0);
        Value c = new Value('i', 0, false);
        List<Process> record = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            record.add(new Process(() -> unguarded(a)));
            record.add(new Process(() -> locked(b)));
            record.add(new Process(() -> atomic(c)));
        }
        for (Process p : record) {
            p.start();
        }
        for (Process p : record) {
            p.join();
        }
        System.out.println("unguarded: " + a.value() + " of " + 2 * TIMES);
        System.out.println("locked: " + b.value() + " of " + 2 * TIMES);
        System.out.println("atomic: " + c.value() + " of " + 2 * TIMES);
    }
}
