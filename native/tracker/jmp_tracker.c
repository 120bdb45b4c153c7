/*
 * jmp-tracker: removes the kernel names a jmp program leaves behind, however it ended,
 * and removes a shared object as soon as no process of the program holds it any more.
 *
 * Why a process of its own: a process killed with SIGKILL runs no exit hook, and
 * POSIX semaphores, message queues, shared memory and the spill directories in
 * /dev/shm outlive every process that used them. Something that outlives the program
 * must remove them. CPython's answer is its resource tracker, and this is the same
 * design: one tracker per program, started by its first process; every process of
 * the program holds the write end of one pipe (children inherit it), whose read end
 * is this program's stdin. The pipe reports end of file only when the last write end
 * is closed, which the kernel does for a process however it dies: then every process
 * of the program is gone, and whatever is still registered is removed here. It is
 * written in C, not Java, so that it costs a program one small process instead of a
 * second JVM.
 *
 * Holders. A Lock, Queue, Value or Array travels (a child's target, a Pipe, a Queue)
 * and must stay valid while any process of the program still holds it, then go. Only
 * this process sees every process of the program, so it counts the holders:
 *
 *   R name              registered, kept until the program ends or "U" (a SharedMemory:
 *                       Python's rule, its unlink() is explicit)
 *   N name pid start    pid is about to create name and holds it: counted from now on
 *   H name pid start    pid made one more handle object on name (opened it by name)
 *   S name              a copy of name was serialized: one more copy in flight
 *   A name pid start    a copy arrived in pid and became a new handle object there
 *   L name              a copy arrived in a process that already had a handle object
 *   D name pid          one handle object of pid on name became unreachable
 *   U name              name was unlinked: forget it
 *
 * A counted name is removed (and forgotten) when it has no holder and no copy in
 * flight. Holds are counted per handle object, not per process: a process may make a
 * new handle object for a name while the collector has not yet cleaned up the old
 * one, and the old one's "D" must not end the new one's hold.
 *
 * Why copies in flight are counted: a Lock written into a pipe is held by no process
 * until it is read. If only processes counted, its creator could drop it between the
 * send and the receive, and the receiver would find it gone. The sender writes "S"
 * while it serializes (it still holds the object, so the count cannot reach zero
 * first), the receiver "A" or "L" when it decodes. The pipe orders them: "S" is
 * written before the bytes are sent, "A" after they were received. A copy never
 * decoded (a message left in a dropped queue, tasks a terminated pool never ran, a send
 * that failed half way) keeps its object until the program ends, when everything goes
 * anyway: the tracker cannot see inside messages. Bytes decoded twice count twice, so the
 * count of copies in flight never goes below zero.
 *
 * Why pidfds: a holder may die without a word (SIGKILL). For each process that holds
 * something the tracker keeps a pidfd (pidfd_open) and polls it with stdin; it becomes
 * readable when the process exits, and then that process's holds end. A pidfd names one
 * process, never a later one with the same pid. The pid in a line could still have been
 * reused between the write and our pidfd_open, so each line carries the process's start
 * time (field 22 of /proc/<pid>/stat), compared once the pidfd is open: a mismatch means
 * the writer is already dead. A death is applied only after stdin has been drained:
 * every line the dead process wrote before it died (its last "S" among them) is then
 * counted first. Where pidfd_open is missing (ENOSYS: kernels before 5.3), holders are
 * never seen dying, and their names stay until "D" or the end of the program.
 *
 * The alternative, one connection per process, would need each child to open its own
 * pipe to the tracker (and pass it over a socket); the shared pipe keeps registration
 * at one write() per line, the cost the creation of a Lock or a Queue already pays.
 *
 * A line is written with one write() of less than PIPE_BUF bytes, so lines from many
 * processes never interleave. Names are checked against the shape jmp gives them
 * (see KernelNames): this program runs with its user's rights and must not unlink
 * what a confused writer names. A hold, a copy or a drop of a name the tracker was not
 * told about ("N") is ignored: a Lock that arrived from another program (a Listener)
 * is that program's tracker's business.
 *
 * What a name is does not travel: names are unguessable and never reused, so each
 * one removed is tried as a semaphore, a shared-memory block, a message queue and
 * a spill directory (with the files in it), and whatever exists goes.
 *
 * The registry: so that `jmp ls` can show a program's names (message queues cannot be
 * listed where /dev/mqueue is not mounted) and tell whether its program is alive, the
 * tracker appends "R name" for each name it learns and "U name" for each it forgets
 * to /dev/shm/jmp-tracker.<its pid> (mode 0600). Replaying the file gives the names
 * still registered; the file exists while the tracker does, and the tracker deletes it
 * once it has removed every name. A file whose tracker pid is dead (the tracker itself
 * was killed) lists leftovers that `jmp clean` may remove. When the file holds many
 * more lines than live names it is rewritten (to a .tmp file, renamed over it) so a
 * long-running program's file stays small. Writing it is best effort: a full /dev/shm
 * costs the listing, not the cleanup.
 *
 * Batches: what a line costs its writer is mostly waking this process, one wake-up
 * (and on a busy machine a switch of CPU to it and back) per line if it waits for each.
 * So once it has read something, the tracker sleeps a millisecond before it reads again:
 * a program making Locks or Queues in a loop then wakes it about once per millisecond
 * whatever its rate, and an idle tracker still wakes at the first line. Nothing depends on
 * when a line is read, only on its being in the pipe before the object exists (a
 * process killed after its write leaves the line there), so the guarantees stay; a death
 * is seen up to a millisecond later. The registry's lines are written once per batch too.
 *
 * Signals: the tracker ignores SIGINT, SIGTERM, SIGHUP and SIGPIPE, as CPython's
 * does: a Ctrl-C or a terminal hang-up reaches the whole process group, and the
 * tracker must outlive the program to do its work.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_NAME 64
/* How long a busy tracker lets lines gather before it reads them (see "Batches"). */
#define BATCH_NANOS 1000000L
#define LINE_MAX_LEN 128

/* ---- names ------------------------------------------------------------------ */

struct hold {
    long pid;
    long count;     /* handle objects of pid on the name */
};

struct entry {
    char *name;
    int counted;    /* removed once nobody holds it; else kept until the end (R) */
    long inflight;  /* serialized copies not decoded yet */
    size_t nholds, capholds;
    struct hold *holds;
};

/* An open-addressing set of names; a deleted slot keeps a tombstone. */
static struct entry **slots;
static size_t capacity;
static size_t used;      /* live names and tombstones */
static size_t live;
static struct entry TOMBSTONE;

static unsigned long hash(const char *s) {
    unsigned long h = 5381;
    while (*s) {
        h = h * 33 + (unsigned char)*s++;
    }
    return h;
}

static int valid_name(const char *n) {
    size_t len = strlen(n);
    if (len < 8 || len > MAX_NAME || strncmp(n, "/jmp.", 5) != 0 || strstr(n, "..") != NULL) {
        return 0;
    }
    for (size_t i = 5; i < len; i++) {
        char c = n[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.')) {
            return 0;
        }
    }
    return 1;
}

static void grow(void);

static struct entry *find(const char *name) {
    if (capacity == 0) {
        return NULL;
    }
    for (size_t i = hash(name) & (capacity - 1); slots[i] != NULL; i = (i + 1) & (capacity - 1)) {
        if (slots[i] != &TOMBSTONE && strcmp(slots[i]->name, name) == 0) {
            return slots[i];
        }
    }
    return NULL;
}

/* Puts e into the table (its name is not in it). */
static void insert(struct entry *e) {
    size_t i = hash(e->name) & (capacity - 1);
    size_t tomb = (size_t)-1;
    for (; slots[i] != NULL; i = (i + 1) & (capacity - 1)) {
        if (slots[i] == &TOMBSTONE && tomb == (size_t)-1) {
            tomb = i;
        }
    }
    if (tomb != (size_t)-1) {
        slots[tomb] = e;
    } else {
        slots[i] = e;
        used++;
    }
    live++;
}

/* The entry for name, made if new; NULL if out of memory. */
static struct entry *add(const char *name, int counted) {
    struct entry *e = find(name);
    if (e != NULL) {
        e->counted |= counted;
        return e;
    }
    if ((used + 1) * 2 > capacity) {
        grow();
        if ((used + 1) * 2 > capacity && used + 1 >= capacity) {
            return NULL;
        }
    }
    e = calloc(1, sizeof *e);
    if (e == NULL || (e->name = strdup(name)) == NULL) {
        free(e);
        return NULL;
    }
    e->counted = counted;
    insert(e);
    return e;
}

static void discard(const char *name) {
    if (capacity == 0) {
        return;
    }
    for (size_t i = hash(name) & (capacity - 1); slots[i] != NULL; i = (i + 1) & (capacity - 1)) {
        if (slots[i] != &TOMBSTONE && strcmp(slots[i]->name, name) == 0) {
            free(slots[i]->holds);
            free(slots[i]->name);
            free(slots[i]);
            slots[i] = &TOMBSTONE;
            live--;
            return;
        }
    }
}

static void grow(void) {
    struct entry **old = slots;
    size_t old_capacity = capacity;
    size_t n = capacity == 0 ? 64 : capacity;
    while (live * 4 >= n) {
        n *= 2;
    }
    if (n == capacity && used - live < capacity / 4) {
        n *= 2;
    }
    slots = calloc(n, sizeof *slots);
    if (slots == NULL) {
        slots = old;     /* keep what we have; the next add probes a fuller table */
        return;
    }
    capacity = n;
    used = live = 0;
    for (size_t i = 0; i < old_capacity; i++) {
        if (old[i] != NULL && old[i] != &TOMBSTONE) {
            insert(old[i]);
        }
    }
    free(old);
}

/* ---- removing --------------------------------------------------------------- */

/* Removes a spill directory /dev/shm/<name> and the files in it. */
static int remove_directory(const char *name) {
    char path[16 + MAX_NAME];
    snprintf(path, sizeof path, "/dev/shm/%s", name + 1);
    DIR *d = opendir(path);
    if (d == NULL) {
        return 0;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            unlinkat(dirfd(d), e->d_name, 0);
        }
    }
    closedir(d);
    return rmdir(path) == 0;
}

/* A name is one kind of object, but a message queue's spill directory has its name too. */
static int remove_name(const char *name) {
    if (sem_unlink(name) == 0 || shm_unlink(name) == 0) {
        return 1;
    }
    int removed = mq_unlink(name) == 0;
    removed |= remove_directory(name);
    return removed;
}

/* ---- the registry ----------------------------------------------------------- */

static char registry_path[64];
static int registry = -1;
static size_t registry_lines;

static void write_all(int fd, const char *s, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return;
        }
        s += w;
        n -= (size_t)w;
    }
}

static void registry_open(void) {
    snprintf(registry_path, sizeof registry_path, "/dev/shm/jmp-tracker.%ld", (long)getpid());
    registry = open(registry_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
}

/* Rewrites the registry with only the live names (a new file renamed over the old one). */
static void registry_compact(void) {
    char tmp[72];
    snprintf(tmp, sizeof tmp, "%s.tmp", registry_path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        return;
    }
    char buf[16384];
    size_t n = 0;
    for (size_t i = 0; i < capacity; i++) {
        if (slots[i] != NULL && slots[i] != &TOMBSTONE) {
            if (n + MAX_NAME + 4 > sizeof buf) {
                write_all(fd, buf, n);
                n = 0;
            }
            n += (size_t)snprintf(buf + n, sizeof buf - n, "R %s\n", slots[i]->name);
        }
    }
    write_all(fd, buf, n);
    if (rename(tmp, registry_path) != 0) {
        close(fd);
        unlink(tmp);
        return;
    }
    close(registry);
    registry = fd;
    registry_lines = live;
}

/*
 * Lines not yet written to the registry: written once per batch of lines read from
 * stdin, not one write each, and the registry rewritten, if it has grown, only then,
 * when the table is settled (never between a line's registry entry and its table entry).
 */
static char pending[16384];
static size_t npending;

static void registry_write_pending(void) {
    if (registry >= 0 && npending > 0) {
        write_all(registry, pending, npending);
    }
    npending = 0;
}

/* The end of a batch: the pending lines written, the file rewritten if it holds many more lines than names. */
static void registry_flush(void) {
    registry_write_pending();
    if (registry >= 0 && registry_lines > 2 * live + 256) {
        registry_compact();
    }
}

static void registry_append(char op, const char *name) {
    if (registry < 0) {
        return;
    }
    if (npending + MAX_NAME + 4 > sizeof pending) {
        registry_write_pending();
    }
    npending += (size_t)snprintf(pending + npending, sizeof pending - npending, "%c %s\n", op, name);
    registry_lines++;
}

/* ---- holder processes ------------------------------------------------------- */

struct proc {
    long pid;
    unsigned long long start;
    int pidfd;      /* -1: cannot be watched (no pidfd_open here) */
    int dead;       /* its death is applied once stdin is drained */
};

static struct proc *procs;
static size_t nprocs, capprocs;

/* Field 22 of /proc/<pid>/stat, or 0 if the process is gone. */
static unsigned long long start_time(long pid) {
    char path[32], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) {
        return 0;
    }
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (p == NULL) {
        return 0;
    }
    /* p + 2 is field 3; skip to field 22. */
    p += 2;
    for (int field = 3; field < 22 && p != NULL; field++) {
        p = strchr(p, ' ');
        if (p != NULL) {
            p++;
        }
    }
    return p == NULL ? 0 : strtoull(p, NULL, 10);
}

static void drop_holds_of(long pid);

static void forget_proc(size_t i) {
    if (procs[i].pidfd >= 0) {
        close(procs[i].pidfd);
    }
    procs[i] = procs[--nprocs];
}

/* Ends the holds of every process marked dead. */
static void apply_deaths(void) {
    for (size_t i = 0; i < nprocs; ) {
        if (procs[i].dead) {
            long pid = procs[i].pid;
            forget_proc(i);
            drop_holds_of(pid);
        } else {
            i++;
        }
    }
}

/* Makes sure the process (pid, start) is watched; marks it dead if it is already gone. */
static void watch(long pid, unsigned long long start) {
    for (size_t i = 0; i < nprocs; i++) {
        if (procs[i].pid == pid) {
            if (procs[i].start == start) {
                return;
            }
            /* The pid was reused: the old process has ended, and every line it wrote came first. */
            forget_proc(i);
            drop_holds_of(pid);
            break;
        }
    }
    if (nprocs == capprocs) {
        size_t n = capprocs == 0 ? 16 : capprocs * 2;
        struct proc *p = realloc(procs, n * sizeof *p);
        if (p == NULL) {
            return;     /* not watched: its holds end with D lines or the program */
        }
        procs = p;
        capprocs = n;
    }
    struct proc *p = &procs[nprocs++];
    p->pid = pid;
    p->start = start;
    p->dead = 0;
    p->pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
    if (p->pidfd < 0) {
        if (errno == ESRCH) {
            p->dead = 1;
        }
        return;
    }
    fcntl(p->pidfd, F_SETFD, FD_CLOEXEC);
    if (start != 0 && start_time(pid) != start) {
        p->dead = 1;    /* the pidfd names a later process with the writer's pid (0: writer could not tell) */
    }
}

/* ---- counting --------------------------------------------------------------- */

/* Removes a counted name nobody holds and no message carries any more. */
static void settle(struct entry *e) {
    if (!e->counted || e->nholds > 0 || e->inflight > 0) {
        return;
    }
    char name[MAX_NAME + 1];
    snprintf(name, sizeof name, "%s", e->name);
    remove_name(name);
    registry_append('U', name);
    discard(name);
}

static void hold(struct entry *e, long pid) {
    for (size_t i = 0; i < e->nholds; i++) {
        if (e->holds[i].pid == pid) {
            e->holds[i].count++;
            return;
        }
    }
    if (e->nholds == e->capholds) {
        size_t n = e->capholds == 0 ? 2 : e->capholds * 2;
        struct hold *h = realloc(e->holds, n * sizeof *h);
        if (h == NULL) {
            return;
        }
        e->holds = h;
        e->capholds = n;
    }
    e->holds[e->nholds].pid = pid;
    e->holds[e->nholds].count = 1;
    e->nholds++;
}

/* One handle object of pid is gone (all of them if all is set). */
static void unhold(struct entry *e, long pid, int all) {
    for (size_t i = 0; i < e->nholds; i++) {
        if (e->holds[i].pid == pid) {
            if (all || --e->holds[i].count <= 0) {
                e->holds[i] = e->holds[--e->nholds];
            }
            settle(e);
            return;
        }
    }
}

static void drop_holds_of(long pid) {
    for (size_t i = 0; i < capacity; i++) {
        struct entry *e = slots[i];
        if (e != NULL && e != &TOMBSTONE && e->nholds > 0) {
            unhold(e, pid, 1);   /* may discard e: its slot becomes a tombstone, the scan goes on */
        }
    }
}

/* ---- lines ------------------------------------------------------------------ */

/* "name pid start" or "name pid" (then *start is left 0); 0 if malformed. */
static int parse(char *args, char **name, long *pid, unsigned long long *start, int want_start) {
    char *sp = strchr(args, ' ');
    if (sp == NULL) {
        return 0;
    }
    *sp = '\0';
    *name = args;
    char *end;
    errno = 0;
    *pid = strtol(sp + 1, &end, 10);
    if (errno != 0 || *pid <= 0 || end == sp + 1) {
        return 0;
    }
    if (!want_start) {
        return *end == '\0';
    }
    if (*end != ' ') {
        return 0;
    }
    char *s = end + 1;
    *start = strtoull(s, &end, 10);
    return end != s && *end == '\0';
}

static void handle(char *line) {
    char op = line[0];
    if (op == '\0' || line[1] != ' ') {
        return;
    }
    char *args = line + 2;
    char *name = args;
    long pid = 0;
    unsigned long long start = 0;
    if (op == 'N' || op == 'H' || op == 'A') {
        if (!parse(args, &name, &pid, &start, 1)) {
            return;
        }
    } else if (op == 'D') {
        if (!parse(args, &name, &pid, &start, 0)) {
            return;
        }
    } else if (op != 'R' && op != 'U' && op != 'S' && op != 'L') {
        return;
    }
    if (!valid_name(name)) {
        return;
    }
    struct entry *e;
    switch (op) {
    case 'R':
        if (find(name) == NULL && add(name, 0) != NULL) {
            registry_append('R', name);
        }
        return;
    case 'U':
        if (find(name) != NULL) {
            discard(name);
            registry_append('U', name);
        }
        return;
    case 'N':
        watch(pid, start);      /* first: a reused pid ends the old process's holds */
        if (find(name) == NULL) {
            registry_append('R', name);
        }
        e = add(name, 1);
        if (e != NULL) {
            hold(e, pid);
        }
        return;
    default:
        break;
    }
    e = find(name);
    if (e == NULL || !e->counted) {
        return;     /* not this program's, or not counted (Python's rule) */
    }
    if (op == 'H' || op == 'A') {
        watch(pid, start);
        e = find(name);     /* a reused pid may have ended the last hold on it */
        if (e == NULL) {
            return;
        }
    }
    switch (op) {
    case 'H':
        hold(e, pid);
        break;
    case 'A':
        hold(e, pid);
        if (e->inflight > 0) {
            e->inflight--;
        }
        break;
    case 'S':
        e->inflight++;
        break;
    case 'L':
        if (e->inflight > 0) {
            e->inflight--;
        }
        settle(e);
        break;
    case 'D':
        unhold(e, pid, 0);
        break;
    default:
        break;
    }
}

/* ---- the loop --------------------------------------------------------------- */

static char line[LINE_MAX_LEN + 1];
static size_t len;
static int overlong;

/* Reads and handles every line waiting on stdin; 1 at end of file. *got: whether anything was read. */
static int drain(int *got) {
    char buf[8192];
    *got = 0;
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            return 0;
        }
        if (n <= 0) {
            return 1;
        }
        *got = 1;
        for (ssize_t i = 0; i < n; i++) {
            char c = buf[i];
            if (c == '\n') {
                if (!overlong) {
                    line[len] = '\0';
                    handle(line);
                }
                len = 0;
                overlong = 0;
            } else if (len < LINE_MAX_LEN) {
                line[len++] = c;
            } else {
                overlong = 1;
            }
        }
    }
}

int main(void) {
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (chdir("/") != 0) {
        /* only so as not to keep a directory busy */
    }
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) {
        dup2(devnull, 1);
        close(devnull);
    }
    registry_open();
    fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);

    struct pollfd *fds = NULL;
    struct proc *polled = NULL;     /* who fds[1..] were, at the poll */
    size_t capfds = 0;
    for (;;) {
        size_t n = 1;
        if (nprocs + 1 > capfds) {
            size_t c = (nprocs + 1) * 2;
            struct pollfd *f = realloc(fds, c * sizeof *f);
            struct proc *p = f == NULL ? NULL : realloc(polled, c * sizeof *p);
            if (f != NULL) {
                fds = f;
            }
            if (p != NULL) {
                polled = p;
                capfds = c;
            }
        }
        fds[0].fd = 0;
        fds[0].events = POLLIN;
        for (size_t i = 0; i < nprocs && n < capfds; i++) {
            if (procs[i].pidfd >= 0 && !procs[i].dead) {
                fds[n].fd = procs[i].pidfd;
                fds[n].events = POLLIN;
                polled[n] = procs[i];
                n++;
            }
        }
        if (poll(fds, n, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        /* Every line a process wrote before it died is in the pipe now: count them first. */
        int got;
        int eof = drain(&got);
        for (size_t i = 1; i < n; i++) {
            if (fds[i].revents != 0) {
                for (size_t j = 0; j < nprocs; j++) {
                    if (procs[j].pid == polled[i].pid && procs[j].start == polled[i].start) {
                        procs[j].dead = 1;
                    }
                }
            }
        }
        apply_deaths();
        registry_flush();
        if (eof) {
            break;
        }
        if (got) {
            /* Busy: let the next lines gather instead of waking for each (see "Batches"). */
            struct timespec pause = {0, BATCH_NANOS};
            nanosleep(&pause, NULL);
        }
    }

    /* End of file: every process of the program is gone. */
    int removed = 0;
    for (size_t i = 0; i < capacity; i++) {
        if (slots[i] != NULL && slots[i] != &TOMBSTONE) {
            removed += remove_name(slots[i]->name);
        }
    }
    if (registry >= 0) {
        close(registry);
        unlink(registry_path);
    }
    if (removed > 0) {
        fprintf(stderr, "jmp-tracker: removed %d kernel object%s left by a program that ended without "
                "removing %s\n", removed, removed == 1 ? "" : "s", removed == 1 ? "it" : "them");
    }
    return 0;
}
