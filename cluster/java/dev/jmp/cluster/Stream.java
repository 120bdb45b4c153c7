package dev.jmp.cluster;

import dev.jmp.InterruptedError;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The iterator {@code imap} and {@code imapUnordered} return. The pool's feeder thread
 * reads the input and adds its chunks ({@link #chunk}); each chunk's outcome arrives
 * through {@link #deliver}. In order, the iterator waits for the chunks one after the
 * other; unordered, it takes them as they complete. A chunk that failed throws once
 * per item, and the iterator goes on; an exception of the input itself is thrown once,
 * where the input broke off, and ends the iteration.
 */
final class Stream<R> implements Iterator<R>, Job {
    private static final class Chunk {
        final int size;
        Outcome outcome;

        Chunk(int size) {
            this.size = size;
        }
    }

    private final boolean ordered;
    private final List<Chunk> chunks = new ArrayList<>();       // guarded by this
    private final ArrayDeque<Chunk> completed = new ArrayDeque<>(); // guarded by this; unordered only
    private boolean inputDone;                                   // guarded by this
    private int taken;                                           // chunks handed out, in order or as completed
    private Chunk current;
    private int item;

    Stream(boolean ordered) {
        this.ordered = ordered;
    }

    /** Adds a chunk of {@code size} items; returns its index (the task's). */
    synchronized int chunk(int size) {
        chunks.add(new Chunk(size));
        return chunks.size() - 1;
    }

    /** The input has ended, normally or (with {@code error} non-null) by throwing. */
    void end(RuntimeException error) {
        if (error != null) {
            deliver(chunk(1), Outcome.thrown(error));
        }
        synchronized (this) {
            inputDone = true;
            notifyAll();
        }
    }

    @Override
    public synchronized void deliver(int index, Outcome outcome) {
        Chunk c = chunks.get(index);
        c.outcome = outcome;
        if (!ordered) {
            completed.add(c);
        }
        notifyAll();
    }

    @Override
    public synchronized boolean hasNext() {
        if (current != null && item < current.size) {
            return true;
        }
        while (!inputDone && taken >= chunks.size()) {
            waitHere();
        }
        return taken < chunks.size();
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized R next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        if (current == null || item >= current.size) {
            current = take();
            item = 0;
        }
        int i = item++;
        Outcome o = current.outcome;
        if (!o.ok()) {
            if (o.isInputError()) {
                current = null;
                inputDone = true;
                taken = chunks.size();
            }
            o.value();      // throws
        }
        return (R) ((List<?>) o.value()).get(i);
    }

    private Chunk take() {
        Chunk c;
        if (ordered) {
            c = chunks.get(taken);
            while (c.outcome == null) {
                waitHere();
            }
        } else {
            while (completed.isEmpty()) {
                waitHere();
            }
            c = completed.poll();
        }
        taken++;
        return c;
    }

    private void waitHere() {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedError("interrupted waiting for an imap result");
        }
    }
}
