package io.pushhub.it.embedded;

import io.pushhub.PushResult;
import io.pushhub.Pusher;
import io.pushhub.Target;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.json.Json;

/**
 * The application's own business bean, in a WAR that carries pushhub as a library (pushhub-classes.jar in
 * WEB-INF/lib): it records an order and tells the buyer in the same container transaction, as docs/embedding.md shows.
 */
@Stateless
public class ShopOrders {

    @Inject
    Pusher pusher;

    public PushResult place(String buyer, String item, boolean paymentFails) {
        // ... the order's row would be written here, in this transaction ...
        PushResult r = pusher.push(
                Target.user(buyer),
                Json.createObjectBuilder()
                        .add("order", item)
                        .add("status", "placed")
                        .build());
        if (paymentFails) {
            throw new IllegalStateException("payment for " + item + " refused");
        }
        return r;
    }
}
