package dev.jmp.queue;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** Flight-recorder event: a put too large for a message went to a spill file, lasting the write. */
@Name("dev.jmp.QueueSpill")
@Label("Queue Spill")
@Category({"jmp", "Queue"})
@Description("An item too large for the message queue written to /dev/shm")
final class SpillEvent extends Event {
    @Label("Queue")
    String queue;

    @Label("Size")
    @DataAmount
    long bytes;
}
