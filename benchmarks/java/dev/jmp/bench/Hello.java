package dev.jmp.bench;

/**
 * The JDK's floor for a child JVM: {@code java -cp ... dev.jmp.bench.Hello}, spawned
 * and waited for by {@link ProcessBench#javaHello}, on the same JDK and classpath as a
 * jmp child, in the same run.
 */
public final class Hello {
    private Hello() {
    }

    public static void main(String[] args) {
        System.out.println("Hello, World!");
    }
}
