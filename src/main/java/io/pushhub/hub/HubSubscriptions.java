package io.pushhub.hub;

import io.pushhub.Subscriptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/** The {@link Subscriptions} bean: the hub's server-side subscriptions. */
@ApplicationScoped
public class HubSubscriptions implements Subscriptions {

    @Inject
    Hub hub;

    @Override
    public Change subscribe(String userId, String topic, boolean sticky) {
        return hub.subscriptions().subscribe(userId, topic, sticky);
    }

    @Override
    public Change unsubscribe(String userId, String topic) {
        return hub.subscriptions().unsubscribe(userId, topic);
    }

    @Override
    public List<String> sticky(String userId) {
        return hub.subscriptions().sticky(userId);
    }
}
