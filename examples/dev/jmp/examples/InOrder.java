package dev.jmp.examples;

import dev.jmp.Condition;
import dev.jmp.Process;
import dev.jmp.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Chapter 2, exercise: five processes, started in reverse order, print in the order
 * of their numbers. A shared Value says whose turn it is; a Condition wakes everyone
 * when it changes, and each goes back to sleep unless the turn is its own.
 */
public final class InOrder {
    private InOrder() {
    }

    static void speaker(int k, Condition cond, Value turn) {
        cond.acquire();
        try {
            cond.awaitFor(() -> turn.value().intValue() == k);
            System.out.println("process " + k + " pid " + ProcessHandle.current().pid());
            turn.setValue(k + 1);
            cond.signalAll();
        } finally {
            cond.release();
        }
    }

    public static void main(String[] args) {
        Condition cond = new Condition();
        Value turn = new Value('i', 0, false);             // guarded by cond
        List<Process> record = new ArrayList<>();
        for (int k = 4; k >= 0; k--) {
            int mine = k;
            Process process = new Process(() -> speaker(mine, cond, turn));
            process.start();
            record.add(process);
        }
        for (Process process : record) {
            process.join();
        }
    }
}
