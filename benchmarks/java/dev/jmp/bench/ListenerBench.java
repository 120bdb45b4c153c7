package dev.jmp.bench;

import dev.jmp.Client;
import dev.jmp.Connection;
import dev.jmp.Listener;
import dev.jmp.Pipe;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Listener and Client between two processes, mp_bench.py's listener rows: a 64-byte
 * round trip on an accepted, authenticated Connection (AF_UNIX and TCP loopback), and
 * Client.connect + authentication + one 64-byte round trip + close against a Listener
 * that the partner serves.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ListenerBench {
    static final byte[] AUTHKEY = "bench".getBytes(StandardCharsets.US_ASCII);

    /** An accepted Connection whose Client, in the partner, echoes. */
    @State(Scope.Benchmark)
    public abstract static class Accepted {
        @Param({"same", "split"})
        public String placement;
        Listener listener;
        Connection conn;
        Partner partner;
        final byte[] msg = new byte[Workloads.RTT_BYTES];

        void start(Listener l) {
            listener = l;
            partner = Partner.start(placement, ListenerLoops.clientEcho(l.address(), AUTHKEY));
            conn = l.accept(Duration.ofSeconds(60));
        }

        @TearDown(Level.Trial)
        public void stop() {
            conn.close();
            listener.close();
            partner.close();
        }
    }

    public static class Unix extends Accepted {
        @Setup(Level.Trial)
        public void start() {
            start(new Listener((String) null, AUTHKEY));
        }
    }

    public static class Tcp extends Accepted {
        @Setup(Level.Trial)
        public void start() {
            start(new Listener(new InetSocketAddress("127.0.0.1", 0), AUTHKEY));
        }
    }

    @Benchmark
    public byte[] unixRtt(Unix s) {
        s.conn.sendBytes(s.msg);
        return s.conn.recvBytes();
    }

    @Benchmark
    public byte[] tcpRtt(Tcp s) {
        s.conn.sendBytes(s.msg);
        return s.conn.recvBytes();
    }

    /** A Listener served by the partner: each operation is a whole client. */
    @State(Scope.Benchmark)
    public static class Served {
        @Param({"same", "split"})
        public String placement;
        Listener listener;
        Pipe stop;
        Partner partner;
        final byte[] msg = new byte[Workloads.RTT_BYTES];

        @Setup(Level.Trial)
        public void start() {
            listener = new Listener((String) null, AUTHKEY);
            stop = Pipe.open(false);
            partner = Partner.start(placement, ListenerLoops.acceptEcho(listener, stop.conn1()));
        }

        @TearDown(Level.Trial)
        public void stop() {
            stop.conn2().sendBytes(new byte[0]);
            partner.close();
            stop.close();
            listener.close();
        }
    }

    @Benchmark
    public byte[] connectRtt(Served s) {
        try (Connection c = Client.connect((String) s.listener.address(), AUTHKEY)) {
            c.sendBytes(s.msg);
            return c.recvBytes();
        }
    }
}
