package dev.jmp.manager;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * What names a shared object: the manager's address and authkey, the server instance, the
 * object's id and typeid. A proxy travels as its Token (CPython's {@code Token}, plus the
 * authkey: see the README, "Managers", for why the key travels with it).
 *
 * <p>{@code server} is a random number per server process: a proxy deserialized inside
 * the server that owns its object becomes a direct reference to it (no socket), whatever
 * address the client reached the server by.
 */
public record Token(String typeid, Object address, byte[] authkey, long server, long id) implements Serializable {
    public Token {
        Objects.requireNonNull(address, "address");
        authkey = authkey == null ? null : authkey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Token t && t.server == server && t.id == id;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(server * 31 + id);
    }

    @Override
    public String toString() {
        return "Token(typeid='" + typeid + "', address=" + Addresses.show(address) + ", id=" + id + ")";
    }

    /** Not the key itself: a record's generated accessor would hand out the array. */
    @Override
    public byte[] authkey() {
        return authkey == null ? null : Arrays.copyOf(authkey, authkey.length);
    }
}
