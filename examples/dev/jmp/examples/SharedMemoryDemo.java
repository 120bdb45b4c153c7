package dev.jmp.examples;

import dev.jmp.Process;
import dev.jmp.SharedMemory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Chapter 5: a raw block of shared memory, found by name. The main program creates
 * it and writes four bytes; a child attaches to the same name, reads them and writes
 * a fifth. The block is /dev/shm/NAME, the same object Python's
 * shared_memory.SharedMemory(NAME) attaches to.
 *
 * <p>Python (multiprocessing.shared_memory):
 * <pre>
 * def child(name):
 *     shm_b = shared_memory.SharedMemory(name)
 *     print('child sees', list(shm_b.buf[:4]))
 *     shm_b.buf[4] = 99
 *     shm_b.close()
 *
 * shm_a = shared_memory.SharedMemory(create=True, size=10)
 * shm_a.buf[:4] = bytearray([22, 33, 44, 55])
 * p = Process(target=child, args=(shm_a.name,)); p.start(); p.join()
 * print('parent sees', list(shm_a.buf[:5]))
 * shm_a.close()
 * shm_a.unlink()
 * </pre>
 */
public final class SharedMemoryDemo {
    private SharedMemoryDemo() {
    }

    static List<Byte> bytes(ByteBuffer buf, int n) {
        List<Byte> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(buf.get(i));
        }
        return list;
    }

    static void child(String name) {
        SharedMemory shmB = new SharedMemory(name, false, 0);
        System.out.println("child sees " + bytes(shmB.buf(), 4));
        shmB.buf().put(4, (byte) 99);
        shmB.close();
    }

    public static void main(String[] args) {
        SharedMemory shmA = new SharedMemory(null, true, 10);
        shmA.buf().put(new byte[] {22, 33, 44, 55});
        String name = shmA.name();
        Process p = new Process(() -> child(name));
        p.start();
        p.join();
        System.out.println("parent sees " + bytes(shmA.buf(), 5));
        shmA.close();
        shmA.unlink();
    }
}
