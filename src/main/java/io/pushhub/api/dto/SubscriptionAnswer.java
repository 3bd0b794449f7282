package io.pushhub.api.dto;

import io.pushhub.Subscriptions;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code 200} of {@code POST} and {@code DELETE /api/users/{id}/subscriptions}: what changed on this node, and whether
 * the other nodes were asked. E.g. {@code {"userId":"alice","topic":"news","subscribed":2,"already":0,"skipped":0,
 * "sticky":true,"cluster":"requested"}}.
 */
@Schema(
        description = "What a server-side subscribe or unsubscribe did; counts are this node's connections only (the "
                + "other nodes apply the request without answering: cluster 'requested')")
@JsonbPropertyOrder({
    "userId",
    "topic",
    "subscribed",
    "unsubscribed",
    "already",
    "skipped",
    "sticky",
    "cluster",
    "clusterError"
})
public record SubscriptionAnswer(
        @Schema(required = true) String userId,
        @Schema(required = true) String topic,

        @Schema(
                description = "Subscribe only: this node's connections of the user subscribed now (each got a "
                        + "'subscribed' frame)")
        Integer subscribed,

        @Schema(
                description =
                        "Delete only: this node's connections unsubscribed now (each got an 'unsubscribed' " + "frame)")
        Integer unsubscribed,

        @Schema(
                required = true,
                description = "This node's connections that were subscribed already (subscribe), or were not "
                        + "subscribed (delete)")
        int already,

        @Schema(
                description = "Subscribe only: this node's connections at pushhub.ws.max-subscriptions, not "
                        + "subscribed (each got an error frame too_many_subscriptions)")
        Integer skipped,

        @Schema(
                required = true,
                description = "Subscribe: whether the topic is stored as sticky for the user's future connections. "
                        + "Delete: whether a sticky subscription was removed")
        boolean sticky,

        @Schema(
                description = "Only in a cluster: 'requested' (the other nodes were sent the request and apply it to "
                        + "their connections of the user) or 'unavailable' (they could not be; see clusterError)",
                enumeration = {Subscriptions.Change.REQUESTED, Subscriptions.Change.UNAVAILABLE})
        String cluster,

        @Schema(description = "Only when cluster is 'unavailable': why only this node's connections changed")
        String clusterError) {

    public static SubscriptionAnswer subscribed(Subscriptions.Change c) {
        return new SubscriptionAnswer(
                c.userId(),
                c.topic(),
                c.changed(),
                null,
                c.unchanged(),
                c.skipped(),
                c.sticky(),
                c.cluster(),
                c.clusterError());
    }

    public static SubscriptionAnswer unsubscribed(Subscriptions.Change c) {
        return new SubscriptionAnswer(
                c.userId(),
                c.topic(),
                null,
                c.changed(),
                c.unchanged(),
                null,
                c.sticky(),
                c.cluster(),
                c.clusterError());
    }
}
