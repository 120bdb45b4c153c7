/**
 * The machinery under {@code dev.jmp.Queue}, {@code JoinableQueue} and
 * {@code SimpleQueue}: this process's handle on a POSIX message queue
 * ({@link dev.jmp.queue.MessageQueue}, with the attributes and limit messages of
 * {@link dev.jmp.queue.MqLimits}), items as one message each
 * ({@link dev.jmp.queue.Items}; larger ones spill into shared memory,
 * {@link dev.jmp.queue.Spill}, whose comment says who unlinks what), and a Queue's
 * per-process buffer and feeder thread ({@link dev.jmp.queue.Feeder}).
 */
package dev.jmp.queue;
