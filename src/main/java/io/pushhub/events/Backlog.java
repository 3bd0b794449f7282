package io.pushhub.events;

import io.pushhub.HubEvent;
import java.util.List;

/**
 * The events waiting for one webhook URL, oldest first. {@link WebhookSender} takes a batch from the head, posts it and
 * then acknowledges it; until then the same batch is offered again (at least once).
 */
interface Backlog {

    /**
     * Up to {@code max} events from the head, or an empty list when nothing waits or this node is not the one that
     * sends now (Redis: another node holds the URL's lease).
     */
    List<HubEvent> head(int max) throws Exception;

    /** The batch {@code head} returned is done with (delivered, or dropped after its retries). */
    void acknowledge(List<HubEvent> batch) throws Exception;

    /** Events waiting (an estimate for the queue-depth gauge; -1 when unknown). */
    long depth();

    void stop();
}
