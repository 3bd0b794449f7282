package io.pushhub.events;

import io.pushhub.stats.Count;

/** What the webhook senders of this node did, for the metrics (events, not requests, except {@link #failed}). */
public record WebhookStats(Count delivered, Count failed, Count dropped) {

    public WebhookStats() {
        this(new Count(), new Count(), new Count());
    }
}
