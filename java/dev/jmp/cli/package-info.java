/**
 * The {@code jmp} command ({@code bin/jmp ls|clean|doctor}, or {@code java -jar jmp.jar}):
 * the top of the layering; nothing in the library depends on it. Modules above the
 * core add commands through {@link dev.jmp.cli.Subcommand} (found by ServiceLoader), so
 * that the core never names them.
 */
package dev.jmp.cli;
