package io.pushhub.security;

/** A handshake or request was refused: {@code status} is the HTTP status to answer with, the message says why. */
public class AuthenticationException extends Exception {

    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;

    public AuthenticationException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
