package dev.jmp.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Reading {@code /proc/PID/stat}: fields counted after the command name's last ')'. */
class ProcStatTest {
    /** Fields 3..24 of a stat line, after a name with spaces and parentheses. */
    private static final String LINE = "4242 (a) b (c)) S 1 4242 4242 0 -1 4194560 800 0 0 0 5 3 0 0 20 0 9 0 "
            + "987654321 12345 67 18446744073709551615\n";

    @Test
    void numbersAfterANameWithSpacesAndParentheses() {
        assertEquals(-1, ProcStat.numberAfterName(LINE, 0), "field 3, the state, is not a number");
        assertEquals(1, ProcStat.numberAfterName(LINE, 1), "field 4, the parent");
        assertEquals(987654321L, ProcStat.numberAfterName(LINE, ProcStat.START_TIME), "field 22, the start time");
        assertEquals(Long.parseLong(ProcStat.fieldsAfterName(LINE)[ProcStat.START_TIME]),
                ProcStat.numberAfterName(LINE, ProcStat.START_TIME));
        assertEquals(-1, ProcStat.numberAfterName(LINE, 40), "past the last field");
        assertEquals(-1, ProcStat.numberAfterName("no name here", 0));
    }

    @Test
    void thisProcessAsTheKernelSeesIt() throws Exception {
        assertEquals(ProcessHandle.current().pid(), ProcStat.selfPid());
        String stat = Files.readString(Path.of("/proc/self/stat"));
        assertEquals(Long.parseLong(ProcStat.fieldsAfterName(stat)[ProcStat.START_TIME]), ProcStat.selfStartTime());
    }
}
