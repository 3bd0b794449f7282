package io.pushhub;

/**
 * A sticky subscription could not be stored, removed or read: the user has {@code pushhub.subscriptions.max-sticky}
 * already ({@link #full()}; REST 409 {@code too_many_sticky}), or the broker (Redis) is unreachable (REST 503 {@code
 * broker_unavailable}). Nothing was changed, on any node; a retry is safe.
 */
public class StickySubscriptionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean full;

    public StickySubscriptionException(String message, boolean full, Throwable cause) {
        super(message, cause);
        this.full = full;
    }

    /** True when the user's sticky subscriptions are at the limit; false when the broker could not be asked. */
    public boolean full() {
        return full;
    }
}
