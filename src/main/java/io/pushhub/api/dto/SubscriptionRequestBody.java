package io.pushhub.api.dto;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of {@code POST /api/users/{id}/subscriptions}, for the OpenAPI document: the resource parses the JSON
 * itself so that every mistake gets a precise 400. No other field is accepted.
 */
@Schema(
        name = "SubscriptionRequest",
        description = "The topic to subscribe every connection of the user to; other fields are refused (400)")
@JsonbPropertyOrder({"topic", "sticky"})
public record SubscriptionRequestBody(
        @Schema(required = true, description = "A valid topic name, not starting with '$'", example = "room:42")
        String topic,

        @Schema(
                description = "Also subscribe every connection the user opens later, on any node, until DELETE "
                        + "(stored in the broker; at most pushhub.subscriptions.max-sticky per user). Default false",
                defaultValue = "false")
        Boolean sticky) {}
