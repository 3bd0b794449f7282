package io.pushhub;

/**
 * A transaction made more pushes than {@code pushhub.transaction.max-pushes}: pushes made inside a JTA transaction are
 * held in memory until it commits ({@link Pusher#push(Push)}), so one transaction may hold only so many. Thrown out of
 * an EJB method or a {@code @Transactional} bean it rolls the transaction back, and none of its pushes is delivered.
 */
public class TooManyDeferredPushesException extends RuntimeException {

    private final int limit;

    public TooManyDeferredPushesException(int limit) {
        super("at most " + limit
                + " pushes may wait for the commit of one transaction (pushhub.transaction.max-pushes);"
                + " push fewer, larger messages, or push outside the transaction");
        this.limit = limit;
    }

    /** The limit that was reached. */
    public int limit() {
        return limit;
    }
}
