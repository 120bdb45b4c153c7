package dev.jmp.posix;

/** An opaque {@code sem_t *} from sem_open, owned by the backend that made it. */
public interface Sem {
}
