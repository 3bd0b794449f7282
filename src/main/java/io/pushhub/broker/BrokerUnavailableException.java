package io.pushhub.broker;

/** The broker cannot be reached (not connected, time-out, or refused); the message says why. Nothing was done. */
public class BrokerUnavailableException extends Exception {

    private static final long serialVersionUID = 1L;

    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public BrokerUnavailableException(String message) {
        super(message);
    }
}
