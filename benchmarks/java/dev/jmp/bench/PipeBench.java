package dev.jmp.bench;

import dev.jmp.Connection;
import dev.jmp.Pipe;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pipe and Connection between two processes, mp_bench.py's pipe rows: a round trip of
 * send('hello')/recv() and of sendBytes(64 B)/recvBytes() against an echoing partner,
 * and one-way streams of 64 KiB and 1 MiB messages (64 MiB per invocation, the reader
 * acknowledges each), duplex and simplex, received with recvBytes (a new array per
 * message) or, in stream1MiBInto, with recvBytesInto into one reused buffer. Throughput rows report time per message; the
 * report turns it into GB/s.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PipeBench {

    @State(Scope.Benchmark)
    public static class Echo {
        @Param({"same", "split"})
        public String placement;
        Pipe bytesPipe;
        Pipe objectPipe;
        Partner bytesPartner;
        Partner objectPartner;
        final byte[] msg = new byte[Workloads.RTT_BYTES];

        @Setup(Level.Trial)
        public void start() {
            bytesPipe = Pipe.open();
            Connection b = bytesPipe.conn2();
            bytesPartner = Partner.start(placement, PipeLoops.echoBytes(b));
            b.close();
            objectPipe = Pipe.open();
            Connection o = objectPipe.conn2();
            objectPartner = Partner.start(placement, PipeLoops.echoObjects(o));
            o.close();
        }

        @TearDown(Level.Trial)
        public void stop() {
            bytesPipe.close();
            objectPipe.close();
            bytesPartner.close();
            objectPartner.close();
        }
    }

    @Benchmark
    public Object helloRtt(Echo e) {
        Connection c = e.objectPipe.conn1();
        c.send(Workloads.RTT_OBJECT);
        return c.recv();
    }

    @Benchmark
    public byte[] bytesRtt(Echo e) {
        Connection c = e.bytesPipe.conn1();
        c.sendBytes(e.msg);
        return c.recvBytes();
    }

    /** A one-way stream: this JVM writes, the partner reads and acknowledges each batch. */
    @State(Scope.Benchmark)
    public static class Stream {
        @Param({"same", "split"})
        public String placement;
        Pipe data;
        Pipe ack;
        Partner partner;
        byte[] msg;
        int perBatch;

        void start(boolean duplex, int size) {
            start(duplex, size, false);
        }

        /** {@code into}: the partner receives into one reused buffer (recvBytesInto) instead of recvBytes. */
        void start(boolean duplex, int size, boolean into) {
            msg = new byte[size];
            perBatch = Workloads.STREAM_BYTES / size;
            data = Pipe.open(duplex);
            ack = Pipe.open(false);
            // duplex: conn1 writes, conn2 reads; simplex: conn1 reads, conn2 writes.
            Connection reader = duplex ? data.conn2() : data.conn1();
            Connection acker = ack.conn2();
            partner = Partner.start(placement, into ? PipeLoops.sinkInto(reader, acker, perBatch, size)
                    : PipeLoops.sink(reader, acker, perBatch));
            reader.close();
            acker.close();
        }

        Connection writer() {
            return data.conn1().writable() ? data.conn1() : data.conn2();
        }

        @TearDown(Level.Trial)
        public void stop() {
            data.close();
            ack.close();
            partner.close();
        }
    }

    public static class Duplex64KiB extends Stream {
        @Setup(Level.Trial)
        public void start() {
            start(true, Workloads.STREAM_SMALL_MESSAGE);
        }
    }

    public static class Duplex1MiB extends Stream {
        @Setup(Level.Trial)
        public void start() {
            start(true, Workloads.STREAM_LARGE_MESSAGE);
        }
    }

    public static class Duplex1MiBInto extends Stream {
        @Setup(Level.Trial)
        public void start() {
            start(true, Workloads.STREAM_LARGE_MESSAGE, true);
        }
    }

    public static class Simplex1MiB extends Stream {
        @Setup(Level.Trial)
        public void start() {
            start(false, Workloads.STREAM_LARGE_MESSAGE);
        }
    }

    private static byte[] stream(Stream s) {
        Connection w = s.writer();
        for (int i = 0; i < s.perBatch; i++) {
            w.sendBytes(s.msg);
        }
        return s.ack.conn1().recvBytes();
    }

    @Benchmark
    @OperationsPerInvocation(Workloads.STREAM_BYTES / Workloads.STREAM_SMALL_MESSAGE)
    public byte[] stream64KiB(Duplex64KiB s) {
        return stream(s);
    }

    @Benchmark
    @OperationsPerInvocation(Workloads.STREAM_BYTES / Workloads.STREAM_LARGE_MESSAGE)
    public byte[] stream1MiB(Duplex1MiB s) {
        return stream(s);
    }

    @Benchmark
    @OperationsPerInvocation(Workloads.STREAM_BYTES / Workloads.STREAM_LARGE_MESSAGE)
    public byte[] stream1MiBInto(Duplex1MiBInto s) {
        return stream(s);
    }

    @Benchmark
    @OperationsPerInvocation(Workloads.STREAM_BYTES / Workloads.STREAM_LARGE_MESSAGE)
    public byte[] simplexStream1MiB(Simplex1MiB s) {
        return stream(s);
    }
}
