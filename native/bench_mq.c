/*
 * Raw cost of POSIX message queues, the channel under jmp's Queue family, within an
 * ordinary user's limits (FACTS.md: at most 10 messages of at most 8 KiB a queue).
 *   mq.rtt.64B/<placement>        ping-pong over two queues, ns per round trip
 *   mq.1p1c.8B/<placement>        1 producer -> 1 consumer, 8-byte messages, ns per
 *                                 message (the report turns it into msgs/s); a batch
 *                                 ends when the consumer has them all and says so
 *   mq.4p4c.8B/any                4 producers -> 4 consumers on one queue, unpinned
 */
#include "bench.h"

#include <mqueue.h>

#define MQ_MAXMSG 10
#define MQ_MSGSIZE 8192
#define RTT_BATCH 5000L
#define RTT_SIZE 64
#define TP_BATCH 10000L
#define NPROD 4
#define NCONS 4

static char names[4][64];
static int n_names;

static void unlink_all(void) {
    for (int i = 0; i < n_names; i++) {
        mq_unlink(names[i]);
    }
    n_names = 0;
}

/* Creates a fresh queue; the name is unlinked once every process has it open. */
static mqd_t make_queue(const char *what) {
    struct mq_attr attr = {.mq_maxmsg = MQ_MAXMSG, .mq_msgsize = MQ_MSGSIZE};
    char *name = names[n_names++];
    obj_name(name, sizeof names[0], what);
    mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &attr);
    if (q == (mqd_t) -1) {
        DIE("mq_open");
    }
    return q;
}

static void mq_send_full(mqd_t q, const void *buf, size_t n) {
    while (mq_send(q, buf, n, 0) < 0) {
        if (errno != EINTR) {
            DIE("mq_send");
        }
    }
}

static ssize_t mq_recv_full(mqd_t q, void *buf) {
    ssize_t r;
    while ((r = mq_receive(q, buf, MQ_MSGSIZE, NULL)) < 0) {
        if (errno != EINTR) {
            DIE("mq_receive");
        }
    }
    return r;
}

/* ---- round trip ---- */

struct rtt_ctx {
    mqd_t down, up;
};

static void rtt_batch(void *p, long batch) {
    struct rtt_ctx *c = p;
    static char buf[MQ_MSGSIZE];
    for (long i = 0; i < batch; i++) {
        mq_send_full(c->down, buf, RTT_SIZE);
        mq_recv_full(c->up, buf);
    }
}

static void rtt(const char *placement) {
    char id[128];
    snprintf(id, sizeof id, "mq.rtt.64B/%s", placement);
    if (!bench_wanted(id)) {
        return;
    }
    if (!placement_possible(placement)) {
        emit_skip(id, "needs 2 CPUs");
        return;
    }
    struct rtt_ctx c = {make_queue("down"), make_queue("up")};
    unlink_all();   /* both processes hold the descriptors from here on (fork) */
    pin_cpu(0);
    pid_t pid = fork();
    CHECK(pid);
    if (pid == 0) {
        pin_cpu(partner_cpu(placement));
        static char buf[MQ_MSGSIZE];
        mq_send_full(c.up, "r", 1);
        for (long i = 0; i < total_batches() * RTT_BATCH; i++) {
            ssize_t n = mq_recv_full(c.down, buf);
            mq_send_full(c.up, buf, (size_t) n);
        }
        _exit(0);
    }
    static char buf[MQ_MSGSIZE];
    mq_recv_full(c.up, buf);
    double ns[MAX_SAMPLES];
    int n = run_samples(rtt_batch, &c, RTT_BATCH, ns);
    reap(pid);
    unpin();
    mq_close(c.down);
    mq_close(c.up);
    emit(id, 1, RTT_BATCH, ns, n, "64-byte message each way, two queues");
}

/* ---- 1 producer -> 1 consumer ---- */

struct tp_ctx {
    mqd_t q;
    int ack;
};

static void tp_batch(void *p, long batch) {
    struct tp_ctx *c = p;
    long long item = 0;
    for (long i = 0; i < batch; i++) {
        item = i;
        mq_send_full(c->q, &item, sizeof item);
    }
    char k;
    read_full(c->ack, &k, 1);
}

static void one_to_one(const char *placement) {
    char id[128];
    snprintf(id, sizeof id, "mq.1p1c.8B/%s", placement);
    if (!bench_wanted(id)) {
        return;
    }
    if (!placement_possible(placement)) {
        emit_skip(id, "needs 2 CPUs");
        return;
    }
    int ackp[2];
    CHECK(pipe2(ackp, O_CLOEXEC));
    struct tp_ctx c = {make_queue("q"), ackp[0]};
    unlink_all();
    pin_cpu(0);
    pid_t pid = fork();
    CHECK(pid);
    if (pid == 0) {
        pin_cpu(partner_cpu(placement));
        static char buf[MQ_MSGSIZE];
        write_full(ackp[1], "r", 1);
        for (long b = 0; b < total_batches(); b++) {
            for (long i = 0; i < TP_BATCH; i++) {
                mq_recv_full(c.q, buf);
            }
            write_full(ackp[1], "k", 1);
        }
        _exit(0);
    }
    close(ackp[1]);
    char r;
    read_full(ackp[0], &r, 1);
    double ns[MAX_SAMPLES];
    int n = run_samples(tp_batch, &c, TP_BATCH, ns);
    reap(pid);
    unpin();
    mq_close(c.q);
    close(ackp[0]);
    emit(id, 1, TP_BATCH, ns, n, "8-byte messages, consumer acks each batch on a pipe");
}

/* ---- 4 producers -> 4 consumers ---- */

#define SENTINEL (-1LL)
#define STOP (-2LL)

struct many_ctx {
    int go[NPROD];
    int ack;
};

static void many_batch(void *p, long batch) {
    (void) batch;
    struct many_ctx *c = p;
    for (int i = 0; i < NPROD; i++) {
        write_full(c->go[i], "g", 1);
    }
    char k[NPROD];
    read_full(c->ack, k, NPROD);   /* one ack per producer's end marker */
}

static void many_to_many(void) {
    const char *id = "mq.4p4c.8B/any";
    if (!bench_wanted(id)) {
        return;
    }
    mqd_t q = make_queue("q4");
    unlink_all();
    int ackp[2];
    CHECK(pipe2(ackp, O_CLOEXEC));
    struct many_ctx c = {.ack = ackp[0]};
    pid_t pids[NPROD + NCONS];
    for (int i = 0; i < NPROD; i++) {
        int gop[2];
        CHECK(pipe2(gop, O_CLOEXEC));
        pids[i] = fork();
        CHECK(pids[i]);
        if (pids[i] == 0) {
            char g;
            for (long b = 0; b < total_batches(); b++) {
                read_full(gop[0], &g, 1);
                long long item;
                for (long j = 0; j < TP_BATCH / NPROD; j++) {
                    item = j;
                    mq_send_full(q, &item, sizeof item);
                }
                item = SENTINEL;
                mq_send_full(q, &item, sizeof item);
            }
            _exit(0);
        }
        close(gop[0]);
        c.go[i] = gop[1];
    }
    for (int i = 0; i < NCONS; i++) {
        pids[NPROD + i] = fork();
        CHECK(pids[NPROD + i]);
        if (pids[NPROD + i] == 0) {
            static char buf[MQ_MSGSIZE];
            for (;;) {
                mq_recv_full(q, buf);
                long long item;
                memcpy(&item, buf, sizeof item);
                if (item == STOP) {
                    _exit(0);
                }
                if (item == SENTINEL) {
                    write_full(ackp[1], "k", 1);
                }
            }
        }
    }
    close(ackp[1]);
    double ns[MAX_SAMPLES];
    int n = run_samples(many_batch, &c, TP_BATCH, ns);
    long long stop = STOP;
    for (int i = 0; i < NCONS; i++) {
        mq_send_full(q, &stop, sizeof stop);
    }
    for (int i = 0; i < NPROD + NCONS; i++) {
        reap(pids[i]);
    }
    for (int i = 0; i < NPROD; i++) {
        close(c.go[i]);
    }
    close(ackp[0]);
    mq_close(q);
    emit(id, 1, TP_BATCH, ns, n, "8-byte messages, 4+4 processes, unpinned; a batch ends when every producer's end marker is taken");
}

int main(int argc, char **argv) {
    bench_init(argc, argv);
    atexit(unlink_all);
    for (int p = 0; p < N_PLACEMENTS; p++) {
        rtt(PLACEMENTS[p]);
        one_to_one(PLACEMENTS[p]);
    }
    many_to_many();
    return 0;
}
