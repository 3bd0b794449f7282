package io.pushhub.authorization;

import java.util.concurrent.CompletableFuture;

/**
 * The backend's say in who may connect, subscribe and publish (docs/authorization.md). The hub asks it after its own
 * rules (configuration, token claims) allowed a command; the hook may still deny it, rewrite a publish's data or attach
 * info to a connection.
 *
 * <p>Guarantees: {@link #ask} never blocks its caller (the hub's read threads call it) and its future always completes,
 * normally, within the configured time-out (plus scheduling slack): a failure (time-out, error, overload) is a {@link
 * HookDecision} too, already allowed or denied by the configured {@code pushhub.hook.on-failure}. The future completes
 * on one of the hook's own threads, or at once on the caller's (a cached answer, an overload).
 */
public interface AuthorizationHook {

    /** What the hub asks about. */
    enum Event {
        CONNECT("connect"),
        SUBSCRIBE("subscribe"),
        PUBLISH("publish");

        private final String wire;

        Event(String wire) {
            this.wire = wire;
        }

        /** As spelled in the hook's request body and in metrics. */
        public String wire() {
            return wire;
        }
    }

    /** Whether {@code event} on {@code topic} (null for connect) asks this hook. */
    boolean asks(Event event, String topic);

    /** Asks; see the interface's guarantees. */
    CompletableFuture<HookDecision> ask(HookRequest request);

    /** No hook: asks about nothing. */
    AuthorizationHook NONE = new AuthorizationHook() {
        @Override
        public boolean asks(Event event, String topic) {
            return false;
        }

        @Override
        public CompletableFuture<HookDecision> ask(HookRequest request) {
            return CompletableFuture.completedFuture(HookDecision.allow(null, null));
        }
    };
}
