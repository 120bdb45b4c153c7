package dev.jmp.spawn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What jmp needs to know of the JDK a child runs on, which is the parent's unless
 * {@code jmp.java} names another: its feature version (which options it takes, which
 * start-up archive it can use) and an identity that changes when it is updated in
 * place. Read from the JDK's {@code release} file ({@code JAVA_VERSION="25.0.1"}).
 */
final class ChildJdk {
    private ChildJdk() {
    }

    private record Known(String java, int feature) {
    }

    /** The last foreign JDK asked about: a program names one {@code jmp.java}, read once. */
    private static volatile Known known;

    /** The feature version of the JDK of {@code java}; 0 if it cannot be told. */
    static int feature(String java) {
        if (java.equals(JavaCommand.defaultJava())) {
            return Runtime.version().feature();
        }
        Known k = known;
        if (k == null || !k.java().equals(java)) {
            k = new Known(java, readFeature(java));
            known = k;
        }
        return k.feature();
    }

    private static int readFeature(String java) {
        String release = release(java);
        int at = release.indexOf("JAVA_VERSION=\"");
        if (at < 0) {
            return 0;
        }
        String version = release.substring(at + "JAVA_VERSION=\"".length());
        int end = 0;
        while (end < version.length() && Character.isDigit(version.charAt(end))) {
            end++;
        }
        try {
            int feature = Integer.parseInt(version.substring(0, end));
            return feature == 1 ? 8 : feature;      // "1.8.0_392"
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** What tells this JDK from another, or from itself before an update. */
    static String identity(String java) {
        if (java.equals(JavaCommand.defaultJava())) {
            return System.getProperty("java.home") + '\n' + System.getProperty("java.vm.version");
        }
        return release(java);
    }

    /** {@code java} is {@code <home>/bin/java}: the contents of {@code <home>/release}, or "". */
    private static String release(String java) {
        try {
            Path home = Path.of(java).toRealPath().getParent().getParent();
            return home == null ? "" : Files.readString(home.resolve("release"));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
