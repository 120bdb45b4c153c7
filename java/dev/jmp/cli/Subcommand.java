package dev.jmp.cli;

import java.io.PrintStream;

/**
 * A command of {@code jmp} beyond {@code ls}, {@code clean} and {@code doctor},
 * provided by a jar on the classpath: {@link Main} finds the implementations through
 * {@link java.util.ServiceLoader} (a file {@code META-INF/services/dev.jmp.cli.Subcommand}
 * naming them), so that a module above the core (such as jmp-cluster's
 * {@code jmp cluster member}) adds a command without the core naming it. An
 * implementation is a public class with a public no-argument constructor; creating it
 * should be cheap (jmp creates every provider to print its usage).
 */
public interface Subcommand {
    /**
     * The word that selects this command ({@code jmp NAME ...}).
     *
     * @return the word (one that no other command uses: {@code ls}, {@code clean} and
     *         {@code doctor} are taken)
     */
    String name();

    /**
     * This command's lines in jmp's usage text: how to call it and what it does.
     *
     * @return one or more lines, each starting with the command's name or with spaces
     *         (jmp indents them under its own commands), ending with a newline
     */
    String usage();

    /**
     * Runs the command.
     *
     * @param args the words after the command's name
     * @param out where the command prints its results (messages about a wrong call go to
     *            standard error)
     * @return the exit status: 0 done, 2 a wrong call (with a usage line on standard
     *         error), anything else as the command says
     * @throws Exception if the command fails
     */
    int run(String[] args, PrintStream out) throws Exception;
}
