package dev.jmp.spawn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A preparing child loads jmp's own classes, found in its jar or classes directory. */
class PreloadTest {

    @Test
    void everyClassOfJmpIsFoundAndLoaded() {
        int loaded = Preload.jmpClasses();
        // The posix, spawn, queue, pool, sync and shm packages alone hold well over 100.
        assertTrue(loaded > 100, loaded + " classes");
    }
}
