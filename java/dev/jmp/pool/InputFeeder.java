package dev.jmp.pool;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reads an imap's input in a thread of its own, one chunk at a time, as far ahead of
 * the consumer as the job's window allows (CPython's task handler reads every input
 * to its end at once). A thread per imap call, so that an input that blocks (a socket,
 * a slow generator) holds up only its own call; the user's iterator is only ever used
 * by this thread.
 */
final class InputFeeder implements Runnable {
    private final Engine engine;
    private final IMapJob<?> job;
    private final Iterable<?> input;
    private final int chunksize;
    private final byte[] func;

    InputFeeder(Engine engine, IMapJob<?> job, Iterable<?> input, int chunksize, byte[] func) {
        this.engine = engine;
        this.job = job;
        this.input = input;
        this.chunksize = chunksize;
        this.func = func;
    }

    @Override
    public void run() {
        try {
            feed();
        } finally {
            engine.feederDone(job);
        }
    }

    private void feed() {
        Iterator<?> it;
        try {
            it = input.iterator();
        } catch (RuntimeException | Error e) {
            job.stopInput(Outcome.thrown(e));
            return;
        }
        while (job.awaitRoom()) {
            List<Object> items = new ArrayList<>(Math.min(chunksize, 1024));
            try {
                Chunking.next(it, chunksize, items);
            } catch (RuntimeException | Error e) {
                // As CPython: the chunk being filled fails as a whole, with the input's
                // exception; the items read into it are not run.
                job.stopInput(Outcome.thrown(e));
                return;
            }
            if (!items.isEmpty() && !submit(items)) {
                return;
            }
            if (items.size() < chunksize) {
                job.stopInput(null);
                return;
            }
        }
    }

    /** Queues one chunk, or fails its position if it cannot be serialized; false once the job is stopped. */
    private boolean submit(List<Object> items) {
        byte[] args;
        int room = Frames.room(func);
        try {
            args = Batch.encode(items, "an item of the iterable", room);
        } catch (IllegalArgumentException e) {
            Throwable cause = e.getCause();
            return job.failNext(Outcome.failed(m -> new IllegalArgumentException(m, cause), e.getMessage()), items.size());
        }
        return engine.submitChunk(job, func, args, room, items.size());
    }
}
