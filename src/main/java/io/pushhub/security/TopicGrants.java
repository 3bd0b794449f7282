package io.pushhub.security;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What a connection's token says about topics: the globs of its {@code pushhub.subscribe} and {@code pushhub.publish}
 * claims. A claim the token does not carry is {@code null} here and grants and restricts nothing; a claim with an
 * empty list allows nothing. Patterns are globs where {@code *} stands for any run of characters, as in the
 * configuration's topic lists. Immutable.
 *
 * @param subscribe the {@code pushhub.subscribe} globs, or null when the token has no such claim
 * @param publish the {@code pushhub.publish} globs, or null when the token has no such claim
 */
public record TopicGrants(List<String> subscribe, List<String> publish) {

    /** The claim a connection token may carry: topic globs it may subscribe to. */
    public static final String SUBSCRIBE_CLAIM = "pushhub.subscribe";
    /** The claim a connection token may carry: topic globs it may publish to. */
    public static final String PUBLISH_CLAIM = "pushhub.publish";
    /** The claim of a subscribe token: the one topic it lets its user subscribe to. */
    public static final String TOPIC_CLAIM = "pushhub.topic";

    /** No claims: anonymous connections and tokens without pushhub claims. */
    public static final TopicGrants NONE = new TopicGrants(null, null);

    public TopicGrants {
        subscribe = subscribe == null ? null : List.copyOf(subscribe);
        publish = publish == null ? null : List.copyOf(publish);
    }

    /** Whether the token has a {@code pushhub.subscribe} claim and one of its globs matches the topic. */
    public boolean subscribeGranted(String topic) {
        return subscribe != null && matches(subscribe, topic);
    }

    /** Whether a {@code pushhub.subscribe} claim exists and leaves the topic out (it narrows the config rules). */
    public boolean subscribeWithheld(String topic) {
        return subscribe != null && !matches(subscribe, topic);
    }

    /** Whether a {@code pushhub.publish} claim exists and leaves the topic out. */
    public boolean publishWithheld(String topic) {
        return publish != null && !matches(publish, topic);
    }

    static boolean matches(List<String> globs, String topic) {
        for (String g : globs) {
            if (glob(g).matcher(topic).matches()) {
                return true;
            }
        }
        return false;
    }

    /** The glob as a regular expression: {@code *} is any run of characters, everything else literal. */
    public static Pattern glob(String glob) {
        String[] parts = glob.trim().split("\\*", -1);
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
