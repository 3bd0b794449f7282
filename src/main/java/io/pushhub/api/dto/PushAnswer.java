package io.pushhub.api.dto;

import io.pushhub.PushResult;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code 200} of {@code POST /api/push}: {@code {"messageId":"m-...","reached":2}}, in a cluster also {@code cluster}
 * and, when the other nodes could not be handed the message, {@code clusterError}; {@code "duplicate":true} (and
 * nothing else but the first push's {@code messageId} and {@code reached} 0) when an idempotency key was repeated.
 */
@Schema(description = "A push that was handed over now, or a repeat of one (duplicate)")
@JsonbPropertyOrder({"messageId", "reached", "cluster", "clusterError", "duplicate"})
public record PushAnswer(
        @Schema(required = true, description = "The id every recipient sees in the message frame")
        String messageId,

        @Schema(
                required = true,
                description = "Connections on this node whose queue accepted the message; other "
                        + "nodes' connections are not counted")
        int reached,

        @Schema(
                description = "Only in a cluster: whether the other nodes were handed the message",
                enumeration = {PushResult.PUBLISHED, PushResult.UNAVAILABLE})
        String cluster,

        @Schema(description = "Only when cluster is 'unavailable': why only this node's connections got it")
        String clusterError,

        @Schema(
                description = "Only when true: the Idempotency-Key was used within pushhub.idempotency.window (on any "
                        + "node); nothing was delivered and messageId is the first push's")
        Boolean duplicate) {

    /** The answer for a push the hub accepted; {@code reached} counts this node's connections only. */
    public static PushAnswer of(PushResult r) {
        String error = r.cluster() != null && r.clusterProblem() != null
                ? "other nodes were not reached, only this node's connections: " + r.clusterProblem()
                : null;
        return new PushAnswer(r.messageId(), r.reached(), r.cluster(), error, r.duplicate() ? Boolean.TRUE : null);
    }
}
