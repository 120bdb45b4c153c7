package dev.jmp.examples;

import dev.jmp.Connection;
import dev.jmp.EOFError;
import dev.jmp.Pipe;
import dev.jmp.Process;

/**
 * Chapter 3: a one-way pipe. {@code Pipe.open(false)} gives a receiving end (conn1)
 * and a sending end (conn2). The child sends three objects and ends; the parent reads
 * until EOFError, which comes once every copy of the sending end is closed.
 *
 * <p>Python:
 * <pre>
 * def produce(send_end):
 *     for x in ['a', 1, [2, 3]]:
 *         send_end.send(x)
 *
 * recv_end, send_end = multiprocessing.Pipe(duplex=False)
 * p = multiprocessing.Process(target=produce, args=(send_end,))
 * p.start()
 * send_end.close()             # our copy: EOF comes when the child's goes too
 * try:
 *     while True:
 *         print('got', recv_end.recv())
 * except EOFError:
 *     print('EOF')
 * p.join()
 * </pre>
 */
public final class SimplexPipe {
    private SimplexPipe() {
    }

    static void produce(Connection sendEnd) {
        for (Object x : new Object[] {"a", 1, java.util.List.of(2, 3)}) {
            sendEnd.send(x);
        }
    }

    public static void main(String[] args) {
        Pipe pipe = Pipe.open(false);
        Connection recvEnd = pipe.conn1();
        Connection sendEnd = pipe.conn2();
        Process p = new Process(() -> produce(sendEnd));
        p.start();
        sendEnd.close();             // our copy: EOF comes when the child's goes too
        try {
            while (true) {
                System.out.println("got " + recvEnd.recv());
            }
        } catch (EOFError e) {
            System.out.println("EOF");
        }
        try {
            recvEnd.send("back");
        } catch (IllegalStateException e) {
            System.out.println("the receiving end cannot send: " + e.getMessage());
        }
        p.join();
    }
}
