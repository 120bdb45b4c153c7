package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.posix.Posix;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * jmp and the real CPython (found as the benchmarks find it) on the two ends of a
 * socket: CPython's Client against a jmp Listener on AF_UNIX and TCP, a jmp Client
 * against CPython's Listener, with HMAC authentication (CPython 3.11 answers and
 * challenges in the legacy MD5 form; jmp challenges in the {sha256} form, which an old
 * peer answers with MD5 over the whole challenge), and a Python process reading jmp fds
 * with blocking expectations.
 */
class ListenerPythonTest {
    private static final byte[] KEY = "shared secret".getBytes(StandardCharsets.US_ASCII);

    private static final String PY_CLIENT = String.join("\n",
            "import sys, json",
            "from multiprocessing.connection import Client",
            "addr = sys.argv[1] if sys.argv[2] == '' else (sys.argv[1], int(sys.argv[2]))",
            "c = Client(addr, authkey=sys.argv[3].encode())",
            "c.send_bytes(json.dumps({'from': 'python', 'n': 1}).encode())",
            "m = json.loads(c.recv_bytes())",
            "m['n'] += 1",
            "c.send_bytes(json.dumps(m).encode())",
            "c.close()",
            "");

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void pythonClientTalksTo(Listener l, String host, String port, byte[] key) throws Exception {
        try (PythonPeer py = PythonPeer.run(PY_CLIENT, host, port, new String(key, StandardCharsets.US_ASCII))) {
            try (Connection c = l.accept(Duration.ofSeconds(60))) {
                assertEquals("{\"from\": \"python\", \"n\": 1}", new String(c.recvBytes(), StandardCharsets.UTF_8));
                c.sendBytes(utf8("{\"from\": \"java\", \"n\": 41}"));
                assertEquals("{\"from\": \"java\", \"n\": 42}", new String(c.recvBytes(), StandardCharsets.UTF_8));
            }
            PythonPeer.Result r = py.finish();
            assertEquals(0, r.exitcode(), r.output());
        }
    }

    @Test
    void cpythonClientAndJmpListenerOnUnixAndTcp() throws Exception {
        PythonPeer.assumePresent();
        try (Listener l = new Listener((String) null, KEY)) {
            pythonClientTalksTo(l, (String) l.address(), "", KEY);
        }
        try (Listener l = new Listener(new InetSocketAddress("127.0.0.1", 0), KEY)) {
            pythonClientTalksTo(l, "127.0.0.1", Integer.toString(((InetSocketAddress) l.address()).getPort()), KEY);
        }
    }

    @Test
    void aWrongKeyFailsOnBothSides() throws Exception {
        PythonPeer.assumePresent();
        try (Listener l = new Listener((String) null, KEY);
             PythonPeer py = PythonPeer.run(PY_CLIENT, (String) l.address(), "", "wrong")) {
            AuthenticationError e = assertThrows(AuthenticationError.class, () -> l.accept(Duration.ofSeconds(60)));
            assertTrue(e.getMessage().contains("digest received was wrong"), e.getMessage());
            PythonPeer.Result r = py.finish();
            assertTrue(r.exitcode() != 0 && r.output().contains("AuthenticationError"), r.output());
        }
    }

    private static final String PY_LISTENER = String.join("\n",
            "import sys",
            "from multiprocessing.connection import Listener",
            "addr = sys.argv[1] if sys.argv[1] != 'tcp' else ('127.0.0.1', 0)",
            "with Listener(addr, authkey=sys.argv[2].encode()) as l:",
            "    print(l.address[1] if isinstance(l.address, tuple) else l.address, flush=True)",
            "    for _ in range(int(sys.argv[3])):",
            "        try:",
            "            with l.accept() as c:",
            "                m = c.recv_bytes()",
            "                c.send_bytes(m.upper())",
            "        except Exception as e:",
            "            print('refused', type(e).__name__, flush=True)",
            "");

    @Test
    void jmpClientAndCpythonListener() throws Exception {
        String path = new File(System.getProperty("java.io.tmpdir"), "jmp-py-" + ProcessHandle.current().pid()).getPath();
        try (PythonPeer py = PythonPeer.run(PY_LISTENER, path, "shared secret", "2")) {
            assertEquals(path, py.readLine());
            AuthenticationError wrong = assertThrows(AuthenticationError.class, () -> Client.connect(path, utf8("nope")));
            assertTrue(wrong.getMessage().contains("rejected"), wrong.getMessage());
            assertEquals("refused AuthenticationError", py.readLine());
            try (Connection c = Client.connect(path, KEY)) {
                c.sendBytes(utf8("over unix"));
                assertEquals("OVER UNIX", new String(c.recvBytes(), StandardCharsets.UTF_8));
            }
            assertEquals(0, py.finish().exitcode());
        }
        try (PythonPeer py = PythonPeer.run(PY_LISTENER, "tcp", "shared secret", "1")) {
            int port = Integer.parseInt(py.readLine());
            try (Connection c = Client.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), KEY)) {
                c.sendBytes(utf8("over tcp"));
                assertEquals("OVER TCP", new String(c.recvBytes(), StandardCharsets.UTF_8));
            }
            assertEquals(0, py.finish().exitcode());
        }
    }

    /**
     * Python receives a duplex jmp Connection's fd and a simplex pipe's read end (the same
     * open files jmp uses, by SCM_RIGHTS) and reads them with recv_bytes, which fails with
     * BlockingIOError on an O_NONBLOCK fd with nothing in it yet.
     */
    private static final String PY_FD_READER = String.join("\n",
            "import os, socket, sys",
            "from multiprocessing import reduction",
            "from multiprocessing.connection import Client, Connection",
            "c = Client(sys.argv[1])",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, fileno=os.dup(c.fileno()))",
            "duplex_fd, pipe_fd = reduction.recvfds(s, 2)",
            "print('blocking', os.get_blocking(duplex_fd), os.get_blocking(pipe_fd), flush=True)",
            "duplex = Connection(duplex_fd)",
            "pipe = Connection(pipe_fd, writable=False)",
            "c.send_bytes(b'ready')",
            "m1 = duplex.recv_bytes()",
            "m2 = pipe.recv_bytes()",
            "duplex.send_bytes(m1 + b'+' + m2)",
            "");

    @Test
    void aPythonProcessReadsJmpFdsAsBlockingFds() throws Exception {
        try (Listener l = new Listener((String) null, null);
             Pipe duplex = Pipe.open(); Pipe simplex = Pipe.open(false);
             PythonPeer py = PythonPeer.run(PY_FD_READER, (String) l.address())) {
            try (Connection c = l.accept(Duration.ofSeconds(60))) {
                int[] fds = {duplex.conn2().fileno(), simplex.conn1().fileno()};
                assertEquals(1, Posix.libc().sendmsg(c.fileno(), new byte[] {2}, 0, 1, fds, 0));
                assertEquals("blocking True True", py.readLine());
                assertArrayEquals(utf8("ready"), c.recvBytes());
                // Python is (or is about to be) blocked in recv_bytes on both fds.
                duplex.conn1().sendBytes(utf8("socket"));
                simplex.conn2().sendBytes(utf8("pipe"));
                assertEquals("socket+pipe", new String(duplex.conn1().recvBytes(), StandardCharsets.UTF_8));
            }
            PythonPeer.Result r = py.finish();
            assertEquals(0, r.exitcode(), r.output());
        }
    }
}
