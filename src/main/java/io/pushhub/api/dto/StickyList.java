package io.pushhub.api.dto;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code 200} of {@code GET /api/users/{id}/subscriptions}: {@code {"userId":"alice","sticky":["news"],"max":100}}. */
@Schema(description = "A user's sticky server-side subscriptions, sorted")
@JsonbPropertyOrder({"userId", "sticky", "max"})
public record StickyList(
        @Schema(required = true) String userId,

        @Schema(required = true, description = "Topics every new connection of the user is subscribed to")
        List<String> sticky,

        @Schema(required = true, description = "pushhub.subscriptions.max-sticky: how many a user may have")
        int max) {}
