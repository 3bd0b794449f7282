package io.pushhub.hub;

import io.pushhub.broker.HistoryPolicy;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which topics keep history, and how much. Built from {@code pushhub.history.topics}: a list of globs, each optionally
 * followed by its own size and TTL, e.g. {@code chat:*;size=500;ttl=PT1H, news, *}, or preceded by {@code !} for
 * topics that keep none ({@code !time, *}). The first matching entry wins; entries without {@code size}/{@code ttl}
 * use {@code pushhub.history.size}/{@code .ttl}. Immutable and thread-safe.
 */
public final class HistoryRules {

    /** A glob and its policy; a null policy keeps no history. */
    private record Rule(Pattern glob, HistoryPolicy policy) {}

    private final List<Rule> rules;

    /** @throws IllegalArgumentException naming the bad entry and what is wrong with it */
    public HistoryRules(List<String> entries, int defaultSize, Duration defaultTtl) {
        List<Rule> out = new ArrayList<>();
        for (String raw : entries) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.startsWith("!")) {
                out.add(new Rule(TopicRules.globToRegex(entry.substring(1).trim()), null));
                continue;
            }
            String[] parts = entry.split(";");
            int size = defaultSize;
            Duration ttl = defaultTtl;
            for (int i = 1; i < parts.length; i++) {
                String opt = parts[i].trim();
                try {
                    if (opt.startsWith("size=")) {
                        size = Integer.parseInt(opt.substring(5).trim());
                    } else if (opt.startsWith("ttl=")) {
                        ttl = Duration.parse(opt.substring(4).trim());
                    } else {
                        throw new IllegalArgumentException(
                                "unknown option '" + opt + "' (expected size=N or ttl=ISO-8601)");
                    }
                } catch (NumberFormatException | DateTimeParseException e) {
                    throw new IllegalArgumentException(
                            "pushhub.history.topics entry '" + entry + "': bad option '" + opt + "'", e);
                }
            }
            try {
                out.add(new Rule(TopicRules.globToRegex(parts[0].trim()), new HistoryPolicy(size, ttl)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "pushhub.history.topics entry '" + entry + "': " + e.getMessage(), e);
            }
        }
        this.rules = List.copyOf(out);
    }

    /** The topic's history policy, or null when it keeps no history. */
    public HistoryPolicy policyFor(String topic) {
        for (Rule r : rules) {
            if (r.glob.matcher(topic).matches()) {
                return r.policy;
            }
        }
        return null;
    }

    /** The largest history size of any rule (a replay never needs more). */
    public int maxSize() {
        return rules.stream()
                .filter(r -> r.policy != null)
                .mapToInt(r -> r.policy.size())
                .max()
                .orElse(0);
    }
}
