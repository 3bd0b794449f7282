package io.pushhub;

/**
 * A push with {@code escalateAfter} was refused: this node already has {@code pushhub.receipts.max-escalations}
 * escalation timers pending. Nothing was pushed; the REST API answers 429.
 */
public class TooManyEscalationsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TooManyEscalationsException(int max) {
        super("too many escalateAfter timers pending on this node (pushhub.receipts.max-escalations = " + max
                + "): nothing was pushed; try again later or without escalateAfter");
    }
}
