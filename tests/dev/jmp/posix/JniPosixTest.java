package dev.jmp.posix;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;

/** The posix contract on libjmp, the default backend. */
class JniPosixTest extends PosixContract {
    @Override
    Posix backend() {
        return Posix.libc();
    }

    @Test
    void jniIsTheDefault() {
        assertInstanceOf(JniPosix.class, Posix.libc());
    }
}
