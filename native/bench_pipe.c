/*
 * Raw cost of the channels under jmp's Pipe/Connection: pipe(2) and an AF_UNIX
 * SOCK_STREAM socketpair(2) (what CPython's duplex Pipe() uses); and under
 * Listener/Client: an accepted AF_UNIX socket ("unix") and TCP on loopback ("tcp",
 * TCP_NODELAY as jmp sets it).
 *   <kind>.rtt.64B/<placement>     ping-pong of 64-byte messages, ns per round trip
 *   unix.connect_rtt.64B/<placement> socket + connect (the partner accepts) + one
 *                                   64-byte round trip + close, ns per connection
 *   <kind>.stream.64KiB/<placement> one-way stream of 64 KiB writes, ns per write
 *                                   (the report turns it into GB/s); each batch ends
 *                                   when the reader has read every byte and said so.
 */
#include "bench.h"

#include <stddef.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>

#define RTT_BATCH 5000L
#define RTT_SIZE 64
#define STREAM_CHUNK 65536
#define STREAM_BATCH 1024L   /* 64 MiB per sample */
#define CONNECT_BATCH 500L

enum kind { PIPE, SOCKETPAIR, UNIX_LISTENER, TCP_LISTENER };

/* A duplex channel: the parent writes on p_w and reads on p_r; the child the other way. */
struct chan {
    int p_r, p_w, c_r, c_w;
};

/* An abstract AF_UNIX address private to this process. */
static socklen_t unix_address(struct sockaddr_un *sa) {
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    int n = snprintf(sa->sun_path + 1, sizeof sa->sun_path - 1, "jmp.bench.%d", (int) getpid());
    return (socklen_t) (offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static void no_delay(int fd) {
    int one = 1;
    CHECK(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one));
}

/* A listening socket, connect to it, accept: the two connected ends, as Listener/Client make them. */
static void listener_pair(int tcp, int *server, int *client) {
    struct sockaddr_un un;
    struct sockaddr_in in;
    struct sockaddr *sa;
    socklen_t len;
    int l;
    if (tcp) {
        memset(&in, 0, sizeof in);
        in.sin_family = AF_INET;
        in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sa = (struct sockaddr *) &in;
        len = sizeof in;
        CHECK(l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    } else {
        len = unix_address(&un);
        sa = (struct sockaddr *) &un;
        CHECK(l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    }
    CHECK(bind(l, sa, len));
    CHECK(listen(l, 1));
    CHECK(getsockname(l, sa, &len));
    CHECK(*client = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    CHECK(connect(*client, sa, len));
    CHECK(*server = accept4(l, NULL, NULL, SOCK_CLOEXEC));
    close(l);
    if (tcp) {
        no_delay(*server);
        no_delay(*client);
    }
}

static void open_chan(struct chan *ch, enum kind kind) {
    if (kind == SOCKETPAIR || kind == UNIX_LISTENER || kind == TCP_LISTENER) {
        int sv[2];
        if (kind == SOCKETPAIR) {
            CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
        } else {
            listener_pair(kind == TCP_LISTENER, &sv[0], &sv[1]);
        }
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

static void rtt(const char *kind, enum kind k, const char *placement) {
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
    open_chan(&ch, k);
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

static void stream(const char *kind, enum kind k, const char *placement) {
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
    open_chan(&ch, k);
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

/* ---- connect + first round trip ---- */

struct connect_ctx {
    struct sockaddr_un sa;
    socklen_t len;
};

static void connect_batch(void *ctx, long batch) {
    struct connect_ctx *c = ctx;
    char buf[RTT_SIZE];
    memset(buf, 'x', sizeof buf);
    for (long i = 0; i < batch; i++) {
        int fd;
        CHECK(fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        CHECK(connect(fd, (struct sockaddr *) &c->sa, c->len));
        write_full(fd, buf, RTT_SIZE);
        read_full(fd, buf, RTT_SIZE);
        close(fd);
    }
}

static void connect_rtt(const char *placement) {
    char id[128];
    snprintf(id, sizeof id, "unix.connect_rtt.64B/%s", placement);
    if (!bench_wanted(id)) {
        return;
    }
    if (!placement_possible(placement)) {
        emit_skip(id, "needs 2 CPUs");
        return;
    }
    struct connect_ctx c;
    c.len = unix_address(&c.sa);
    int l;
    CHECK(l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    CHECK(bind(l, (struct sockaddr *) &c.sa, c.len));
    CHECK(listen(l, 1));
    int ready[2];
    CHECK(pipe2(ready, O_CLOEXEC));
    pin_cpu(0);
    pid_t pid = fork();
    CHECK(pid);
    if (pid == 0) {
        pin_cpu(partner_cpu(placement));
        close(ready[0]);
        write_full(ready[1], "r", 1);
        char buf[RTT_SIZE];
        for (long i = 0; i < total_batches() * CONNECT_BATCH; i++) {
            int fd;
            CHECK(fd = accept4(l, NULL, NULL, SOCK_CLOEXEC));
            read_full(fd, buf, RTT_SIZE);
            write_full(fd, buf, RTT_SIZE);
            close(fd);
        }
        _exit(0);
    }
    close(ready[1]);
    char r;
    read_full(ready[0], &r, 1);
    close(ready[0]);
    double ns[MAX_SAMPLES];
    int n = run_samples(connect_batch, &c, CONNECT_BATCH, ns);
    reap(pid);
    unpin();
    close(l);
    emit(id, 1, CONNECT_BATCH, ns, n, "socket + connect + 64-byte round trip + close (no authentication: C has none)");
}

int main(int argc, char **argv) {
    bench_init(argc, argv);
    for (int p = 0; p < N_PLACEMENTS; p++) {
        rtt("pipe", PIPE, PLACEMENTS[p]);
        rtt("socketpair", SOCKETPAIR, PLACEMENTS[p]);
        stream("pipe", PIPE, PLACEMENTS[p]);
        stream("socketpair", SOCKETPAIR, PLACEMENTS[p]);
        rtt("unix", UNIX_LISTENER, PLACEMENTS[p]);
        rtt("tcp", TCP_LISTENER, PLACEMENTS[p]);
        connect_rtt(PLACEMENTS[p]);
    }
    return 0;
}
