package dev.jmp.cluster;

/** What a caller waits on: the tasks of one apply, map or imap call, whose outcomes the pool delivers. */
interface Job {
    /**
     * Task {@code index} of this job has ended. Called without the pool's lock, at most
     * once per task, from a Hazelcast callback thread or from the pool.
     */
    void deliver(int index, Outcome outcome);
}
