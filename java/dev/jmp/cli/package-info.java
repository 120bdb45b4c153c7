/**
 * The {@code jmp} command ({@code java -jar jmp.jar ls|clean|doctor}): the top of the
 * layering; nothing in the library depends on it.
 */
package dev.jmp.cli;
