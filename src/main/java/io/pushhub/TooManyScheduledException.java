package io.pushhub;

/** {@link Pusher#schedule} refused a push: {@code pushhub.scheduled.max-pending} pushes are pending already. */
public class TooManyScheduledException extends RuntimeException {

    private final int limit;

    public TooManyScheduledException(int limit) {
        super("at most " + limit + " scheduled pushes may be pending (pushhub.scheduled.max-pending)");
        this.limit = limit;
    }

    /** The limit that was reached. */
    public int limit() {
        return limit;
    }
}
