/*
 * Shared by the native/bench_*.c programs: the raw-kernel baseline of make bench.
 *
 * Every program prints one JSON line per measured operation on stdout:
 *   {"side":"c","id":"pipe.rtt.64B/same","per_op":64,"batch":5000,
 *    "ns_per_op":[...one value per sample...],"note":"..."}
 * A sample is one timed batch of `batch` operations; its value is the batch's time
 * divided by `batch` (nanoseconds per operation). `per_op` is the work one operation
 * moves (bytes for streams, items for throughput rows, 1 otherwise): the report turns
 * ns/op into a rate with it. Medians and spread are computed by the report, the same
 * way for all three sides, from these raw samples.
 *
 * The workloads (payloads, batch sizes) are the same as in
 * benchmarks/python/mp_bench.py and benchmarks/java/dev/jmp/bench/Workloads.java:
 * change them together.
 *
 * Placement (FACTS.md: a cross-CPU wake-up costs ~4-5 us each way): for two-process
 * rows the measuring process pins itself to CPU 0 and the partner pins itself to
 * CPU 0 ("same") or CPU 1 ("split"), exactly as the Python and Java sides do.
 *
 * Kernel objects are named /jmp.bench.<pid>.<what> and unlinked as soon as both
 * sides have opened them (and again at exit, in case of an early failure).
 */
#ifndef JMP_BENCH_H
#define JMP_BENCH_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Set by bench_init from the command line: --quick takes fewer samples (same batches). */
static int bench_quick;
static int bench_warmup = 3;
static int bench_samples = 15;

/* Batches a partner process must serve: the warm-up ones and the timed ones. */
static inline long total_batches(void) {
    return bench_warmup + bench_samples;
}
static cpu_set_t bench_initial_mask;
static int bench_ncpu;
static const char *bench_only;   /* optional substring filter on ids */

#define DIE(what) do { fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, (what), strerror(errno)); exit(2); } while (0)
#define CHECK(expr) do { if ((expr) < 0) DIE(#expr); } while (0)

static inline long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline void bench_init(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            bench_quick = 1;
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            bench_only = argv[++i];
        }
    }
    if (bench_quick) {
        bench_warmup = 2;
        bench_samples = 7;
    }
    CHECK(sched_getaffinity(0, sizeof bench_initial_mask, &bench_initial_mask));
    bench_ncpu = CPU_COUNT(&bench_initial_mask);
}

/* Whether an id passes --only. */
static inline int bench_wanted(const char *id) {
    return bench_only == NULL || strstr(id, bench_only) != NULL;
}

/* Pins the calling process (all its future children inherit it) to one CPU. */
static inline void pin_cpu(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    CHECK(sched_setaffinity(0, sizeof set, &set));
}

static inline void unpin(void) {
    CHECK(sched_setaffinity(0, sizeof bench_initial_mask, &bench_initial_mask));
}

/* The placements a two-process row runs in; "split" needs two CPUs. */
static const char *const PLACEMENTS[] = {"same", "split"};
#define N_PLACEMENTS 2

/* CPU of the partner process for a placement; the measuring process is on CPU 0. */
static inline int partner_cpu(const char *placement) {
    return strcmp(placement, "split") == 0 ? 1 : 0;
}

static inline int placement_possible(const char *placement) {
    return partner_cpu(placement) < bench_ncpu;
}

static inline void emit(const char *id, double per_op, long batch, const double *ns, int n, const char *note) {
    printf("{\"side\":\"c\",\"id\":\"%s\",\"per_op\":%.0f,\"batch\":%ld,\"ns_per_op\":[", id, per_op, batch);
    for (int i = 0; i < n; i++) {
        printf("%s%.3f", i ? "," : "", ns[i]);
    }
    printf("],\"note\":\"%s\"}\n", note ? note : "");
    fflush(stdout);
}

static inline void emit_skip(const char *id, const char *why) {
    printf("{\"side\":\"c\",\"id\":\"%s\",\"skipped\":\"%s\"}\n", id, why);
    fflush(stdout);
}

/* A unique kernel-object name: /jmp.bench.<pid>.<what>. */
static inline void obj_name(char *buf, size_t len, const char *what) {
    snprintf(buf, len, "/jmp.bench.%d.%s", (int) getpid(), what);
}

/* Waits for a child and fails loudly if it did not exit 0. */
static inline void reap(pid_t pid) {
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            DIE("waitpid");
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "partner %d failed (status 0x%x)\n", (int) pid, status);
        exit(2);
    }
}

/* read/write exactly n bytes (pipes and sockets may return short counts). */
static inline void read_full(int fd, void *buf, size_t n) {
    char *p = buf;
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            DIE("read");
        }
        p += r;
        n -= (size_t) r;
    }
}

static inline void write_full(int fd, const void *buf, size_t n) {
    const char *p = buf;
    while (n > 0) {
        ssize_t r = write(fd, p, n);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            DIE("write");
        }
        p += r;
        n -= (size_t) r;
    }
}

/*
 * Runs bench_warmup + bench_samples timed batches of `batch` calls of op(ctx, batch)
 * and keeps the measured ones as ns per operation. op does the whole batch itself
 * (so the loop overhead is the C loop, as on the other sides).
 */
typedef void (*batch_fn)(void *ctx, long batch);

static inline int run_samples(batch_fn op, void *ctx, long batch, double *out) {
    for (int i = 0; i < bench_warmup + bench_samples; i++) {
        long long t0 = now_ns();
        op(ctx, batch);
        long long t1 = now_ns();
        if (i >= bench_warmup) {
            out[i - bench_warmup] = (double) (t1 - t0) / (double) batch;
        }
    }
    return bench_samples;
}

#define MAX_SAMPLES 64

#endif
