package dev.jmp.manager;

import dev.jmp.Client;
import dev.jmp.Connection;
import java.net.InetSocketAddress;

/** A manager address is a String (AF_UNIX, or {@code "\0name"}) or an InetSocketAddress. */
public final class Addresses {
    private Addresses() {
    }

    public static Object check(Object address) {
        if (address != null && !(address instanceof String) && !(address instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("a manager address is a String (AF_UNIX) or an InetSocketAddress, not "
                    + address.getClass().getName());
        }
        return address;
    }

    /** Connects and authenticates; a failure to reach the manager is ProcessError naming the address. */
    public static Connection connect(Object address, byte[] authkey) {
        try {
            return address instanceof InetSocketAddress inet ? Client.connect(inet, authkey)
                    : Client.connect((String) address, authkey);
        } catch (dev.jmp.AuthenticationError e) {
            throw e;
        } catch (dev.jmp.InterruptedError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new dev.jmp.ProcessError("cannot reach the manager at " + show(address) + ": " + e.getMessage(), e);
        }
    }

    /** For messages: an abstract AF_UNIX name shows its NUL as {@code \0}. */
    public static String show(Object address) {
        return address instanceof String s ? "'" + s.replace("\0", "\\0") + "'" : String.valueOf(address);
    }
}
