package dev.jmp.spawn;

import java.io.ObjectInputFilter;

/**
 * A thread a spawned child sent a serialized Process (not a direct payload: see
 * {@link LambdaRef}) starts first thing, to initialize what its first
 * {@code ObjectInputStream} would otherwise initialize on the main thread, while the
 * main thread reads the payload and initializes ObjectInputStream itself.
 *
 * <p>Why: the first {@code new ObjectInputStream} in a JVM initializes
 * {@code ObjectInputFilter.Config}, whose static initializer asks
 * {@code System.getLogger}, and that looks for a {@code LoggerFinder} service on the
 * whole classpath: it opens every jar the child was given (12 for jmp's own
 * dependencies) and reads its central directory, then loads the security properties.
 * Started here, that overlaps the main thread's own reading of the payload instead of
 * following it: a machine with two cores has nothing else for the child to run on the
 * second.
 *
 * <p>A named class and not a lambda: a JVM's first lambda costs it the
 * java.lang.invoke bootstrap, and this runs before anything has paid for that.
 */
final class Preinit extends Thread {
    Preinit() {
        super("jmp-preinit");
        setDaemon(true);
    }

    @Override
    public void run() {
        ObjectInputFilter.Config.getSerialFilter();
    }
}
