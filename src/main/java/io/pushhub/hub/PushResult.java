package io.pushhub.hub;

/**
 * @param messageId the id every recipient sees in the message frame
 * @param reached connections whose outbound queue accepted the message (at-most-once delivery from there on)
 */
public record PushResult(String messageId, int reached) {}
