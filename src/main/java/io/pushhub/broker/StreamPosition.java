package io.pushhub.broker;

/**
 * Where a topic's stream stands: the offset of its latest publication (0 when none yet) within an epoch.
 *
 * @param offset latest offset, 0 for a topic that never had a publication in this epoch
 * @param epoch opaque identifier of this run of offsets
 */
public record StreamPosition(long offset, String epoch) {}
