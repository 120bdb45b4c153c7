package dev.jmp.posix;

/** An opaque {@code posix_spawn_file_actions_t}, owned by the backend that made it. */
public interface SpawnFileActions {
}
