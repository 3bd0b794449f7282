package io.pushhub.protocol;

import java.util.regex.Pattern;

/**
 * The syntax of a topic name, the one rule for clients, the REST API and the hub: 1..{@value #MAX_LENGTH} characters
 * of {@code [A-Za-z0-9_.:/@|-]}, optionally after a {@code $} (names starting with {@code $} are reserved for the hub;
 * who may use which names is the hub's business, not the syntax's).
 */
public final class TopicName {

    public static final int MAX_LENGTH = 128;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:/@|\\-]{1," + MAX_LENGTH + "}");

    private TopicName() {}

    /** Null when the name is valid, else why not (a message for the client; the name in it is {@link #printable}). */
    public static String problem(String topic) {
        if (topic == null || topic.isEmpty()) {
            return "topic must not be empty";
        }
        if (topic.length() > MAX_LENGTH) {
            return "topic is longer than " + MAX_LENGTH + " characters";
        }
        // A '$' name is well-formed when the rest is: reserved names are reported as forbidden, not invalid, but they
        // are checked like any other (control characters must not reach topic names or logs).
        String rest = topic.startsWith("$") ? topic.substring(1) : topic;
        if (rest.isEmpty()) {
            return "topic '$' needs a name after the '$'";
        }
        if (!NAME.matcher(rest).matches()) {
            return "topic '" + printable(topic) + "' has characters outside [A-Za-z0-9_.:/@|-]";
        }
        return null;
    }

    /**
     * The name as it may appear in a message or a log line: characters outside printable ASCII are written as Java
     * escapes (backslash, u, four hex digits), and a long name is cut after 64 characters with an ellipsis, so an
     * invalid name can neither forge log lines nor flood them.
     */
    public static String printable(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        for (; i < s.length() && i < 64; i++) {
            char ch = s.charAt(i);
            if (ch >= 0x20 && ch < 0x7f) {
                out.append(ch);
            } else {
                out.append(String.format("\\u%04x", (int) ch));
            }
        }
        return i < s.length() ? out + "..." : out.toString();
    }
}
