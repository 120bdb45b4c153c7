package dev.jmp.bench;

/**
 * The workloads every side measures, in one place for the Java side. The same numbers
 * are in native/bench_*.c and benchmarks/python/mp_bench.py: change them together, or
 * the table compares different things.
 *
 * <p>C and Python time batches of a fixed size; a JMH benchmark of a single operation
 * (one round trip, one acquire+release) lets JMH choose how many to run per iteration,
 * which measures the same per-operation cost. A benchmark whose batch ends with an
 * acknowledgement from the partner (streams, queue throughput) must do the same batch
 * per invocation and declare it with {@code @OperationsPerInvocation}.
 */
public final class Workloads {
    private Workloads() {
    }

    /** Round-trip payload of the byte rows (C: 64-byte messages; Python: send_bytes of 64 B). */
    public static final int RTT_BYTES = 64;
    /** The object of the object round-trip row, as CPython's send('hello'). */
    public static final String RTT_OBJECT = "hello";
    /** Bytes streamed per sample (in 64 KiB or 1 MiB messages), acknowledged by the reader. */
    public static final int STREAM_BYTES = 64 * 1024 * 1024;
    public static final int STREAM_SMALL_MESSAGE = 64 * 1024;
    public static final int STREAM_LARGE_MESSAGE = 1024 * 1024;
    /** Queue items (small Integers) per sample, acknowledged by the consumer. */
    public static final int QUEUE_BATCH = 10_000;
    public static final int PRODUCERS = 4;
    public static final int CONSUMERS = 4;
    /** Increments each of the 2 processes does per sample, under the Value's lock. */
    public static final int INCREMENTS_PER_PROCESS = 20_000;
    /** Big-item rows: items of 1 MiB, this many per sample (a Queue's byte[], a Pool map's double[]). */
    public static final int BIG_ITEM_BYTES = 1024 * 1024;
    public static final int BIG_ITEMS = 64;
    /** Items of the Pool map row, mapped through an identity function. */
    public static final int POOL_MAP_ITEMS = 100_000;
}
