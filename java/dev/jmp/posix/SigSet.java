package dev.jmp.posix;

/** An opaque {@code sigset_t}, owned by the backend that made it. */
public interface SigSet {
}
