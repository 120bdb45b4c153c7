package dev.jmp.examples;

import dev.jmp.Process;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Chapter 1: a Process's life as its parent sees it. {@code pid()} is null before
 * {@code start()}. A child that has ended but has not been waited for is a zombie
 * (state Z in /proc/PID/stat): the kernel keeps its exit status for the parent.
 * {@code join()} is the parent's {@code waitpid}; after it the zombie is gone.
 *
 * <p>Python:
 * <pre>
 * p = multiprocessing.Process(target=work)
 * print(p.pid)           # None
 * p.start()
 * p.join()               # waitpid
 * print(p.exitcode)      # 0
 * </pre>
 */
public final class ProcessAndJoin {
    private ProcessAndJoin() {
    }

    static void work() {
        System.out.println("child: my pid is " + ProcessHandle.current().pid());
    }

    /** The state letter of /proc/PID/stat: R running, S sleeping, Z zombie. */
    static char state(int pid) throws IOException {
        String stat = Files.readAllLines(Path.of("/proc/" + pid + "/stat")).get(0);
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    public static void main(String[] args) throws Exception {
        Process p = new Process(ProcessAndJoin::work);
        System.out.println("before start: pid " + p.pid());
        p.start();
        int pid = p.pid();
        System.out.println("started: pid " + pid);

        // The child ends on its own. Nobody has waited for it yet: it stays in the
        // process table as a zombie, holding its exit status for us.
        while (state(pid) != 'Z') {
            Thread.sleep(1);
        }
        System.out.println("ended, not joined: state Z (zombie)");

        p.join();                                      // waitpid: the zombie is reaped
        System.out.println("joined: exitcode " + p.exitcode()
                + ", /proc/" + pid + " exists: " + Files.exists(Path.of("/proc/" + pid)));
    }
}
