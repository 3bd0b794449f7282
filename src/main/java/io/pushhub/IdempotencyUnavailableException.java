package io.pushhub;

/**
 * A push with an idempotency key could not be checked against earlier ones because the cluster's broker (Redis) is
 * unreachable: nothing was delivered, on any node, and the key was not recorded. Retrying later with the same key is
 * safe ({@code POST /api/push} answers 503 {@code broker_unavailable}). Pushes without a key are not affected: they
 * still reach this node's connections when Redis is down.
 */
public class IdempotencyUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public IdempotencyUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
