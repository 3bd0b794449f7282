package io.pushhub.hub;

import io.pushhub.ConnectionEvent;
import jakarta.enterprise.context.control.RequestContextController;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.ObserverMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * {@link ConnectionEvents} over CDI: the observer methods of each event ({@code @Observes} and {@code @ObservesAsync}
 * alike) are resolved once through the {@link BeanManager} and called one by one, each inside an active request
 * context, so that one observer's exception cannot keep the next from being called (as one {@code Event.fire} would).
 */
final class CdiObservers {

    private CdiObservers() {}

    static ConnectionEvents events(BeanManager beans, ThreadFactory threads) {
        if (beans == null) {
            return ConnectionEvents.none();
        }
        return new ConnectionEvents(event -> observers(beans, event), threads);
    }

    private static List<Consumer<ConnectionEvent>> observers(BeanManager beans, ConnectionEvent event) {
        List<Consumer<ConnectionEvent>> out = new ArrayList<>();
        for (ObserverMethod<? super ConnectionEvent> m : beans.resolveObserverMethods(event)) {
            out.add(e -> {
                RequestContextController request = beans.createInstance()
                        .select(RequestContextController.class)
                        .get();
                boolean activated = request.activate();
                try {
                    m.notify(e);
                } finally {
                    if (activated) {
                        request.deactivate();
                    }
                }
            });
        }
        return out;
    }
}
