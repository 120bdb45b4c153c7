package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Listener and Client in one JVM: address families, authentication, bad clients, await. */
class ListenerTest {
    private static final byte[] KEY = "secret key".getBytes(StandardCharsets.US_ASCII);

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Accepts one client in the background. */
    private static CompletableFuture<Connection> acceptAsync(Listener l) {
        return CompletableFuture.supplyAsync(l::accept);
    }

    private static void echoOnce(Listener l, Object address, byte[] clientKey) throws Exception {
        CompletableFuture<Connection> accepted = acceptAsync(l);
        try (Connection c = address instanceof String s ? Client.connect(s, clientKey)
                : Client.connect((InetSocketAddress) address, clientKey);
             Connection server = accepted.get(60, TimeUnit.SECONDS)) {
            c.sendBytes(ascii("ping"));
            assertArrayEquals(ascii("ping"), server.recvBytes());
            server.send(List.of("pong", 42));
            assertEquals(List.of("pong", 42), c.recv());
        }
    }

    @Test
    void unixPathAbstractAndFreshAddresses() throws Exception {
        String path = new File(System.getProperty("java.io.tmpdir"), "jmp-test-" + ProcessHandle.current().pid()).getPath();
        try (Listener l = new Listener(path, KEY)) {
            assertEquals(path, l.address());
            assertTrue(new File(path).exists());
            echoOnce(l, path, KEY);
            assertEquals("", l.lastAccepted());
        }
        assertFalse(new File(path).exists(), "close removes the path the Listener made");

        String abstractName = "\0jmp-test-" + ProcessHandle.current().pid();
        try (Listener l = new Listener(abstractName, KEY)) {
            assertEquals(abstractName, l.address());
            echoOnce(l, abstractName, KEY);
        }

        try (Listener l = new Listener((String) null, 4, null)) {
            String fresh = (String) l.address();
            assertTrue(new File(fresh).exists(), fresh);
            echoOnce(l, fresh, null);
        }
    }

    @Test
    void tcpPortZeroTellsTheRealPort() throws Exception {
        try (Listener l = new Listener(new InetSocketAddress("127.0.0.1", 0), KEY)) {
            InetSocketAddress at = (InetSocketAddress) l.address();
            assertTrue(at.getPort() > 0);
            assertEquals(InetAddress.getByName("127.0.0.1"), at.getAddress());
            echoOnce(l, at, KEY);
            InetSocketAddress peer = (InetSocketAddress) l.lastAccepted();
            assertEquals(at.getAddress(), peer.getAddress());
        }
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 0);
        Listener l6;
        try {
            l6 = new Listener(v6, KEY);
        } catch (PosixException noIpv6) {
            return;     // a host without IPv6 loopback: AF_INET6 cannot be tried here
        }
        try (Listener l = l6) {
            echoOnce(l, l.address(), KEY);
        }
    }

    @Test
    void wrongKeyFailsOnBothEndsAndTheListenerGoesOn() throws Exception {
        try (Listener l = new Listener("\0jmp-wrongkey-" + ProcessHandle.current().pid(), KEY)) {
            CompletableFuture<Connection> accepted = acceptAsync(l);
            AuthenticationError client = assertThrows(AuthenticationError.class,
                    () -> Client.connect((String) l.address(), ascii("wrong")));
            assertTrue(client.getMessage().contains("rejected"), client.getMessage());
            ExecutionException server = assertThrows(ExecutionException.class, () -> accepted.get(60, TimeUnit.SECONDS));
            assertInstanceOf(AuthenticationError.class, server.getCause());
            assertTrue(server.getCause().getMessage().contains("digest received was wrong"), server.getCause().getMessage());

            echoOnce(l, l.address(), KEY);
        }
    }

    @Test
    void acceptTimesOutWithoutAClient() {
        try (Listener l = new Listener((String) null, null)) {
            TimeoutError e = assertThrows(TimeoutError.class, () -> l.accept(Duration.ofMillis(100)));
            assertTrue(e.getMessage().contains("no client"), e.getMessage());
        }
    }

    // ---- bad clients: each costs its own connection, the next one is served ---------

    private static SocketChannel raw(Listener l) throws IOException {
        return SocketChannel.open(UnixDomainSocketAddress.of((String) l.address()));
    }

    /** End of file, or a reset (the peer closed with our bytes unread). */
    private static boolean closedByPeer(SocketChannel ch) {
        try {
            return ch.read(ByteBuffer.allocate(64)) == -1;
        } catch (IOException reset) {
            return true;
        }
    }

    private static void frame(SocketChannel ch, byte[] body) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).flip();
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static byte[] readFrame(SocketChannel ch) throws IOException {
        InputStream in = Channels.newInputStream(ch);
        byte[] h = in.readNBytes(4);
        int n = ByteBuffer.wrap(h).getInt();
        return in.readNBytes(n);
    }

    @Test
    void badClientsGetAnErrorAndTheListenerKeepsAccepting() throws Exception {
        String old = System.getProperty("jmp.connection.handshakeTimeout");
        System.setProperty("jmp.connection.handshakeTimeout", "0.5");
        try (Listener l = new Listener((String) null, KEY)) {
            // Garbage instead of a framed answer: a header that claims 1 GiB.
            try (SocketChannel ch = raw(l)) {
                CompletableFuture<Connection> accepted = acceptAsync(l);
                assertTrue(new String(readFrame(ch), StandardCharsets.ISO_8859_1).startsWith("#CHALLENGE#{sha256}"));
                ch.write(ByteBuffer.wrap(new byte[] {0x40, 0, 0, 0, 'x'}));
                Throwable e = assertThrows(ExecutionException.class, () -> accepted.get(60, TimeUnit.SECONDS)).getCause();
                assertInstanceOf(AuthenticationError.class, e);
                assertTrue(e.getMessage().contains("bad message length"), e.getMessage());
                assertTrue(closedByPeer(ch), "the listener closed that connection");
            }
            // A well-framed answer of the wrong shape.
            try (SocketChannel ch = raw(l)) {
                CompletableFuture<Connection> accepted = acceptAsync(l);
                readFrame(ch);
                frame(ch, ascii("{nope}0123456789012345678901234567890123"));
                Throwable e = assertThrows(ExecutionException.class, () -> accepted.get(60, TimeUnit.SECONDS)).getCause();
                assertInstanceOf(AuthenticationError.class, e);
                assertTrue(e.getMessage().contains("unsupported"), e.getMessage());
                assertArrayEquals(ascii("#FAILURE#"), readFrame(ch));
            }
            // A client that connects and says nothing.
            try (SocketChannel ch = raw(l)) {
                CompletableFuture<Connection> accepted = acceptAsync(l);
                Throwable e = assertThrows(ExecutionException.class, () -> accepted.get(60, TimeUnit.SECONDS)).getCause();
                assertInstanceOf(AuthenticationError.class, e);
                assertTrue(e.getMessage().contains("handshakeTimeout"), e.getMessage());
            }
            // A client that stops in the middle of a frame.
            try (SocketChannel ch = raw(l)) {
                CompletableFuture<Connection> accepted = acceptAsync(l);
                readFrame(ch);
                ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 32, 1, 2, 3}));
                Throwable e = assertThrows(ExecutionException.class, () -> accepted.get(60, TimeUnit.SECONDS)).getCause();
                assertInstanceOf(AuthenticationError.class, e);
                assertTrue(e.getMessage().contains("handshakeTimeout"), e.getMessage());
            }
            // And the next, honest client is served.
            echoOnce(l, l.address(), KEY);
        } finally {
            if (old == null) {
                System.clearProperty("jmp.connection.handshakeTimeout");
            } else {
                System.setProperty("jmp.connection.handshakeTimeout", old);
            }
        }
    }

    @Test
    void randomBytesInPlaceOfTheAnswerNeverHangTheListener() throws Exception {
        java.util.Random random = new java.util.Random(16);
        try (Listener l = new Listener((String) null, KEY)) {
            for (int i = 0; i < 30; i++) {
                byte[] junk = new byte[random.nextInt(300)];
                random.nextBytes(junk);
                if (i % 3 == 0 && junk.length >= 4) {      // a plausible header, then junk
                    junk[0] = 0;
                    junk[1] = 0;
                    junk[2] = 0;
                    junk[3] = (byte) random.nextInt(64);
                }
                try (SocketChannel ch = raw(l)) {
                    CompletableFuture<Connection> accepted = acceptAsync(l);
                    ch.write(ByteBuffer.wrap(junk));
                    ch.shutdownOutput();
                    Throwable e = assertThrows(ExecutionException.class, () -> accepted.get(60, TimeUnit.SECONDS)).getCause();
                    assertInstanceOf(AuthenticationError.class, e, "junk of " + junk.length + " bytes");
                }
            }
            echoOnce(l, l.address(), KEY);
        }
    }

    @Test
    void aClientFacingGarbageGetsAnAuthenticationError() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> fake = CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                    byte[] hello = ascii("HTTP/1.1 200 OK\r\n");
                    out.write(ByteBuffer.allocate(4).putInt(hello.length).array());
                    out.write(hello);
                    s.getInputStream().read();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            AuthenticationError e = assertThrows(AuthenticationError.class, () -> Client.connect(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), KEY));
            assertTrue(e.getMessage().contains("expected a challenge"), e.getMessage());
            fake.get(60, TimeUnit.SECONDS);
        }
    }

    // ---- Connection.await ---------------------------------------------------------

    @Test
    void awaitReturnsTheReadyOnesInOnePoll() throws Exception {
        try (Pipe a = Pipe.open(); Pipe b = Pipe.open(false); Listener l = new Listener((String) null, null)) {
            List<Object> all = List.of(a.conn1(), b.conn1(), l, a.conn2().fileno());
            assertEquals(List.of(), Connection.await(all, Duration.ofMillis(50)));

            b.conn2().sendBytes(ascii("x"));
            assertEquals(List.of(b.conn1()), Connection.await(all, null));

            try (Connection c = Client.connect((String) l.address(), null)) {
                a.conn2().send("y");
                List<Object> ready = Connection.await(all, Duration.ofSeconds(60));
                assertEquals(List.of(a.conn1(), b.conn1(), l), ready);
                l.accept().close();
            }
            assertThrows(IllegalArgumentException.class, () -> Connection.await(List.of("nope"), Duration.ZERO));
        }
    }

    // ---- a Connection or a Listener through a Connection ------------------------------

    @Test
    void aConnectionSentThroughAConnectionArrivesUsable() {
        try (Pipe carrier = Pipe.open(); Pipe payload = Pipe.open(false)) {
            carrier.conn1().send(payload.conn2());
            payload.conn2().close();       // the sender closes its end before the receiver unpickles
            try (Connection sendEnd = carrier.conn2().recv()) {
                assertTrue(sendEnd.writable());
                assertFalse(sendEnd.readable());
                sendEnd.sendBytes(ascii("through"));
                assertArrayEquals(ascii("through"), payload.conn1().recvBytes());
            }
            assertThrows(EOFError.class, payload.conn1()::recvBytes);
        }
    }

    @Test
    void aTicketIsGoodForOneFetch() throws Exception {
        try (Pipe payload = Pipe.open()) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                out.writeObject(payload.conn1());
            }
            byte[] once = bytes.toByteArray();
            readObject(once).close();
            Exception e = assertThrows(Exception.class, () -> readObject(once));
            assertTrue(e.getMessage().contains("received already"), e.getMessage());
        }
    }

    private static Connection readObject(byte[] bytes) throws Exception {
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes))) {
            return (Connection) in.readObject();
        }
    }

    @Test
    void aListenerSentThroughAConnectionStillAccepts() throws Exception {
        try (Pipe carrier = Pipe.open(); Listener l = new Listener((String) null, KEY)) {
            carrier.conn1().send(l);
            try (Listener copy = carrier.conn2().recv()) {
                assertEquals(l.address(), copy.address());
                echoOnce(copy, l.address(), KEY);
            }
        }
    }
}
