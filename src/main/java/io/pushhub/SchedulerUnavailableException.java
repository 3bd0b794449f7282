package io.pushhub;

/**
 * The scheduled-push database ({@code pushhub.scheduled.jdbc-url}) could not be used: nothing was scheduled,
 * cancelled or changed. Retrying later is safe.
 */
public class SchedulerUnavailableException extends RuntimeException {

    public SchedulerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
