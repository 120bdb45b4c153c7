package dev.jmp.spawn;

/**
 * {@code -Djmp.traceStart=true} (passed on to children like every {@code jmp.*}
 * property): each child prints, as it exits, one line to stderr with the moments its
 * start went through, {@code jmp-trace pid=N main=T read=T ...}, where each T is
 * {@link System#nanoTime()}: CLOCK_MONOTONIC on Linux, so a parent that notes
 * nanoTime before {@code start()} can subtract it and get the breakdown the closing
 * notes of issue 9 quote (JVM boot, payload read, ObjectInputStream, readObject, run).
 *
 * <p>Off, it costs one static boolean test per mark.
 */
final class StartTrace {
    private StartTrace() {
    }

    private static final boolean ON = Boolean.getBoolean("jmp.traceStart");
    private static final int MAX = 16;
    private static final long[] AT = new long[MAX];
    private static final String[] WHAT = new String[MAX];
    private static int count;

    /** Called on the main thread only. */
    static void mark(String what) {
        if (ON && count < MAX) {
            AT[count] = System.nanoTime();
            WHAT[count++] = what;
        }
    }

    static void print() {
        if (!ON) {
            return;
        }
        String pid;
        try {
            pid = new java.io.File("/proc/self").getCanonicalFile().getName();
        } catch (java.io.IOException e) {
            pid = "?";
        }
        StringBuilder line = new StringBuilder("jmp-trace pid=").append(pid);
        for (int i = 0; i < count; i++) {
            line.append(' ').append(WHAT[i]).append('=').append(AT[i]);
        }
        System.err.println(line);
    }
}
