package dev.jmp.queue;

import dev.jmp.resource.OwnedName;

/**
 * One message on its way into a message queue: the bytes of an inline item, or the
 * reference to a spilled one together with the spill's name, which this process owns
 * until the message is in the queue (see {@link Spill}).
 */
final class Outgoing {
    final byte[] message;
    final int length;
    private OwnedName spill;

    Outgoing(byte[] message, int length) {
        this.message = message;
        this.length = length;
    }

    void own(OwnedName name) {
        spill = name;
    }

    boolean spilled() {
        return spill != null;
    }

    /** The message is in the queue: a spilled payload now belongs to whoever receives it. */
    void sent() {
        if (spill != null) {
            spill.disown();
        }
    }

    /** The message will never be sent: its spilled payload goes now. */
    void dropped() {
        if (spill != null) {
            spill.unlink();
        }
    }
}
