package dev.jmp.pool;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;

/** How map and imap cut their input into the chunks a worker runs as one task. */
public final class Chunking {
    private Chunking() {
    }

    /**
     * CPython's rule for {@code map} without a chunksize: about four chunks per worker,
     * {@code chunksize, extra = divmod(len, processes * 4); if extra: chunksize += 1};
     * 0 for empty input. Four per worker, not one, so that a worker that finishes early
     * takes another chunk instead of idling while a slow one finishes.
     */
    public static int defaultChunksize(int length, int processes) {
        if (length == 0) {
            return 0;
        }
        int per = processes * 4;
        int chunksize = length / per;
        if (length % per != 0) {
            chunksize++;
        }
        return chunksize;
    }

    /** The input of map: a copy of it as a list (map needs its length, as CPython's does). */
    static <T> List<T> materialize(Iterable<T> iterable) {
        List<T> list = iterable instanceof Collection<?> c ? new ArrayList<>(c.size()) : new ArrayList<>();
        for (T t : iterable) {
            list.add(t);
        }
        return list;
    }

    /** Up to {@code size} next items of {@code it}; fewer only at its end. */
    static List<Object> next(Iterator<?> it, int size, List<Object> into) {
        while (into.size() < size && it.hasNext()) {
            into.add(it.next());
        }
        return into;
    }

    /** Checks a chunksize given by the caller, as CPython's imap does. */
    static void check(int chunksize) {
        if (chunksize < 1) {
            throw new IllegalArgumentException("Chunksize must be 1+, not " + chunksize);
        }
    }
}
