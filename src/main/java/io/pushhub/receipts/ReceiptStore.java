package io.pushhub.receipts;

import io.pushhub.DeliveryReceipts.Sheet;
import io.pushhub.DeliveryReceipts.State;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where the delivery receipts of pushes are kept (docs/receipts.md): per message, per recipient connection, when it was
 * written to the socket, acknowledged by the client, or dropped and why. {@link MemoryReceiptStore} is the one-node
 * default; {@link RedisReceiptStore} keeps one Redis hash per message, written by whichever node saw the transition and
 * readable from every node.
 *
 * <p><b>Guarantees.</b> Writes ({@link #pushed}, {@link #note}) return at once, never block on the network and never
 * throw: a write Redis cannot take is lost (counted, logged at fine level), never retried. For each recipient and state
 * the first time recorded wins (a repeated acknowledgement does not move it). A message is kept for the retention ({@code
 * pushhub.receipts.retention}) from its first write; at most {@code pushhub.receipts.max-recipients} recipients per
 * message are listed (the others are counted in {@link Sheet#truncated()}); the memory store keeps at most {@code
 * pushhub.receipts.max-messages} messages (the oldest are forgotten first). A {@link Sheet} is a snapshot. Thread-safe.
 */
public interface ReceiptStore {

    /** One recipient connection. */
    record Who(String connection, String user, String node) {}

    /** The push {@code messageId} was accepted on {@code node} at {@code at} (epoch ms): its receipts start. */
    void pushed(String messageId, long at, String node);

    /**
     * A recipient reached {@code state} at {@code at} (epoch ms); {@code reason} for {@link State#DROPPED}, else null.
     * {@link State#QUEUED} only registers the recipient.
     */
    void note(String messageId, Who who, State state, long at, String reason);

    /** The receipts of a message, or empty when unknown or past the retention. Never fails: a Redis error fails it. */
    CompletionStage<Optional<Sheet>> read(String messageId);
}
