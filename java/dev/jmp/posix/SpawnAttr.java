package dev.jmp.posix;

/** An opaque {@code posix_spawnattr_t}, owned by the backend that made it. */
public interface SpawnAttr {
}
