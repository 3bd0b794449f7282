package io.pushhub.api.dto;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code 202} of {@code POST /api/demo/jobs}. */
@Schema(description = "A demo job that started; its progress goes to the caller as pushes")
@JsonbPropertyOrder({"jobId", "steps", "intervalMillis", "scope", "target"})
public record DemoJobAnswer(
        @Schema(required = true) String jobId,

        @Schema(required = true, description = "How many progress messages it will push")
        int steps,

        @Schema(required = true, description = "Milliseconds between two of them")
        long intervalMillis,

        @Schema(
                required = true,
                description = "'user' (the caller) or 'connection' (one of the caller's)",
                enumeration = {"user", "connection"})
        String scope,

        @Schema(required = true, description = "The user id or connection id it reports to")
        String target) {}
