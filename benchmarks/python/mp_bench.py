"""CPython's multiprocessing, measured the way native/bench_*.c and the JMH benchmarks
measure jmp: the peer column of `make bench`.

Prints one JSON line per operation on stdout (the same format as the C programs):
  {"side":"py","id":"pipe.rtt.hello/same","per_op":1,"batch":5000,"ns_per_op":[...]}
A sample is one timed batch of `batch` operations, its value the batch's time divided
by `batch`; the report takes medians and spread from these raw samples.

Workloads (payloads, batch sizes) match native/bench.h's programs and
benchmarks/java/dev/jmp/bench/Workloads.java: change them together.

Placement: for two-process rows this process pins itself to CPU 0 and the partner
pins itself to CPU 0 ("same") or CPU 1 ("split") before saying it is ready, as the C
and Java sides do (FACTS.md: a cross-CPU wake-up costs ~4-5 us each way).

Run it with the real interpreter (not a pyenv shim, which adds ~100 ms per launch):
benchmarks/run.sh makes a clean venv of `sys.executable` and runs this file with it.
Only this module's top level is re-imported by every spawned child, so it imports
nothing heavy at the top.
"""
import multiprocessing as mp
import os
import sys
import time

RTT_BATCH = 5000
STREAM_BYTES = 64 * 1024 * 1024      # per sample, in messages of 64 KiB or 1 MiB
TP_BATCH = 10000                     # queue items per sample
UNCONTENDED_BATCH = 1_000_000
PINGPONG_BATCH = 5000
INCR_PER_PROC = 20000
READ_BATCH = 1_000_000
POOL_MAP_ITEMS = 100_000
BIG_ITEM_BYTES = 1 << 20             # the big-item rows: 64 items of 1 MiB per sample
BIG_ITEMS = 64
APPLY_BATCH = 200
MANAGER_BATCH = 500
NPROD = NCONS = 4

WARMUP, SAMPLES = 3, 15
PLACEMENTS = ("same", "split")
STOP, SENTINEL = -2, -1


# ---- helpers -----------------------------------------------------------------------

def pin(cpu):
    os.sched_setaffinity(0, {cpu})


def partner_cpu(placement):
    return 1 if placement == "split" else 0


def emit(id_, per_op, batch, ns, note=""):
    import json
    print(json.dumps({"side": "py", "id": id_, "per_op": per_op, "batch": batch,
                      "ns_per_op": ns, "note": note}), flush=True)


def skip(id_, why):
    import json
    print(json.dumps({"side": "py", "id": id_, "skipped": why}), flush=True)


def run_samples(op, batch):
    """op(batch) runs one batch; returns the measured samples in ns per operation."""
    out = []
    for i in range(WARMUP + SAMPLES):
        t0 = time.perf_counter_ns()
        op(batch)
        t1 = time.perf_counter_ns()
        if i >= WARMUP:
            out.append((t1 - t0) / batch)
    return out


def total_batches():
    return WARMUP + SAMPLES


class Pinned:
    """This process on CPU 0 for the duration of a two-process row."""

    def __enter__(self):
        self.saved = os.sched_getaffinity(0)
        pin(0)
        return self

    def __exit__(self, *exc):
        os.sched_setaffinity(0, self.saved)


# ---- partner targets (module level: a spawned child finds them by name) -------------

def noop():
    pass


def first_line(w):
    w.send_bytes(b"x")


def identity(x):
    return x


def echo_obj(conn, cpu, count):
    pin(cpu)
    conn.send("ready")
    for _ in range(count):
        conn.send(conn.recv())


def echo_bytes(conn, cpu, count):
    pin(cpu)
    conn.send_bytes(b"r")
    for _ in range(count):
        conn.send_bytes(conn.recv_bytes())


def client_echo(address, authkey, cpu, count):
    from multiprocessing.connection import Client
    pin(cpu)
    conn = Client(address, authkey=authkey)
    conn.send_bytes(b"r")
    for _ in range(count):
        conn.send_bytes(conn.recv_bytes())
    conn.close()


def accept_echo(address, authkey, ready, cpu, count):
    from multiprocessing.connection import Listener
    pin(cpu)
    with Listener(address, authkey=authkey) as listener:
        ready.send_bytes(b"r")
        for _ in range(count):
            with listener.accept() as conn:
                conn.send_bytes(conn.recv_bytes())


def sink(conn, ack, cpu, batches, per_batch, into_size=0):
    pin(cpu)
    ack.send_bytes(b"r")
    buf = bytearray(into_size) if into_size else None
    for _ in range(batches):
        for _ in range(per_batch):
            if buf is None:
                conn.recv_bytes()
            else:
                conn.recv_bytes_into(buf)
        ack.send_bytes(b"k")


def queue_consumer(q, ack, cpu, batches, per_batch, joinable):
    pin(cpu)
    ack.send_bytes(b"r")
    for _ in range(batches):
        for _ in range(per_batch):
            q.get()
            if joinable:
                q.task_done()
        if not joinable:
            ack.send_bytes(b"k")


def queue_echo(down, up, cpu, count):
    pin(cpu)
    up.put("ready")
    for _ in range(count):
        up.put(down.get())


def producer(q, go, batches, n):
    for _ in range(batches):
        go.recv_bytes()
        for i in range(n):
            q.put(i)
        q.put(SENTINEL)


def consumer(q, acks):
    while True:
        item = q.get()
        if item == STOP:
            return
        if item == SENTINEL:
            acks.put(1)


def sem_partner(ping, pong, cpu, count):
    pin(cpu)
    pong.release()
    for _ in range(count):
        ping.acquire()
        pong.release()


def incr_partner(v, go, done, cpu, batches, n):
    pin(cpu)
    done.release()
    for _ in range(batches):
        go.acquire()
        increments(v, n)
        done.release()


def increments(v, n):
    lock = v.get_lock()
    for _ in range(n):
        with lock:
            v.value += 1


# ---- process start ------------------------------------------------------------------

def process_start_join(method):
    id_ = f"proc.start_join.{method}/any"
    ctx = mp.get_context(method)

    def op(batch):
        for _ in range(batch):
            p = ctx.Process(target=noop)
            p.start()
            p.join()
    emit(id_, 1, 1, run_samples(op, 1), f"{method}: Process(target=noop).start(); join()")


def process_first_line(method):
    id_ = f"proc.first_line.{method}/any"
    ctx = mp.get_context(method)
    samples = []
    for i in range(WARMUP + SAMPLES):
        r, w = ctx.Pipe(duplex=False)
        t0 = time.perf_counter_ns()
        p = ctx.Process(target=first_line, args=(w,))
        p.start()
        r.recv_bytes()
        t1 = time.perf_counter_ns()
        p.join()            # not timed
        r.close()
        w.close()
        if i >= WARMUP:
            samples.append(t1 - t0)
    emit(id_, 1, 1, samples, f"{method}: Process() to the target's first line, which sends a byte on a Pipe")


def interpreter_start():
    id_ = "python.bare_start/any"

    def op(batch):
        for _ in range(batch):
            pid = os.posix_spawn(sys.executable, [sys.executable, "-c", "pass"], os.environ)
            os.waitpid(pid, 0)
    emit(id_, 1, 1, run_samples(op, 1), "posix_spawn(python -c pass) + waitpid: the interpreter's own start")


# ---- pipes ----------------------------------------------------------------------------

def two_process(id_, placement):
    """None if the placement cannot run here (a skip line is printed)."""
    if partner_cpu(placement) >= len(os.sched_getaffinity(0)):
        skip(id_, "needs 2 CPUs")
        return False
    return True


def pipe_rtt(kind, placement):
    id_ = f"pipe.rtt.{kind}/{placement}"
    if not two_process(id_, placement):
        return
    ctx = mp.get_context("spawn")
    with Pinned():
        a, b = ctx.Pipe()
        if kind == "hello":
            p = ctx.Process(target=echo_obj, args=(b, partner_cpu(placement), total_batches() * RTT_BATCH))
        else:
            p = ctx.Process(target=echo_bytes, args=(b, partner_cpu(placement), total_batches() * RTT_BATCH))
        p.start()
        b.close()
        if kind == "hello":
            a.recv()

            def op(batch):
                for _ in range(batch):
                    a.send("hello")
                    a.recv()
        else:
            a.recv_bytes()
            msg = b"x" * 64

            def op(batch):
                for _ in range(batch):
                    a.send_bytes(msg)
                    a.recv_bytes()
        ns = run_samples(op, RTT_BATCH)
        p.join()
        a.close()
    note = "Pipe(): send('hello') then recv()" if kind == "hello" else "Pipe(): send_bytes(64 B) then recv_bytes()"
    emit(id_, 1, RTT_BATCH, ns, note)


def pipe_stream(duplex, size, placement, into=False):
    label = "64KiB" if size == 65536 else "1MiB"
    id_ = f"pipe.{'duplex' if duplex else 'simplex'}.stream.{label}{'.into' if into else ''}/{placement}"
    if not two_process(id_, placement):
        return
    ctx = mp.get_context("spawn")
    per_batch = STREAM_BYTES // size
    with Pinned():
        if duplex:
            a, b = ctx.Pipe()
            ack_r, ack_w = a, b
        else:
            b, a = ctx.Pipe(duplex=False)        # a sends, b receives
            ack_r, ack_w = ctx.Pipe(duplex=False)
        p = ctx.Process(target=sink, args=(b, ack_w, partner_cpu(placement), total_batches(), per_batch,
                                           size if into else 0))
        p.start()
        ack_r.recv_bytes()
        msg = b"x" * size

        def op(batch):
            for _ in range(batch):
                a.send_bytes(msg)
            ack_r.recv_bytes()
        ns = run_samples(op, per_batch)
        p.join()
    kind = "Pipe()" if duplex else "Pipe(duplex=False)"
    how = ", reader recv_bytes_into one bytearray" if into else ""
    emit(id_, size, per_batch, ns,
         f"{kind}: send_bytes of {label} messages{how}, 64 MiB per sample, reader acks each sample")


# ---- queues ---------------------------------------------------------------------------

def queue_1p1c(kind, placement):
    id_ = f"queue.{kind.lower()}.1p1c/{placement}"
    if not two_process(id_, placement):
        return
    ctx = mp.get_context("spawn")
    with Pinned():
        q = getattr(ctx, kind)()
        joinable = kind == "JoinableQueue"
        ack_r, ack_w = ctx.Pipe(duplex=False)
        p = ctx.Process(target=queue_consumer,
                        args=(q, ack_w, partner_cpu(placement), total_batches(), TP_BATCH, joinable))
        p.start()
        ack_r.recv_bytes()

        def op(batch):
            for i in range(batch):
                q.put(i)
            if joinable:
                q.join()
            else:
                ack_r.recv_bytes()
        ns = run_samples(op, TP_BATCH)
        p.join()
    how = "task_done() per item, producer join()s each batch" if joinable else "consumer acks each batch on a Pipe"
    emit(id_, 1, TP_BATCH, ns, f"{kind}: put(int) -> get(), {how}")


def queue_1p1c_1mib(placement):
    id_ = f"queue.queue.1p1c.1MiB/{placement}"
    if not two_process(id_, placement):
        return
    ctx = mp.get_context("spawn")
    with Pinned():
        q = ctx.Queue()
        ack_r, ack_w = ctx.Pipe(duplex=False)
        p = ctx.Process(target=queue_consumer,
                        args=(q, ack_w, partner_cpu(placement), total_batches(), BIG_ITEMS, False))
        p.start()
        ack_r.recv_bytes()
        item = b"x" * BIG_ITEM_BYTES

        def op(batch):
            for _ in range(batch):
                q.put(item)
            ack_r.recv_bytes()
        ns = run_samples(op, BIG_ITEMS)
        p.join()
    emit(id_, BIG_ITEM_BYTES, BIG_ITEMS, ns, "Queue: put(bytes of 1 MiB) -> get(), 64 per sample, consumer acks each sample")


def queue_rtt(placement):
    id_ = f"queue.rtt/{placement}"
    if not two_process(id_, placement):
        return
    ctx = mp.get_context("spawn")
    with Pinned():
        down, up = ctx.Queue(), ctx.Queue()
        p = ctx.Process(target=queue_echo, args=(down, up, partner_cpu(placement), total_batches() * RTT_BATCH))
        p.start()
        up.get()

        def op(batch):
            for i in range(batch):
                down.put(i)
                up.get()
        ns = run_samples(op, RTT_BATCH)
        p.join()
    emit(id_, 1, RTT_BATCH, ns, "two Queues: put(int), the partner get()s and put()s it back")


def queue_4p4c():
    id_ = "queue.queue.4p4c/any"
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    acks = ctx.SimpleQueue()
    gos = []
    procs = []
    for _ in range(NPROD):
        r, w = ctx.Pipe(duplex=False)
        procs.append(ctx.Process(target=producer, args=(q, r, total_batches(), TP_BATCH // NPROD)))
        gos.append(w)
    for _ in range(NCONS):
        procs.append(ctx.Process(target=consumer, args=(q, acks)))
    for p in procs:
        p.start()

    def op(batch):
        for w in gos:
            w.send_bytes(b"g")
        for _ in range(NPROD):
            acks.get()
    ns = run_samples(op, TP_BATCH)
    for _ in range(NCONS):
        q.put(STOP)
    for p in procs:
        p.join()
    emit(id_, 1, TP_BATCH, ns, "Queue: 4 producers x 2500 ints -> 4 consumers, unpinned; a batch ends when every producer's end marker is taken")


# ---- synchronization and shared memory ------------------------------------------------

def lock_uncontended():
    id_ = "lock.acquire_release/any"
    lock = mp.Lock()

    def op(batch):
        acquire, release = lock.acquire, lock.release
        for _ in range(batch):
            acquire()
            release()
    emit(id_, 1, UNCONTENDED_BATCH, run_samples(op, UNCONTENDED_BATCH), "Lock: acquire() then release(), loop included")


def creation(id_, make, batch, note):
    """A row of the time to make (and drop at once) one object."""
    def op(batch):
        for _ in range(batch):
            make()
    emit(id_, 1, batch, run_samples(op, batch), note)


def lock_create():
    creation("lock.create/any", mp.get_context("spawn").Lock, 2000,
             "Lock(): spawn context (a named semaphore, registered with the resource tracker), dropped at once")


def queue_create():
    ctx = mp.get_context("spawn")
    creation("queue.create/any", lambda: ctx.Queue().close(), 200, "Queue(): spawn context, closed and dropped at once")


def sem_pingpong(placement):
    id_ = f"sem.pingpong/{placement}"
    if not two_process(id_, placement):
        return
    ctx = mp.get_context("spawn")
    with Pinned():
        ping, pong = ctx.Semaphore(0), ctx.Semaphore(0)
        p = ctx.Process(target=sem_partner, args=(ping, pong, partner_cpu(placement), total_batches() * PINGPONG_BATCH))
        p.start()
        pong.acquire()

        def op(batch):
            for _ in range(batch):
                ping.release()
                pong.acquire()
        ns = run_samples(op, PINGPONG_BATCH)
        p.join()
    emit(id_, 1, PINGPONG_BATCH, ns, "release one Semaphore, acquire the other")


def value_locked_incr(placement):
    id_ = f"value.locked_incr/{placement}"
    if not two_process(id_, placement):
        return
    ctx = mp.get_context("spawn")
    with Pinned():
        v = ctx.Value("i", 0)
        go, done = ctx.Semaphore(0), ctx.Semaphore(0)
        p = ctx.Process(target=incr_partner, args=(v, go, done, partner_cpu(placement), total_batches(), INCR_PER_PROC))
        p.start()
        done.acquire()

        def op(batch):
            go.release()
            increments(v, INCR_PER_PROC)
            done.acquire()
        ns = run_samples(op, 2 * INCR_PER_PROC)
        p.join()
        if v.value != 2 * INCR_PER_PROC * total_batches():
            raise AssertionError(f"{id_}: counter {v.value} is wrong")
    emit(id_, 1, 2 * INCR_PER_PROC, ns, "Value('i'): 2 processes x 20000 'with get_lock(): value += 1'")


def value_read():
    id_ = "value.read/any"
    v = mp.Value("i", 1, lock=False)

    def op(batch):
        for _ in range(batch):
            v.value
    emit(id_, 1, READ_BATCH, run_samples(op, READ_BATCH), "Value('i', lock=False).value, loop included")


# ---- pool -----------------------------------------------------------------------------

def pool_map():
    id_ = "pool.map.100k/any"
    items = list(range(POOL_MAP_ITEMS))
    with mp.get_context("fork").Pool(2) as pool:
        ns = run_samples(lambda batch: pool.map(identity, items), 1)
    emit(id_, POOL_MAP_ITEMS, 1, ns, "fork Pool(2).map(identity, 100k ints), default chunksize")


def pool_map_big():
    id_ = "pool.map.64x1MiB/any"
    from array import array
    items = [array("d", [float(i)]) * (BIG_ITEM_BYTES // 8) for i in range(BIG_ITEMS)]
    with mp.get_context("fork").Pool(2) as pool:
        ns = run_samples(lambda batch: pool.map(identity, items), 1)
    emit(id_, 1, 1, ns, "fork Pool(2).map(identity, 64 array('d') of 1 MiB), default chunksize")


def pool_apply_async():
    id_ = "pool.apply_async/any"
    with mp.get_context("fork").Pool(2) as pool:
        def op(batch):
            for _ in range(batch):
                pool.apply_async(identity, (1,)).get()
        ns = run_samples(op, APPLY_BATCH)
    emit(id_, 1, APPLY_BATCH, ns, "fork Pool(2): apply_async(identity, (1,)).get()")


def pool_first_result(method):
    id_ = f"pool.first_result.{method}/any"
    ctx = mp.get_context(method)
    samples = []
    for i in range(WARMUP + SAMPLES):
        t0 = time.perf_counter_ns()
        pool = ctx.Pool(2)
        pool.apply(identity, (1,))
        t1 = time.perf_counter_ns()
        pool.terminate()    # not timed
        pool.join()
        if i >= WARMUP:
            samples.append(t1 - t0)
    emit(id_, 1, 1, samples, f"{method}: Pool(2) then apply(identity, (1,))")


# ---- Listener and Client --------------------------------------------------------------

CONNECT_BATCH = 500
AUTHKEY = b"bench"


def listener_rtt(family, placement):
    """A Client in the partner (authenticated), a 64-byte round trip on the accepted Connection."""
    from multiprocessing.connection import Listener
    id_ = f"listener.rtt.64B.{family}/{placement}"
    if not two_process(id_, placement):
        return
    ctx = mp.get_context("spawn")
    with Pinned():
        address = ("127.0.0.1", 0) if family == "tcp" else None
        with Listener(address, family="AF_INET" if family == "tcp" else "AF_UNIX", authkey=AUTHKEY) as listener:
            p = ctx.Process(target=client_echo,
                            args=(listener.address, AUTHKEY, partner_cpu(placement), total_batches() * RTT_BATCH))
            p.start()
            conn = listener.accept()
        conn.recv_bytes()
        msg = b"x" * 64

        def op(batch):
            for _ in range(batch):
                conn.send_bytes(msg)
                conn.recv_bytes()
        ns = run_samples(op, RTT_BATCH)
        p.join()
        conn.close()
    emit(id_, 1, RTT_BATCH, ns, f"Listener/Client ({family}, authkey): send_bytes(64 B) then recv_bytes()")


def client_connect_rtt(placement):
    """Client(address, authkey) + one 64-byte round trip + close, against a Listener in the partner."""
    import tempfile
    from multiprocessing.connection import Client
    id_ = f"listener.connect_rtt.64B/{placement}"
    if not two_process(id_, placement):
        return
    ctx = mp.get_context("spawn")
    address = os.path.join(tempfile.mkdtemp(prefix="mp-bench-"), "listener")
    with Pinned():
        ready_r, ready_w = ctx.Pipe(duplex=False)
        p = ctx.Process(target=accept_echo,
                        args=(address, AUTHKEY, ready_w, partner_cpu(placement), total_batches() * CONNECT_BATCH))
        p.start()
        ready_r.recv_bytes()
        msg = b"x" * 64

        def op(batch):
            for _ in range(batch):
                conn = Client(address, authkey=AUTHKEY)
                conn.send_bytes(msg)
                conn.recv_bytes()
                conn.close()
        ns = run_samples(op, CONNECT_BATCH)
        p.join()
    os.rmdir(os.path.dirname(address))
    emit(id_, 1, CONNECT_BATCH, ns, "Client(AF_UNIX path, authkey) + send_bytes(64 B) + recv_bytes() + close()")


# ---- managers (issue 17) ---------------------------------------------------------------

def pin_all_threads(pid, cpu):
    """Every thread of another process (taskset -a), as the Java side pins a manager."""
    import subprocess
    subprocess.run(["taskset", "-a", "-p", "-c", str(cpu), str(pid)], check=True, stdout=subprocess.DEVNULL)


def manager_rtt(kind, placement):
    id_ = f"manager.{kind}/{placement}"
    if not two_process(id_, placement):
        return
    with Pinned():
        with mp.get_context("spawn").Manager() as m:
            pin_all_threads(m._process.pid, partner_cpu(placement))
            if kind == "dict.put_get":
                d = m.dict()

                def op(batch):
                    for i in range(batch):
                        d["k"] = i
                        d["k"]
                note = "spawn Manager().dict(): d['k'] = i, then d['k'] (two round trips)"
            else:
                lst = m.list()

                def op(batch):
                    for i in range(batch):
                        lst.append(i)
                note = "spawn Manager().list(): append(i)"
            ns = run_samples(op, MANAGER_BATCH)
    emit(id_, 1, MANAGER_BATCH, ns, note)


def manager_first_call():
    id_ = "manager.first_call.spawn/any"
    ctx = mp.get_context("spawn")
    samples = []
    for i in range(WARMUP + SAMPLES):
        t0 = time.perf_counter_ns()
        m = ctx.Manager()
        m.dict()["k"] = 1
        t1 = time.perf_counter_ns()
        m.shutdown()    # not timed
        if i >= WARMUP:
            samples.append(t1 - t0)
    emit(id_, 1, 1, samples, "spawn Manager() then dict()['k'] = 1")


# ---- main -----------------------------------------------------------------------------

def main():
    global WARMUP, SAMPLES
    import json
    args = sys.argv[1:]
    only = None
    if "--quick" in args:
        WARMUP, SAMPLES = 2, 7
    if "--only" in args:
        only = args[args.index("--only") + 1]
    print(json.dumps({"side": "py", "meta": {
        "executable": sys.executable, "base": getattr(sys, "_base_executable", sys.executable),
        "version": sys.version.split()[0], "implementation": sys.implementation.name}}), flush=True)

    jobs = [
        ("proc.start_join.spawn", lambda: process_start_join("spawn")),
        ("proc.start_join.forkserver", lambda: process_start_join("forkserver")),
        ("proc.start_join.fork", lambda: process_start_join("fork")),
        ("proc.first_line.spawn", lambda: process_first_line("spawn")),
        ("proc.first_line.forkserver", lambda: process_first_line("forkserver")),
        ("proc.first_line.fork", lambda: process_first_line("fork")),
        ("python.bare_start", interpreter_start),
        ("lock.acquire_release", lock_uncontended),
        ("lock.create", lock_create),
        ("queue.create", queue_create),
        ("value.read", value_read),
    ]
    for pl in PLACEMENTS:
        jobs += [
            (f"pipe.rtt.hello/{pl}", lambda pl=pl: pipe_rtt("hello", pl)),
            (f"pipe.rtt.64B/{pl}", lambda pl=pl: pipe_rtt("64B", pl)),
            (f"pipe.duplex.stream.64KiB/{pl}", lambda pl=pl: pipe_stream(True, 65536, pl)),
            (f"pipe.duplex.stream.1MiB/{pl}", lambda pl=pl: pipe_stream(True, 1 << 20, pl)),
            (f"pipe.duplex.stream.1MiB.into/{pl}", lambda pl=pl: pipe_stream(True, 1 << 20, pl, into=True)),
            (f"pipe.simplex.stream.1MiB/{pl}", lambda pl=pl: pipe_stream(False, 1 << 20, pl)),
            (f"queue.queue.1p1c/{pl}", lambda pl=pl: queue_1p1c("Queue", pl)),
            (f"queue.simplequeue.1p1c/{pl}", lambda pl=pl: queue_1p1c("SimpleQueue", pl)),
            (f"queue.joinablequeue.1p1c/{pl}", lambda pl=pl: queue_1p1c("JoinableQueue", pl)),
            (f"queue.rtt/{pl}", lambda pl=pl: queue_rtt(pl)),
            (f"queue.queue.1p1c.1MiB/{pl}", lambda pl=pl: queue_1p1c_1mib(pl)),
            (f"sem.pingpong/{pl}", lambda pl=pl: sem_pingpong(pl)),
            (f"value.locked_incr/{pl}", lambda pl=pl: value_locked_incr(pl)),
            (f"listener.rtt.64B.unix/{pl}", lambda pl=pl: listener_rtt("unix", pl)),
            (f"listener.rtt.64B.tcp/{pl}", lambda pl=pl: listener_rtt("tcp", pl)),
            (f"listener.connect_rtt.64B/{pl}", lambda pl=pl: client_connect_rtt(pl)),
        ]
    jobs += [
        ("queue.queue.4p4c", queue_4p4c),
        ("pool.map.100k", pool_map),
        ("pool.map.64x1MiB", pool_map_big),
        ("pool.apply_async", pool_apply_async),
        ("pool.first_result.spawn", lambda: pool_first_result("spawn")),
        ("pool.first_result.fork", lambda: pool_first_result("fork")),
        ("manager.first_call.spawn", manager_first_call),
    ]
    for pl in PLACEMENTS:
        jobs += [
            (f"manager.dict.put_get/{pl}", lambda pl=pl: manager_rtt("dict.put_get", pl)),
            (f"manager.list.append/{pl}", lambda pl=pl: manager_rtt("list.append", pl)),
        ]
    for name, job in jobs:
        if only is None or only in name:
            job()


if __name__ == "__main__":
    main()
