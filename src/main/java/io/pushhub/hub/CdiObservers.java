package io.pushhub.hub;

import io.pushhub.ConnectionEvent;
import io.pushhub.HubEvent;
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
        RequestScope scope = new RequestScope(beans);
        return new ConnectionEvents(
                event -> observers(beans, scope, event), event -> hubObservers(beans, scope, event), threads);
    }

    private static List<Consumer<HubEvent>> hubObservers(BeanManager beans, RequestScope scope, HubEvent event) {
        List<Consumer<HubEvent>> out = new ArrayList<>();
        for (ObserverMethod<? super HubEvent> m : beans.resolveObserverMethods(event)) {
            out.add(e -> scope.run(() -> m.notify(e)));
        }
        return out;
    }

    private static List<Consumer<ConnectionEvent>> observers(
            BeanManager beans, RequestScope scope, ConnectionEvent event) {
        List<Consumer<ConnectionEvent>> out = new ArrayList<>();
        for (ObserverMethod<? super ConnectionEvent> m : beans.resolveObserverMethods(event)) {
            out.add(e -> scope.run(() -> m.notify(e)));
        }
        return out;
    }

    /**
     * The request context around each observer call. Observers are only ever called on the one event thread, so one
     * {@link RequestContextController} (a dependent bean meant for use on one thread) serves every call; it is looked
     * up at the first call, on that thread.
     */
    private static final class RequestScope {
        private final BeanManager beans;
        private RequestContextController controller; // only touched on the event thread

        RequestScope(BeanManager beans) {
            this.beans = beans;
        }

        void run(Runnable call) {
            if (controller == null) {
                controller = beans.createInstance()
                        .select(RequestContextController.class)
                        .get();
            }
            boolean activated = controller.activate();
            try {
                call.run();
            } finally {
                if (activated) {
                    controller.deactivate();
                }
            }
        }
    }
}
