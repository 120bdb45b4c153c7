package dev.jmp.examples;

import dev.jmp.Connection;
import dev.jmp.Pipe;
import dev.jmp.Process;

/**
 * Chapter 3, exercise: two processes bounce a number over the two ends of a duplex
 * pipe, each adding one, until it reaches 6. Each prints what it got.
 */
public final class PingPong {
    private PingPong() {
    }

    static final int LAST = 6;

    static void player(String name, Connection end, boolean serve) {
        if (serve) {
            end.send(0);
        }
        while (true) {
            int n = end.recv();
            System.out.println(name + " " + ProcessHandle.current().pid() + " got " + n);
            if (n == LAST) {
                return;
            }
            end.send(n + 1);
            if (n + 1 == LAST) {
                return;
            }
        }
    }

    public static void main(String[] args) {
        Pipe pipe = Pipe.open();
        Connection a = pipe.conn1();
        Connection b = pipe.conn2();
        Process ping = new Process(() -> player("ping", a, true));
        Process pong = new Process(() -> player("pong", b, false));
        ping.start();
        pong.start();
        ping.join();
        pong.join();
    }
}
