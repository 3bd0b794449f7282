package io.pushhub.client;

import java.util.List;

/**
 * A call the hub refused, or that got no answer. For a refusal, {@link #status()} is the HTTP status and {@link
 * #code()} the hub's stable error code from its JSON error body ({@code {"status","error","message"}}), e.g. {@code
 * unauthorized}, {@code invalid_topic}, {@code bad_request}, {@code unknown_connections}, {@code payload_too_large},
 * {@code too_many_scheduled}, {@code broker_unavailable}. A refused push pushed nothing.
 *
 * <p>Without an answer {@link #status()} is 0 and the code is one of the client's own: {@link #UNREACHABLE} (no
 * connection could be made, nothing was sent), {@link #TIMEOUT} (no answer in time), {@link #IO_ERROR} (the
 * connection failed during the exchange) or {@link #INTERRUPTED}. For those last three {@link #mayHaveBeenProcessed()}
 * says whether the hub may have acted on the request anyway.
 */
public class PushHubException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** No connection to the hub could be made: the request was not sent. */
    public static final String UNREACHABLE = "unreachable";

    /** The hub did not answer within the request timeout. */
    public static final String TIMEOUT = "timeout";

    /** The connection failed after the request may have been sent. */
    public static final String IO_ERROR = "io_error";

    /** The calling thread was interrupted (its interrupt flag is set again). */
    public static final String INTERRUPTED = "interrupted";

    private final int status;
    private final String code;
    private final List<String> connections;
    private final int attempts;
    private final boolean mayHaveBeenProcessed;

    public PushHubException(
            int status,
            String code,
            String message,
            List<String> connections,
            int attempts,
            boolean mayHaveBeenProcessed,
            Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
        this.connections = connections == null ? List.of() : List.copyOf(connections);
        this.attempts = attempts;
        this.mayHaveBeenProcessed = mayHaveBeenProcessed;
    }

    /** The HTTP status of the hub's answer, or 0 when there was none. */
    public int status() {
        return status;
    }

    /** The hub's error code ({@code error} of its JSON body), or one of this class's constants. */
    public String code() {
        return code;
    }

    /** For {@code unknown_connections}: the connection ids that name no open connection; else empty. */
    public List<String> connections() {
        return connections;
    }

    /** How many times the request was sent (or tried to be) before giving up. */
    public int attempts() {
        return attempts;
    }

    /**
     * Whether the hub may have acted on the request although this exception says it failed: true when the request
     * may have reached the hub but no answer came back (time-out, connection reset), or the hub answered with a 5xx to
     * a push. A push that failed this way may have been delivered; one with {@code false} was not.
     */
    public boolean mayHaveBeenProcessed() {
        return mayHaveBeenProcessed;
    }

    @Override
    public String toString() {
        return "PushHubException[" + (status == 0 ? "" : status + " ") + code + "]: " + getMessage();
    }
}
