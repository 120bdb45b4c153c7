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

    /** This process's pid, from {@link #self}. */
    public static long selfPid() {
        String stat = self();
        return Long.parseLong(stat.substring(0, stat.indexOf(' ')));
    }

    /** This process's start time, from {@link #self}. */
    public static long selfStartTime() {
        return Long.parseLong(fieldsAfterName(self())[START_TIME]);
    }

    private static final class Self {
        static final String LINE = read();

        private static String read() {
            String stat;
            try (FileInputStream in = new FileInputStream("/proc/self/stat")) {
                stat = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read /proc/self/stat", e);
            }
            if (fieldsAfterName(stat) == null) {
                throw new IllegalStateException("cannot parse /proc/self/stat: " + stat);
            }
            return stat;
        }
    }
}
