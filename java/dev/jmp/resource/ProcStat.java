package dev.jmp.resource;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code /proc/PID/stat}, read the one way jmp needs it: a process's pid and start time
 * (field 22, clock ticks since boot), which together name a process even after its pid
 * is reused. The command name (field 2) may hold spaces and parentheses, so fields are
 * counted after its last ')'.
 */
public final class ProcStat {
    private ProcStat() {
    }

    /** Index of the start time in {@link #fieldsAfterName}'s array (field 22 is the 20th after field 2). */
    public static final int START_TIME = 19;

    /**
     * The fields after the command name ({@code fields[0]} is field 3, the state), or
     * null if {@code stat} is not a stat line with a start time.
     */
    public static String[] fieldsAfterName(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return null;
        }
        String[] f = stat.substring(close + 1).trim().split(" ");
        return f.length > START_TIME ? f : null;
    }

    /**
     * This process's {@code /proc/self/stat} line, read once (a FileInputStream, not
     * ProcessHandle, whose first use starts the JDK's process machinery in a child).
     *
     * @throws IllegalStateException if it cannot be read or parsed
     */
    public static String self() {
        return Self.LINE;
    }

    /**
     * Field {@code index} after the command name ({@code 0} is field 3, as in
     * {@link #fieldsAfterName}) read as a non-negative number, or -1 if there is no such
     * field or it is not one. No array of fields: a process's first Lock reads its own
     * line through here, and splitting it costs a young JVM more than reading it.
     */
    public static long numberAfterName(String stat, int index) {
        int i = stat.lastIndexOf(')');
        if (i < 0) {
            return -1;
        }
        for (int f = 0; f <= index; f++) {     // one space before each field
            i = stat.indexOf(' ', i + 1);
            if (i < 0) {
                return -1;
            }
        }
        return digits(stat, i + 1);
    }

    /** The decimal number at {@code from} (up to the next non-digit); -1 if none there. */
    private static long digits(String s, int from) {
        long v = 0;
        int i = from;
        for (; i < s.length() && i - from < 18; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            v = v * 10 + (c - '0');
        }
        return i == from ? -1 : v;
    }

    /** This process's pid, from {@link #self}. */
    public static long selfPid() {
        return Self.PID;
    }

    /** This process's start time, from {@link #self}. */
    public static long selfStartTime() {
        return Self.STARTED;
    }

    private static final class Self {
        static final String LINE = read();
        static final long PID = digits(LINE, 0);
        static final long STARTED = numberAfterName(LINE, START_TIME);

        private static String read() {
            String stat;
            try (FileInputStream in = new FileInputStream("/proc/self/stat")) {
                stat = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read /proc/self/stat", e);
            }
            if (digits(stat, 0) < 0 || numberAfterName(stat, START_TIME) < 0) {
                throw new IllegalStateException("cannot parse /proc/self/stat: " + stat);
            }
            return stat;
        }
    }
}
