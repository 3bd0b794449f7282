package io.pushhub.api.dto;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code GET /api/push/scheduled}: {@code {"scheduled":[...]}}, soonest first. */
@Schema(description = "The pending scheduled pushes of the whole cluster, soonest first")
public record ScheduledList(@Schema(required = true) List<ScheduledItem> scheduled) {}
