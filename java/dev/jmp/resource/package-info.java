/**
 * Handles and lifetime of named kernel objects, shared by every jmp object that owns
 * one (semaphores, message queues, shared memory): fresh unguessable names
 * ({@link dev.jmp.resource.KernelNames}); the rule that a shared object lives while
 * any process of the program holds it ({@link dev.jmp.resource.Lifetime}, whose comment
 * explains why), counted by the program's resource tracker ({@link dev.jmp.resource.Tracker},
 * {@link dev.jmp.resource.Holds}); this process's handle on an object, opened at first use and closed
 * once ({@link dev.jmp.resource.KernelHandle}), one per name per process
 * ({@link dev.jmp.resource.HandleTable}); and the library's one cleaner thread
 * ({@link dev.jmp.resource.Cleanup}), which closes handles and unlinks names once
 * their owners are unreachable.
 */
package dev.jmp.resource;
