package dev.jmp.posix;

/** {@code struct mq_attr}. */
public record MqAttr(long flags, long maxmsg, long msgsize, long curmsgs) {
}
