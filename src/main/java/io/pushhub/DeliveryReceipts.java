package io.pushhub;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The delivery receipts of pushes that asked for them ({@link Push#withReceipt()}, docs/receipts.md): per recipient
 * connection, when the message was written to its socket, acknowledged by the client after its handler ran, or dropped
 * and why. Cluster-wide with the redis broker (any node answers for every node's connections), this node's with the
 * memory broker. Kept for {@code pushhub.receipts.retention}.
 */
public interface DeliveryReceipts {

    /**
     * The receipts of the push {@code messageId}: empty when it is unknown, asked for no receipt, or is past the
     * retention. The answer is a snapshot; it completes when the store answered (it fails when Redis is away). No
     * thread waits for it.
     */
    CompletionStage<Optional<Sheet>> of(String messageId);

    /** What happened to a message at one recipient. */
    enum State {
        /** Queued for the connection, not written yet. */
        QUEUED,
        /** Written to the connection's socket (the container completed the send). */
        WRITTEN,
        /** The client's handler ran and it answered {@code received}. */
        ACKNOWLEDGED,
        /** It will not reach the connection; {@link Recipient#reason()} says why. */
        DROPPED;

        /** Lower case, as in JSON answers and metric labels. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What became of the message at one connection; times in epoch ms, null when that did not happen.
     *
     * @param reason for a dropped message why, in lower case: {@code expired}, {@code queue_overflow}, {@code
     *     slow_consumer}, {@code send_failed}, {@code closed}; else null
     */
    record Recipient(
            String connection,
            String user,
            String node,
            Long writtenAt,
            Long acknowledgedAt,
            Long droppedAt,
            String reason) {

        /** The furthest state: acknowledged, else dropped, else written, else queued. */
        public State state() {
            if (acknowledgedAt != null) {
                return State.ACKNOWLEDGED;
            }
            if (droppedAt != null) {
                return State.DROPPED;
            }
            return writtenAt != null ? State.WRITTEN : State.QUEUED;
        }
    }

    /**
     * The receipts of one message.
     *
     * @param pushedAt when the push was accepted (epoch ms), 0 when the accepting node's record is not (yet) there
     * @param node the node that accepted the push, or null (as for pushedAt)
     * @param truncated recipients not listed because of {@code pushhub.receipts.max-recipients}
     */
    record Sheet(String messageId, long pushedAt, String node, List<Recipient> recipients, long truncated) {}
}
