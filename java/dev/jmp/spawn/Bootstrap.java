package dev.jmp.spawn;

import java.io.DataInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;

/**
 * The main class of every child JVM. Reads the serialized Process from fd 3, hands it
 * to dev.jmp.Process to run, and exits with its exit code.
 *
 * <p>It binds nothing native: fd 3 is opened as {@code /proc/self/fd/3}, a second fd
 * on the same pipe, so a child whose target only computes never loads jnr-ffi.
 *
 * <p>The payload comes from our own parent through a pipe no one else holds, so it
 * is read without an ObjectInputFilter: it is as trusted as the command line.
 */
public final class Bootstrap {
    private Bootstrap() {
    }

    public static void main(String[] args) {
        int code;
        try {
            DataInputStream in = new DataInputStream(
                    new FileInputStream("/proc/self/fd/" + FdHandover.PAYLOAD_FD));
            byte[] payload = new byte[in.readInt()];
            in.readFully(payload);
            Object process;
            try (ObjectInputStream ois = new ObjectInputStream(new java.io.ByteArrayInputStream(payload))) {
                process = ois.readObject();
            }
            Class.forName("dev.jmp.Process", true, Bootstrap.class.getClassLoader());
            code = ChildEntry.Registry.get().bootstrap(process, in);
        } catch (IOException | ClassNotFoundException | RuntimeException | LinkageError e) {
            // The target could not even be read (a class missing from the classpath, a
            // readObject that threw): report it as Python reports an unpicklable one.
            System.err.println("jmp: child could not load its Process:");
            e.printStackTrace();
            code = 1;
        }
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }
}
