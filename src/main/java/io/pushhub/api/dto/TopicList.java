package io.pushhub.api.dto;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code GET /api/topics}. */
@Schema(description = "Topics with at least one subscriber on this node, sorted by topic")
@JsonbPropertyOrder({"subscriptions", "topics"})
public record TopicList(
        @Schema(required = true, description = "Subscriptions held by this node's connections")
        int subscriptions,

        @Schema(required = true) List<TopicCount> topics) {}
