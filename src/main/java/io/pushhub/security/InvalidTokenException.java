package io.pushhub.security;

/** A JWT was refused; the message says why (expired, bad signature, wrong issuer, ...) without echoing the token. */
public class InvalidTokenException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidTokenException(String message) {
        super(message);
    }

    public InvalidTokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
