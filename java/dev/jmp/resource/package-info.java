/**
 * Handles and lifetime of named kernel objects, shared by every jmp object that owns
 * one (semaphores, message queues, shared memory): fresh unguessable names
 * ({@link dev.jmp.resource.KernelNames}) and the rule that the creating process, and
 * only it, unlinks each name once ({@link dev.jmp.resource.Lifetime}, whose comment
 * explains why).
 */
package dev.jmp.resource;
