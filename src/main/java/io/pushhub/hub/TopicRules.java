package io.pushhub.hub;

import io.pushhub.protocol.TopicName;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which topic names exist and who may do what with them. Immutable and thread-safe.
 *
 * <ul>
 *   <li>A name is 1..128 characters of {@code [A-Za-z0-9_.:/@|-]} ({@link TopicName}).
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

    private final List<Pattern> clientPublish;
    private final List<Pattern> presence;
    private final List<Pattern> deny;
    private final List<Pattern> tokenRequired;

    public TopicRules(List<String> clientPublish, List<String> presence, List<String> deny) {
        this(clientPublish, presence, deny, List.of());
    }

    /**
     * @param tokenRequired globs of topics a client may subscribe to only with a grant: its connection token's {@code
     *     pushhub.subscribe} claim naming the topic, or a subscribe token ({@code pushhub.topics.subscribe-token-required})
     */
    public TopicRules(
            List<String> clientPublish, List<String> presence, List<String> deny, List<String> tokenRequired) {
        this.clientPublish = compile(clientPublish);
        this.presence = compile(presence);
        this.deny = compile(deny);
        this.tokenRequired = compile(tokenRequired);
    }

    /** Whether subscribing to the topic needs a grant from a token (see the constructor). */
    public boolean subscribeNeedsGrant(String topic) {
        return matchesAny(tokenRequired, topic);
    }

    /** Null when the name is valid, else why not ({@link TopicName#problem}). */
    public static String invalidReason(String topic) {
        return TopicName.problem(topic);
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
