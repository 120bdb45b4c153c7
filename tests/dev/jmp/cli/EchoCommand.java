package dev.jmp.cli;

import java.io.PrintStream;

/**
 * A command the tests register (tests/META-INF/services/dev.jmp.cli.Subcommand), as a
 * module above the core registers its own: {@code jmp echo-test WORD...} prints the
 * words, and fails a call without any.
 */
public final class EchoCommand implements Subcommand {
    @Override
    public String name() {
        return "echo-test";
    }

    @Override
    public String usage() {
        return "echo-test WORD...  prints the words (a command the tests register)\n";
    }

    @Override
    public int run(String[] args, PrintStream out) {
        if (args.length == 0) {
            System.err.print("jmp echo-test: no words\nusage: jmp " + usage());
            return 2;
        }
        out.println(String.join(" ", args));
        return 0;
    }
}
