package io.pushhub.it.sample;

import io.pushhub.PushResult;
import io.pushhub.Pusher;
import io.pushhub.Target;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.transaction.Transactional;

/** The same as {@link TxOrdersSample#placeOrder}, in a {@code @Transactional} CDI bean instead of an EJB. */
@ApplicationScoped
public class TxCdiSample {

    @Inject
    Pusher pusher;

    @Inject
    TxMarkerSample marker;

    @Transactional
    public PushResult placeOrder(String topic, String order, long holdMillis, boolean fail) {
        PushResult r = pusher.push(Target.topic(topic), Json.createValue(order));
        marker.now(topic, "pushed " + order);
        try {
            Thread.sleep(holdMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (fail) {
            throw new IllegalStateException("order " + order + " failed after its push");
        }
        return r;
    }
}
