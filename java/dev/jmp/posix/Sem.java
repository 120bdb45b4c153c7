package dev.jmp.posix;

/** An open named semaphore from sem_open (a {@code sem_t *}, or libjmp's handle on one), owned by the backend that made it. */
public interface Sem {
}
