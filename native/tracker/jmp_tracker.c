/*
 * jmp-tracker: removes the kernel names a jmp program leaves behind, however it ended.
 *
 * Why a process of its own: a process killed with SIGKILL runs no exit hook, and
 * POSIX semaphores, message queues, shared memory and the spill directories in
 * /dev/shm outlive every process that used them. Something that outlives the program
 * must remove them. CPython's answer is its resource tracker, and this is the same
 * design: one tracker per program, started by its first process; every process of
 * the program holds the write end of one pipe (children inherit it), whose read end
 * is this program's stdin. A process registers a name before creating the object
 * ("R /jmp.<pid>.<random>\n") and unregisters it once it has unlinked it ("U ...\n").
 * The pipe reports end of file only when the last write end is closed, which the
 * kernel does for a process however it dies: then every process of the program is
 * gone, and whatever is still registered is removed here. It is written in C, not
 * Java, so that it costs a program one small process instead of a second JVM.
 *
 * A line is written with one write() of less than PIPE_BUF bytes, so lines from many
 * processes never interleave. Names are checked against the shape jmp gives them
 * (see KernelNames): this program runs with its user's rights and must not unlink
 * what a confused writer names.
 *
 * What a name is does not travel: names are unguessable and never reused, so each
 * one left over is tried as a semaphore, a shared-memory block, a message queue and
 * a spill directory (with the files in it), and whatever exists goes.
 *
 * The registry: so that `jmp ls` can show a program's names (message queues cannot be
 * listed where /dev/mqueue is not mounted) and tell whether its program is alive, the
 * tracker appends each line it accepts to /dev/shm/jmp-tracker.<its pid> (mode 0600).
 * Replaying the file gives the names still registered; the file exists while the
 * tracker does, and the tracker deletes it once it has removed every name. A file
 * whose tracker pid is dead (the tracker itself was killed) lists leftovers that
 * `jmp clean` may remove. When the file holds many more lines than live names it is
 * rewritten (to a .tmp file, renamed over it) so a long-running program's file stays
 * small. Writing it is best effort: a full /dev/shm costs the listing, not the cleanup.
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
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_NAME 64
#define LINE_MAX_LEN (2 + MAX_NAME + 1)

/* An open-addressing set of names; a deleted slot keeps a tombstone. */
static char **slots;
static size_t capacity;
static size_t used;      /* live names and tombstones */
static size_t live;
static char TOMBSTONE[] = "";

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

static void add(const char *name) {
    if ((used + 1) * 2 > capacity) {
        grow();
    }
    size_t i = hash(name) & (capacity - 1);
    size_t tomb = (size_t)-1;
    for (; slots[i] != NULL; i = (i + 1) & (capacity - 1)) {
        if (slots[i] == TOMBSTONE) {
            if (tomb == (size_t)-1) {
                tomb = i;
            }
        } else if (strcmp(slots[i], name) == 0) {
            return;
        }
    }
    char *copy = strdup(name);
    if (copy == NULL) {
        return;
    }
    if (tomb != (size_t)-1) {
        slots[tomb] = copy;
    } else {
        slots[i] = copy;
        used++;
    }
    live++;
}

static void discard(const char *name) {
    if (capacity == 0) {
        return;
    }
    for (size_t i = hash(name) & (capacity - 1); slots[i] != NULL; i = (i + 1) & (capacity - 1)) {
        if (slots[i] != TOMBSTONE && strcmp(slots[i], name) == 0) {
            free(slots[i]);
            slots[i] = TOMBSTONE;
            live--;
            return;
        }
    }
}

static void grow(void) {
    char **old = slots;
    size_t old_capacity = capacity;
    size_t n = capacity == 0 ? 64 : capacity;
    while (live * 4 >= n) {
        n *= 2;
    }
    if (n == capacity && used - live < capacity / 4) {
        n *= 2;
    }
    slots = calloc(n, sizeof(char *));
    if (slots == NULL) {
        slots = old;     /* keep what we have; the next add probes a fuller table */
        return;
    }
    capacity = n;
    used = live = 0;
    for (size_t i = 0; i < old_capacity; i++) {
        if (old[i] != NULL && old[i] != TOMBSTONE) {
            add(old[i]);
            free(old[i]);
        }
    }
    free(old);
}

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

static int remove_name(const char *name) {
    int removed = 0;
    removed |= sem_unlink(name) == 0;
    removed |= shm_unlink(name) == 0;
    removed |= mq_unlink(name) == 0;
    removed |= remove_directory(name);
    return removed;
}

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
    for (size_t i = 0; i < capacity; i++) {
        if (slots[i] != NULL && slots[i] != TOMBSTONE) {
            write_all(fd, "R ", 2);
            write_all(fd, slots[i], strlen(slots[i]));
            write_all(fd, "\n", 1);
        }
    }
    if (rename(tmp, registry_path) != 0) {
        close(fd);
        unlink(tmp);
        return;
    }
    close(registry);
    registry = fd;
    registry_lines = live;
}

static void registry_append(const char *line) {
    if (registry < 0) {
        return;
    }
    write_all(registry, line, strlen(line));
    write_all(registry, "\n", 1);
    if (++registry_lines > 2 * live + 256) {
        registry_compact();
    }
}

static void handle(char *line) {
    if ((line[0] != 'R' && line[0] != 'U') || line[1] != ' ' || !valid_name(line + 2)) {
        return;
    }
    if (line[0] == 'R') {
        add(line + 2);
    } else {
        discard(line + 2);
    }
    registry_append(line);
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

    char buf[8192];
    char line[LINE_MAX_LEN + 1];
    size_t len = 0;
    int overlong = 0;
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
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

    /* End of file: every process of the program is gone. */
    int removed = 0;
    for (size_t i = 0; i < capacity; i++) {
        if (slots[i] != NULL && slots[i] != TOMBSTONE) {
            removed += remove_name(slots[i]);
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
