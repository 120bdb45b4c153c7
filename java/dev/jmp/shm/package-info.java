/**
 * POSIX shared memory under {@code SharedMemory}, {@code Value} and {@code Array}
 * (and the Barrier's counters): {@link dev.jmp.shm.Segment}, one shm object mapped
 * in this process (created with {@code shm_open} and mapped with {@code mmap}
 * through the posix layer, attached lazily, with mmap once the native layer is loaded
 * and in plain Java before, unlinked by its creator as
 * {@link dev.jmp.resource.Lifetime} says); {@link dev.jmp.shm.CType}, CPython's
 * ctypes typecodes, sizes and conversions; {@link dev.jmp.shm.CArray}, an array of
 * one such type in a Segment of its own, with volatile access and atomic updates.
 */
package dev.jmp.shm;
