/*
 * Raw cost of POSIX named semaphores and shared memory, under jmp's Lock family and
 * Value:
 *   sem.wait_post/any              sem_wait+sem_post on a free semaphore (value 1), one process
 *   sem.pingpong/<placement>       two processes hand the turn over two semaphores,
 *                                  ns per round trip
 *   shm.locked_incr/<placement>    a counter in shm_open memory incremented under a
 *                                  semaphore by 2 processes at once, ns per increment
 *   shm.read/any                   plain load of an int in shm_open memory
 */
#include "bench.h"

#include <semaphore.h>
#include <sys/mman.h>

#define UNCONTENDED_BATCH 1000000L
#define PINGPONG_BATCH 5000L
#define INCR_PER_PROC 20000L
#define READ_BATCH 1000000L

static char names[4][64];
static int n_names;

static void unlink_all(void) {
    for (int i = 0; i < n_names; i++) {
        if (strstr(names[i], ".shm") != NULL) {
            shm_unlink(names[i]);
        } else {
            sem_unlink(names[i]);
        }
    }
    n_names = 0;
}

static sem_t *make_sem(const char *what, unsigned value) {
    char *name = names[n_names++];
    obj_name(name, sizeof names[0], what);
    sem_t *s = sem_open(name, O_CREAT | O_EXCL, 0600, value);
    if (s == SEM_FAILED) {
        DIE("sem_open");
    }
    return s;
}

static void sem_wait_full(sem_t *s) {
    while (sem_wait(s) < 0) {
        if (errno != EINTR) {
            DIE("sem_wait");
        }
    }
}

static volatile int *make_shm_int(void) {
    char *name = names[n_names++];
    obj_name(name, sizeof names[0], "shm");
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    CHECK(fd);
    CHECK(ftruncate(fd, 4096));
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        DIE("mmap");
    }
    close(fd);
    return p;
}

/* ---- uncontended ---- */

static void uncontended_batch(void *p, long batch) {
    sem_t *s = p;
    for (long i = 0; i < batch; i++) {
        sem_wait_full(s);
        sem_post(s);
    }
}

static void uncontended(void) {
    const char *id = "sem.wait_post/any";
    if (!bench_wanted(id)) {
        return;
    }
    sem_t *s = make_sem("lock", 1);
    unlink_all();
    double ns[MAX_SAMPLES];
    int n = run_samples(uncontended_batch, s, UNCONTENDED_BATCH, ns);
    sem_close(s);
    emit(id, 1, UNCONTENDED_BATCH, ns, n, "named semaphore of value 1: sem_wait then sem_post");
}

/* ---- ping-pong ---- */

struct pp {
    sem_t *ping, *pong;
};

static void pingpong_batch(void *p, long batch) {
    struct pp *c = p;
    for (long i = 0; i < batch; i++) {
        sem_post(c->ping);
        sem_wait_full(c->pong);
    }
}

static void pingpong(const char *placement) {
    char id[128];
    snprintf(id, sizeof id, "sem.pingpong/%s", placement);
    if (!bench_wanted(id)) {
        return;
    }
    if (!placement_possible(placement)) {
        emit_skip(id, "needs 2 CPUs");
        return;
    }
    struct pp c = {make_sem("ping", 0), make_sem("pong", 0)};
    unlink_all();   /* the child inherits the mappings through fork */
    pin_cpu(0);
    pid_t pid = fork();
    CHECK(pid);
    if (pid == 0) {
        pin_cpu(partner_cpu(placement));
        sem_post(c.pong);   /* ready */
        for (long i = 0; i < total_batches() * PINGPONG_BATCH; i++) {
            sem_wait_full(c.ping);
            sem_post(c.pong);
        }
        _exit(0);
    }
    sem_wait_full(c.pong);
    double ns[MAX_SAMPLES];
    int n = run_samples(pingpong_batch, &c, PINGPONG_BATCH, ns);
    reap(pid);
    unpin();
    sem_close(c.ping);
    sem_close(c.pong);
    emit(id, 1, PINGPONG_BATCH, ns, n, "post one semaphore, wait on the other");
}

/* ---- locked increment from 2 processes ---- */

struct incr {
    sem_t *lock, *go, *done;
    volatile int *counter;
};

static void increments(struct incr *c) {
    for (long i = 0; i < INCR_PER_PROC; i++) {
        sem_wait_full(c->lock);
        *c->counter += 1;
        sem_post(c->lock);
    }
}

static void incr_batch(void *p, long batch) {
    (void) batch;
    struct incr *c = p;
    sem_post(c->go);
    increments(c);
    sem_wait_full(c->done);
}

static void locked_increment(const char *placement) {
    char id[128];
    snprintf(id, sizeof id, "shm.locked_incr/%s", placement);
    if (!bench_wanted(id)) {
        return;
    }
    if (!placement_possible(placement)) {
        emit_skip(id, "needs 2 CPUs");
        return;
    }
    struct incr c = {make_sem("lock", 1), make_sem("go", 0), make_sem("done", 0), make_shm_int()};
    unlink_all();
    *c.counter = 0;
    pin_cpu(0);
    pid_t pid = fork();
    CHECK(pid);
    if (pid == 0) {
        pin_cpu(partner_cpu(placement));
        for (long b = 0; b < total_batches(); b++) {
            sem_wait_full(c.go);
            increments(&c);
            sem_post(c.done);
        }
        _exit(0);
    }
    double ns[MAX_SAMPLES];
    int n = run_samples(incr_batch, &c, 2 * INCR_PER_PROC, ns);
    reap(pid);
    unpin();
    if (*c.counter != 2 * INCR_PER_PROC * total_batches()) {
        fprintf(stderr, "%s: counter %d is wrong\n", id, *c.counter);
        exit(2);
    }
    sem_close(c.lock);
    sem_close(c.go);
    sem_close(c.done);
    munmap((void *) c.counter, 4096);
    emit(id, 1, 2 * INCR_PER_PROC, ns, n, "2 processes x 20000 increments of an int under one semaphore");
}

/* ---- unlocked read ---- */

static volatile int read_sink;

static void read_batch(void *p, long batch) {
    volatile int *x = p;
    int sum = 0;
    for (long i = 0; i < batch; i++) {
        sum += *x;
    }
    read_sink = sum;
}

static void shm_read(void) {
    const char *id = "shm.read/any";
    if (!bench_wanted(id)) {
        return;
    }
    volatile int *x = make_shm_int();
    unlink_all();
    *x = 1;
    double ns[MAX_SAMPLES];
    int n = run_samples(read_batch, (void *) x, READ_BATCH, ns);
    munmap((void *) x, 4096);
    emit(id, 1, READ_BATCH, ns, n, "volatile load of an int in shared memory");
}

int main(int argc, char **argv) {
    bench_init(argc, argv);
    atexit(unlink_all);
    uncontended();
    shm_read();
    for (int p = 0; p < N_PLACEMENTS; p++) {
        pingpong(PLACEMENTS[p]);
        locked_increment(PLACEMENTS[p]);
    }
    return 0;
}
