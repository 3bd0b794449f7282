package io.pushhub.security;

/**
 * A JWT was refused; the message says why (expired, bad signature, wrong issuer, ...) without echoing the token. The
 * {@link #category()} is the short reason a browser page may be told without learning the server's configuration.
 */
public class InvalidTokenException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What kind of refusal, for callers that may not see the full message (the connect check). */
    public enum Category {
        EXPIRED("expired"),
        NOT_YET_VALID("not yet valid"),
        SIGNATURE("signature does not verify"),
        ISSUER("wrong issuer"),
        AUDIENCE("wrong audience"),
        MALFORMED("malformed"),
        NOT_ACCEPTED("not accepted by this server");

        private final String text;

        Category(String text) {
            this.text = text;
        }

        /** A few words, e.g. {@code expired}. */
        public String text() {
            return text;
        }
    }

    private final Category category;

    public InvalidTokenException(String message) {
        this(Category.NOT_ACCEPTED, message);
    }

    public InvalidTokenException(Category category, String message) {
        super(message);
        this.category = category;
    }

    public InvalidTokenException(String message, Throwable cause) {
        super(message, cause);
        this.category = Category.NOT_ACCEPTED;
    }

    public Category category() {
        return category;
    }
}
