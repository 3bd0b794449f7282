package io.pushhub.api.dto;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A topic with subscribers on this node, and how many. */
@Schema(description = "A topic and its subscribers on this node")
@JsonbPropertyOrder({"topic", "subscribers"})
public record TopicCount(
        @Schema(required = true) String topic,
        @Schema(required = true) int subscribers) {

    /** {@code [{"topic":..., "subscribers":n}, ...]} in the map's order (sorted by topic). */
    public static List<TopicCount> of(Map<String, Integer> counts) {
        return counts.entrySet().stream()
                .map(e -> new TopicCount(e.getKey(), e.getValue()))
                .toList();
    }
}
