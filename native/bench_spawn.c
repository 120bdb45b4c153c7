/*
 * Raw cost of starting a process, under jmp's Process:
 *   spawn.true/any        posix_spawn("/bin/true") + waitpid, ns per process
 *   spawn.first_line/any  posix_spawn of this program to the first line of its main,
 *                         which writes a byte on an inherited pipe (the parent's clock
 *                         stops when it reads it; the wait for exit is not timed)
 *   fork.exit/any         fork + _exit + waitpid (CPython's "fork" start method's floor)
 *   fork.first_line/any   fork to the child's first line, as above
 * All unpinned: starting a process is not a two-CPU ping-pong.
 */
#include "bench.h"

#include <spawn.h>

#define SPAWN_BATCH 10L

extern char **environ;

static char self_path[4096];

static void spawn_true_batch(void *p, long batch) {
    (void) p;
    char *argv[] = {"/bin/true", NULL};
    for (long i = 0; i < batch; i++) {
        pid_t pid;
        int rc = posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ);
        if (rc != 0) {
            errno = rc;
            DIE("posix_spawn");
        }
        reap(pid);
    }
}

static void fork_exit_batch(void *p, long batch) {
    (void) p;
    for (long i = 0; i < batch; i++) {
        pid_t pid = fork();
        CHECK(pid);
        if (pid == 0) {
            _exit(0);
        }
        reap(pid);
    }
}

/* Times start-to-first-line of `batch` children; waiting for their exit is not timed. */
static double first_line_batch(int use_fork, long batch) {
    long long timed = 0;
    for (long i = 0; i < batch; i++) {
        int fds[2];
        CHECK(pipe2(fds, O_CLOEXEC));
        long long t0 = now_ns();
        pid_t pid;
        if (use_fork) {
            pid = fork();
            CHECK(pid);
            if (pid == 0) {
                write_full(fds[1], "x", 1);
                _exit(0);
            }
        } else {
            posix_spawn_file_actions_t fa;
            posix_spawn_file_actions_init(&fa);
            posix_spawn_file_actions_adddup2(&fa, fds[1], 3);
            char *argv[] = {self_path, "--child-first-line", NULL};
            int rc = posix_spawn(&pid, self_path, &fa, NULL, argv, environ);
            posix_spawn_file_actions_destroy(&fa);
            if (rc != 0) {
                errno = rc;
                DIE("posix_spawn");
            }
        }
        char x;
        read_full(fds[0], &x, 1);
        timed += now_ns() - t0;
        reap(pid);
        close(fds[0]);
        close(fds[1]);
    }
    return (double) timed / (double) batch;
}

static void first_line(const char *id, int use_fork) {
    if (!bench_wanted(id)) {
        return;
    }
    double ns[MAX_SAMPLES];
    for (int i = 0; i < bench_warmup + bench_samples; i++) {
        double v = first_line_batch(use_fork, SPAWN_BATCH);
        if (i >= bench_warmup) {
            ns[i - bench_warmup] = v;
        }
    }
    emit(id, 1, SPAWN_BATCH, ns, bench_samples, "child's first statement writes a byte on an inherited pipe");
}

static void timed(const char *id, batch_fn fn, const char *note) {
    if (!bench_wanted(id)) {
        return;
    }
    double ns[MAX_SAMPLES];
    int n = run_samples(fn, NULL, SPAWN_BATCH, ns);
    emit(id, 1, SPAWN_BATCH, ns, n, note);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--child-first-line") == 0) {
        /* The child's first line: tell the parent we are running. */
        write_full(3, "x", 1);
        return 0;
    }
    bench_init(argc, argv);
    ssize_t n = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
    CHECK(n);
    self_path[n] = 0;
    timed("spawn.true/any", spawn_true_batch, "posix_spawn(/bin/true) + waitpid");
    first_line("spawn.first_line/any", 0);
    timed("fork.exit/any", fork_exit_batch, "fork + _exit + waitpid");
    first_line("fork.first_line/any", 1);
    return 0;
}
