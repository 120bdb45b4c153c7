package dev.jmp.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.PosixException;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

class ErrnoTest {

    /** Every errno constant of Linux is the number its name says, by the table Errno names errors with. */
    @Test
    void everyConstantOfLinuxIsNamedByTheTable() throws IllegalAccessException {
        int checked = 0;
        for (Field f : Linux.class.getFields()) {
            if (f.getName().matches("E[A-Z]+") && f.getType() == int.class && Modifier.isStatic(f.getModifiers())) {
                assertEquals(f.getName(), Errno.name(f.getInt(null)), "Linux." + f.getName());
                checked++;
            }
        }
        assertTrue(checked >= 20, "errno constants found: " + checked);
    }

    @Test
    void jmpsOwnTextKeepsTheErrnosNumberAndName() {
        IOException cause = new IOException("seen by Java");
        PosixException e = Errno.exception("shm_open", Linux.EACCES, "Permission denied: /x", cause);
        assertEquals("shm_open: Permission denied: /x (errno 13, EACCES)", e.getMessage());
        assertEquals(Linux.EACCES, e.errno());
        assertSame(cause, e.getCause());
        assertEquals("sem_post: Value too large for defined data type (errno 75, EOVERFLOW)",
                Errno.exception("sem_post", Linux.EOVERFLOW).getMessage());
        assertNull(Errno.name(4095));
    }
}
