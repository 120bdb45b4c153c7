package dev.jmp.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A Segment's mmap: shared between two views, kept while a duplicate lives, unmapped once no buffer is reachable. */
class SegmentMappingTest {

    private static boolean mapped(String name) throws Exception {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().anyMatch(l -> l.contains("/dev/shm" + name));
    }

    @Test
    void twoViewsShareTheBytesAndTheMappingGoesWithTheLastBuffer() throws Exception {
        Segment created = Segment.createFresh(4096, Segment.Unlink.AT_EXIT);
        String name = created.name();
        Segment attached = Segment.attach(name);
        created.unlink();               // the mappings stay; nothing is left for exit
        assertEquals(4096, attached.size());
        created.buffer().putLong(4088, 42);
        assertEquals(42, attached.buffer().getLong(4088));
        ByteBuffer kept = attached.buffer().duplicate().order(java.nio.ByteOrder.nativeOrder());
        created = null;
        attached = null;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);           // the cleaner thread runs after a GC
        }
        assertEquals(42, kept.getLong(4088), "a duplicate keeps its mapping");
        assertTrue(mapped(name));
        kept = null;
        long end = System.nanoTime() + 10_000_000_000L;
        while (mapped(name) && System.nanoTime() < end) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(!mapped(name), "unmapped once no buffer over it is reachable");
    }
}
