package dev.jmp.manager;

/**
 * The wire protocol between a manager's proxies and its server, written down once.
 *
 * <pre>{@code
 *   client (a proxy's thread)                      server (one thread per connection)
 *   ------------------------                      -----------------------------------
 *   Client.connect(address, authkey)  ---------->  Listener.accept(): CPython's HMAC
 *                                     <---------   challenge both ways; nothing is
 *                                                  deserialized before it passes
 *   send(Request)                     ---------->  recv: one request per message
 *     CALL     id, "iface.name(types)", args       the method of the interface, on object id
 *     CREATE   typeid, "iface", factory args       the typeid's factory, checked against iface
 *     SHUTDOWN                                     reply, then the server process exits
 *   recv(Reply)                       <----------  send(Reply)
 *     RETURN   value                               a copy (views and iterators snapshotted)
 *     PROXY    typeid, server, id                  a new shared object (create, or a result
 *                                                  that cannot travel as a copy)
 *     ERROR    Throwable                           the call threw; the server goes on
 * }</pre>
 *
 * <p>One request, one reply, on one connection: a call is exactly one round trip, and a
 * bulk call ({@code putAll}, {@code addAll}, {@code entrySet()}, {@code iterator()}) is one
 * call. A client keeps one connection per thread and manager (CPython's thread-local
 * connections), so a call that blocks in the server ({@code take()}, {@code lock()})
 * blocks only its own thread, and a lock taken through a proxy is owned by the server
 * thread of that client thread, as in CPython.
 *
 * <p>A message is a Connection message (CPython's framing, sent with sendBytes), its body
 * one of these frames (integers big-endian; {@code utf}: an int byte length, -1 for
 * null, then modified UTF-8):
 * <pre>
 *   request  +----+---------+-------------+--------------------+---------+---------+--
 *            | op | id (8)  | name (utf)  | argument count (4) | value 0 | value 1 | ...
 *            +----+---------+-------------+--------------------+---------+---------+--
 *            (count -1: no argument array, as a Proxy passes a method without parameters)
 *   reply    +------+-------------------------------------------------------------+
 *            | kind | RETURN, ERROR: one value; PROXY: typeid (utf), server (8), id (8) |
 *            +------+-------------------------------------------------------------+
 *   value    +-----+----------------------------------------------------+
 *            | tag | NULL, TRUE, FALSE: nothing; INT, FLOAT: 4; LONG,    |
 *            |     | DOUBLE: 8 (raw IEEE bits); SHORT, CHAR: 2; BYTE: 1;  |
 *            |     | STRING: utf; BYTES and SERIALIZED: int length + bytes|
 *            +-----+----------------------------------------------------+
 * </pre>
 * A value whose class is none of those (exactly: a subclass is not a String) travels
 * SERIALIZED: a complete Java serialization stream, read through the Connection's
 * ObjectInputFilter and limits (see {@code dev.jmp.connection.MessageReader}); a
 * Throwable always does. Both ends decode only after the handshake, so a peer without
 * the authkey never reaches ObjectInputStream. A proxy inside a value travels as its
 * {@link Token}. See {@code Codec} for why the frame is not one serialized object.
 *
 * <p>A server started by {@code BaseManager.start()} first says, on a pipe from its
 * starter, where it listens: {@link #LISTENING_AT} and an AF_UNIX address in UTF-8, or
 * (a TCP address, or the exception that kept it from listening) a Java serialization
 * stream, whose first byte is 0xAC.
 */
public final class ManagerDescriptor {
    private ManagerDescriptor() {
    }

    public static final byte CALL = 1;
    public static final byte CREATE = 2;
    public static final byte SHUTDOWN = 3;

    public static final byte RETURN = 1;
    public static final byte PROXY = 2;
    public static final byte ERROR = 3;

    // value tags
    static final int NULL = 0;
    static final int STRING = 1;
    static final int INT = 2;
    static final int LONG = 3;
    static final int DOUBLE = 4;
    static final int TRUE = 5;
    static final int FALSE = 6;
    static final int BYTES = 7;
    static final int FLOAT = 8;
    static final int SHORT = 9;
    static final int CHAR = 10;
    static final int BYTE = 11;
    static final int SERIALIZED = 12;

    /** The first byte of a starting server's "listening at this AF_UNIX address". */
    public static final byte LISTENING_AT = 'U';

    /** CPython's manager listens with this backlog. */
    public static final int BACKLOG = 128;

    /**
     * The signature a CALL names: the declaring interface, the method, its parameter types,
     * e.g. {@code java.util.Map.put(java.lang.Object,java.lang.Object)}.
     */
    public static String signature(java.lang.reflect.Method m) {
        StringBuilder sb = new StringBuilder(m.getDeclaringClass().getName()).append('.').append(m.getName()).append('(');
        Class<?>[] types = m.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(types[i].getName());
        }
        return sb.append(')').toString();
    }
}
