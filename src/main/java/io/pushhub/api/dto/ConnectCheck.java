package io.pushhub.api.dto;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code GET /api/connect-check} when a handshake from the caller would be accepted. */
@Schema(description = "A WebSocket handshake or SSE stream from this page, with this token, would be accepted")
public record ConnectCheck(
        @Schema(required = true, description = "Always true (a refusal is a 401 or 403)")
        boolean allowed) {}
