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

    /** {@code KEYHEX [HOST]}: serve; {@code KEYHEX HOST PORT}: be a client, print what a dict holds. */
    public static void main(String[] args) throws Exception {
        byte[] key = HexFormat.of().parseHex(args[0]);
        String host = args.length > 1 ? args[1] : "127.0.0.1";
        if (args.length > 2) {
            try (SyncManager m = new SyncManager(new java.net.InetSocketAddress(host, Integer.parseInt(args[2])), key)) {
                m.connect();
                Map<String, String> d = m.dict();
                d.put("from", "client");
                System.out.println("client " + d.get("from") + " " + d.size());
            }
            return;
        }
        SyncManager m = new SyncManager(new java.net.InetSocketAddress(host, 0), key);
        m.start();
        Map<String, String> d = m.dict();
        d.put("from", "scenario");
        java.net.InetSocketAddress at = (java.net.InetSocketAddress) m.address();
        System.out.println("manager " + ManagerPid.of(m) + " " + at.getPort());
        System.out.flush();
        System.in.read();       // until killed (or stdin closes)
    }
}
