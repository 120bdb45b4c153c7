package dev.jmp.cluster;

/**
 * The bytes a ClusterPool sends a member for one task, and the bytes of the reply:
 * written down once here, encoded and decoded by {@link Work} and {@link Items}.
 * Hazelcast carries them as opaque byte arrays (inside a {@link RemoteTask}), so the
 * format is jmp's own and the same whether the task runs in a member's thread or in a
 * worker process of the member.
 *
 * <pre>
 * task    +------+------------+-----------------------+---------------------------+
 *         | kind | func bytes | func: Java            | items (CHUNK only)        |
 *         | 1 B  | n: int     | serialization, n B    |                           |
 *         +------+------------+-----------------------+---------------------------+
 *         kind APPLY: func is a Call; CHUNK: a Func, applied to each item
 *
 * items   +------+-------+---------------------------------------------------------+
 *         | tag  | count | INTS: count x int   LONGS: count x long                 |
 *         | 1 B  | int   | DOUBLES: count x double (IEEE 754 bits)                 |
 *         |      |       | OBJECTS: Java serialization of an ArrayList of them     |
 *         +------+-------+---------------------------------------------------------+
 *
 * reply   +--------+-------------------------------------------------------------+
 *         | status | VALUE: Java serialization of what an apply returned         |
 *         | 1 B    | ITEMS: items, what a chunk's function returned, in order    |
 *         |        | RAISED: Java serialization of the Throwable the task threw  |
 *         +--------+-------------------------------------------------------------+
 * </pre>
 *
 * All numbers big-endian. Why not Java serialization of a list, as before: it writes
 * every boxed number as an object (a handle to its class description and the value,
 * plus a handle-table entry on both sides, and a reflective allocation when read), and
 * for a map over numbers that was most of the time a chunk took, here and on the
 * member. A list whose items are all Integer, all Long or all Double (no null) is one
 * primitive array on the wire; anything else goes as Java serialization, as before.
 * The function is serialized once per call, not once per chunk.
 */
final class WireDescriptor {
    private WireDescriptor() {
    }

    static final byte APPLY = 1;
    static final byte CHUNK = 2;

    static final byte INTS = 1;
    static final byte LONGS = 2;
    static final byte DOUBLES = 3;
    static final byte OBJECTS = 4;

    static final byte VALUE = 1;
    static final byte ITEMS = 2;
    static final byte RAISED = 3;

    /** kind + the function's length. */
    static final int TASK_HEADER = 1 + 4;

    /** tag + count. */
    static final int ITEMS_HEADER = 1 + 4;
}
