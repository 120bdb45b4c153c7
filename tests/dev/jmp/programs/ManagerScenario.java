package dev.jmp.programs;

import dev.jmp.SyncManager;
import java.util.HexFormat;
import java.util.Map;

/**
 * A program that starts a manager, tells where it is (pid, address, key), fills a dict
 * and then waits to be killed: the creator that ManagerFaultTest kills by SIGKILL and
 * connects to from another program.
 */
public final class ManagerScenario {
    private ManagerScenario() {
    }

    public static void main(String[] args) throws Exception {
        byte[] key = HexFormat.of().parseHex(args[0]);
        SyncManager m = new SyncManager(new java.net.InetSocketAddress("127.0.0.1", 0), key);
        m.start();
        Map<String, String> d = m.dict();
        d.put("from", "scenario");
        java.net.InetSocketAddress at = (java.net.InetSocketAddress) m.address();
        System.out.println("manager " + ManagerPid.of(m) + " " + at.getPort());
        System.out.flush();
        System.in.read();       // until killed (or stdin closes)
    }
}
