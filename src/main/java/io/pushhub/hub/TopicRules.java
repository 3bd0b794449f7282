package io.pushhub.hub;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which topic names exist and who may do what with them. Immutable and thread-safe.
 *
 * <ul>
 *   <li>A name is 1..128 characters of {@code [A-Za-z0-9_.:/@|-]}.
 *   <li>Names starting with {@code $} are reserved for the hub; no client may subscribe to them. They follow the same
 *       character rule after the {@code $} (so a push to {@code $…} cannot smuggle control characters into topic
 *       names and logs).
 *   <li>{@code user:<id>} may be subscribed only by user {@code <id>}.
 *   <li>Patterns in {@code deny} may not be subscribed by any client; {@code clientPublish} patterns accept client
 *       publishes; {@code presence} patterns get join/leave notices.
 * </ul>
 *
 * Patterns are globs where {@code *} stands for any run of characters.
 */
public final class TopicRules {

    static final int MAX_TOPIC_LENGTH = 128;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:/@|\\-]{1," + MAX_TOPIC_LENGTH + "}");

    private final List<Pattern> clientPublish;
    private final List<Pattern> presence;
    private final List<Pattern> deny;

    public TopicRules(List<String> clientPublish, List<String> presence, List<String> deny) {
        this.clientPublish = compile(clientPublish);
        this.presence = compile(presence);
        this.deny = compile(deny);
    }

    /** Null when the name is valid, else why not. */
    public static String invalidReason(String topic) {
        if (topic == null || topic.isEmpty()) {
            return "topic must not be empty";
        }
        if (topic.length() > MAX_TOPIC_LENGTH) {
            return "topic is longer than " + MAX_TOPIC_LENGTH + " characters";
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

    /** Null when {@code userId} may subscribe to the (valid) topic, else why not. */
    public String subscribeDenied(String userId, String topic) {
        if (topic.startsWith("$")) {
            return "topics starting with '$' are reserved for the hub";
        }
        if (topic.startsWith("user:") && !topic.equals("user:" + userId)) {
            return "only user '" + topic.substring(5) + "' may subscribe to " + topic;
        }
        if (matchesAny(deny, topic)) {
            return "clients may not subscribe to " + topic;
        }
        return null;
    }

    public boolean clientMayPublish(String topic) {
        return matchesAny(clientPublish, topic);
    }

    public boolean hasPresence(String topic) {
        return matchesAny(presence, topic);
    }

    private static boolean matchesAny(List<Pattern> patterns, String topic) {
        for (Pattern p : patterns) {
            if (p.matcher(topic).matches()) {
                return true;
            }
        }
        return false;
    }

    private static List<Pattern> compile(List<String> globs) {
        return globs.stream()
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(TopicRules::globToRegex)
                .toList();
    }

    static Pattern globToRegex(String glob) {
        String[] parts = glob.split("\\*", -1);
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                re.append(".*");
            }
            re.append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(re.toString());
    }
}
