package dev.jmp.examples;

import dev.jmp.Connection;
import dev.jmp.Pipe;
import dev.jmp.Process;

/**
 * The tutorial's second program: two processes talk over the two ends of one Pipe.
 * proc1 sends 'hello' and prints the answer; proc2 prints what it got and answers
 * 'hello, too'. It prints what the Python original prints:
 * <pre>
 * proc2 rec: hello
 * proc1 rec: hello, too
 * </pre>
 *
 * <p>Python original (Vamei, "Python标准库10 多进程初步"):
 * <pre>
 * def proc1(pipe):
 *     pipe.send('hello')
 *     print('proc1 rec:', pipe.recv())
 *
 * def proc2(pipe):
 *     print('proc2 rec:', pipe.recv())
 *     pipe.send('hello, too')
 *
 * pipe = mul.Pipe()
 * p1 = mul.Process(target=proc1, args=(pipe[0],))
 * p2 = mul.Process(target=proc2, args=(pipe[1],))
 * p1.start(); p2.start(); p1.join(); p2.join()
 * </pre>
 */
public final class PipeDemo {
    private PipeDemo() {
    }

    static void proc1(Connection pipe) {
        pipe.send("hello");
        System.out.println("proc1 rec: " + pipe.recv());
    }

    static void proc2(Connection pipe) {
        System.out.println("proc2 rec: " + pipe.recv());
        pipe.send("hello, too");
    }

    public static void main(String[] args) {
        // Build a pipe
        Pipe pipe = Pipe.open();

        // Pass an end of the pipe to process 1
        Connection end1 = pipe.conn1();
        Process p1 = new Process(() -> proc1(end1));
        // Pass the other end of the pipe to process 2
        Connection end2 = pipe.conn2();
        Process p2 = new Process(() -> proc2(end2));
        p1.start();
        p2.start();
        p1.join();
        p2.join();
    }
}
