package dev.jmp.posix;

/** The posix contract on jnr-ffi, the fallback ({@code -Djmp.posix=jnr}). */
class JnrPosixTest extends PosixContract {
    @Override
    Posix backend() {
        return new JnrPosix();
    }
}
