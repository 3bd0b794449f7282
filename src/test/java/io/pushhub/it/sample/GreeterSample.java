package io.pushhub.it.sample;

import io.pushhub.ConnectionEvent;
import io.pushhub.Pusher;
import io.pushhub.Target;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;

/**
 * What an application deployed beside the hub writes: it observes connection events and pushes through the public
 * API. It greets every subscriber of {@code sample:greet} on its own connection, and reports every event of this node
 * to the subscribers of {@code sample:log} (so a test can see the events, in their order, as a client).
 */
@ApplicationScoped
public class GreeterSample {

    public static final String GREET = "sample:greet";
    public static final String LOG = "sample:log";

    @Inject
    Pusher pusher;

    void greet(@Observes ConnectionEvent.Subscribed e) {
        if (e.topic().equals(GREET)) {
            pusher.push(
                    Target.connection(e.connection().id()),
                    Json.createValue("hello " + e.connection().userId() + ", welcome to " + e.topic()));
        }
    }

    void log(@Observes ConnectionEvent e) {
        if (e.connection().topics().contains(LOG)
                || (e instanceof ConnectionEvent.Subscribed s && s.topic().equals(LOG))) {
            return; // the watchers themselves are not news
        }
        var entry = Json.createObjectBuilder()
                .add("event", e.getClass().getSimpleName())
                .add("userId", e.connection().userId())
                .add("connectionId", e.connection().id())
                .add("transport", e.connection().transport())
                .add(
                        "topics",
                        Json.createArrayBuilder(
                                e.connection().topics().stream().sorted().toList()));
        if (e instanceof ConnectionEvent.Subscribed s) {
            entry.add("topic", s.topic());
        } else if (e instanceof ConnectionEvent.Unsubscribed u) {
            entry.add("topic", u.topic());
        }
        pusher.push(Target.topic(LOG), entry.build());
    }
}
