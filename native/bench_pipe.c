/*
 * Raw cost of the channels under jmp's Pipe/Connection: pipe(2) and an AF_UNIX
 * SOCK_STREAM socketpair(2) (what CPython's duplex Pipe() uses).
 *   <kind>.rtt.64B/<placement>     ping-pong of 64-byte messages, ns per round trip
 *   <kind>.stream.64KiB/<placement> one-way stream of 64 KiB writes, ns per write
 *                                   (the report turns it into GB/s); each batch ends
 *                                   when the reader has read every byte and said so.
 */
#include "bench.h"

#include <sys/socket.h>

#define RTT_BATCH 5000L
#define RTT_SIZE 64
#define STREAM_CHUNK 65536
#define STREAM_BATCH 1024L   /* 64 MiB per sample */

/* A duplex channel: the parent writes on p_w and reads on p_r; the child the other way. */
struct chan {
    int p_r, p_w, c_r, c_w;
};

static void open_chan(struct chan *ch, int socket) {
    if (socket) {
        int sv[2];
        CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
        ch->p_r = ch->p_w = sv[0];
        ch->c_r = ch->c_w = sv[1];
    } else {
        int down[2], up[2];
        CHECK(pipe2(down, O_CLOEXEC));
        CHECK(pipe2(up, O_CLOEXEC));
        ch->p_w = down[1];
        ch->c_r = down[0];
        ch->c_w = up[1];
        ch->p_r = up[0];
    }
}

static void close_side(int a, int b) {
    close(a);
    if (b != a) {
        close(b);
    }
}

/* ---- round trip ---- */

static void rtt_batch(void *ctx, long batch) {
    struct chan *ch = ctx;
    char buf[RTT_SIZE];
    memset(buf, 'x', sizeof buf);
    for (long i = 0; i < batch; i++) {
        write_full(ch->p_w, buf, RTT_SIZE);
        read_full(ch->p_r, buf, RTT_SIZE);
    }
}

static void rtt(const char *kind, int socket, const char *placement) {
    char id[128];
    snprintf(id, sizeof id, "%s.rtt.64B/%s", kind, placement);
    if (!bench_wanted(id)) {
        return;
    }
    if (!placement_possible(placement)) {
        emit_skip(id, "needs 2 CPUs");
        return;
    }
    struct chan ch;
    open_chan(&ch, socket);
    pin_cpu(0);
    pid_t pid = fork();
    CHECK(pid);
    if (pid == 0) {
        pin_cpu(partner_cpu(placement));
        close_side(ch.p_r, ch.p_w);
        char buf[RTT_SIZE];
        write_full(ch.c_w, "r", 1);
        for (long i = 0; i < total_batches() * RTT_BATCH; i++) {
            read_full(ch.c_r, buf, RTT_SIZE);
            write_full(ch.c_w, buf, RTT_SIZE);
        }
        _exit(0);
    }
    close_side(ch.c_r, ch.c_w);
    char ready;
    read_full(ch.p_r, &ready, 1);
    double ns[MAX_SAMPLES];
    int n = run_samples(rtt_batch, &ch, RTT_BATCH, ns);
    reap(pid);
    unpin();
    close_side(ch.p_r, ch.p_w);
    emit(id, 1, RTT_BATCH, ns, n, "64-byte message each way");
}

/* ---- one-way stream ---- */

static char stream_buf[STREAM_CHUNK];

static void stream_batch(void *ctx, long batch) {
    struct chan *ch = ctx;
    for (long i = 0; i < batch; i++) {
        write_full(ch->p_w, stream_buf, STREAM_CHUNK);
    }
    char ack;
    read_full(ch->p_r, &ack, 1);
}

static void stream(const char *kind, int socket, const char *placement) {
    char id[128];
    snprintf(id, sizeof id, "%s.stream.64KiB/%s", kind, placement);
    if (!bench_wanted(id)) {
        return;
    }
    if (!placement_possible(placement)) {
        emit_skip(id, "needs 2 CPUs");
        return;
    }
    struct chan ch;
    open_chan(&ch, socket);
    pin_cpu(0);
    pid_t pid = fork();
    CHECK(pid);
    if (pid == 0) {
        pin_cpu(partner_cpu(placement));
        close_side(ch.p_r, ch.p_w);
        static char in[STREAM_CHUNK];
        write_full(ch.c_w, "r", 1);
        for (long b = 0; b < total_batches(); b++) {
            long left = STREAM_BATCH * STREAM_CHUNK;
            while (left > 0) {
                ssize_t r = read(ch.c_r, in, sizeof in);
                if (r < 0 && errno == EINTR) {
                    continue;
                }
                if (r <= 0) {
                    DIE("read");
                }
                left -= r;
            }
            write_full(ch.c_w, "k", 1);
        }
        _exit(0);
    }
    close_side(ch.c_r, ch.c_w);
    char ready;
    read_full(ch.p_r, &ready, 1);
    memset(stream_buf, 'x', sizeof stream_buf);
    double ns[MAX_SAMPLES];
    int n = run_samples(stream_batch, &ch, STREAM_BATCH, ns);
    reap(pid);
    unpin();
    close_side(ch.p_r, ch.p_w);
    emit(id, STREAM_CHUNK, STREAM_BATCH, ns, n, "64 KiB writes, 64 MiB per sample, reader acks each sample");
}

int main(int argc, char **argv) {
    bench_init(argc, argv);
    for (int p = 0; p < N_PLACEMENTS; p++) {
        rtt("pipe", 0, PLACEMENTS[p]);
        rtt("socketpair", 1, PLACEMENTS[p]);
        stream("pipe", 0, PLACEMENTS[p]);
        stream("socketpair", 1, PLACEMENTS[p]);
    }
    return 0;
}
