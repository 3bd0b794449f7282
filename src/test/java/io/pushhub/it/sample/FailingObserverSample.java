package io.pushhub.it.sample;

import io.pushhub.ConnectionEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** A broken observer beside the hub: it throws on every subscribe. The hub and the other observers must not notice. */
@ApplicationScoped
public class FailingObserverSample {

    void fail(@Observes ConnectionEvent.Subscribed e) {
        throw new IllegalStateException("sample observer failure for " + e.topic());
    }
}
