package io.pushhub.api.dto;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The optional body of {@code POST /api/demo/jobs}, for {@code /openapi} only: {@code DemoResource} reads the body
 * itself for its precise errors.
 */
@Schema(
        description = "Optional: one of the caller's own connections to report to; without it, every connection of "
                + "the caller's user")
public record DemoJobRequest(
        @Schema(description = "A connection id (c-...) from the welcome frame")
        String connectionId) {}
