package dev.jmp.manager;

/** The server's answer to one {@link Request} (see {@link ManagerDescriptor}). */
public record Reply(byte kind, Object value) {
    static Reply value(Object v) {
        return new Reply(ManagerDescriptor.RETURN, v);
    }

    static Reply proxy(Token t) {
        return new Reply(ManagerDescriptor.PROXY, t);
    }

    static Reply error(Throwable t) {
        return new Reply(ManagerDescriptor.ERROR, t);
    }
}
