package io.pushhub.hub;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopicRulesTest {

    private final TopicRules rules =
            new TopicRules(List.of("chat:*"), List.of("chat:*", "room.*.live"), List.of("internal:*"));

    @Test
    void namesAreValidated() {
        assertNull(TopicRules.invalidReason("news"));
        assertNull(TopicRules.invalidReason("chat:lobby"));
        assertNull(TopicRules.invalidReason("user:auth0|123@x.y/z-1_2"));
        assertNotNull(TopicRules.invalidReason(""));
        assertNotNull(TopicRules.invalidReason("a b"));
        assertNotNull(TopicRules.invalidReason("x".repeat(129)));
        assertNotNull(TopicRules.invalidReason("emoji\u2603"));
    }

    @Test
    void reservedNamesFollowTheSameCharacterRule() {
        assertNull(TopicRules.invalidReason("$sys"), "a well-formed reserved name is valid (and then forbidden)");
        assertNotNull(TopicRules.invalidReason("$"));
        assertNotNull(TopicRules.invalidReason("$a\nFAKE LOG LINE"));
        assertNotNull(TopicRules.invalidReason("$\u0000"));
        assertNotNull(TopicRules.invalidReason("$a b"));
        assertNotNull(TopicRules.invalidReason("$" + "x".repeat(128)));
    }

    @Test
    void reasonsNeverCarryControlCharacters() {
        String reason = TopicRules.invalidReason("$evil\r\n2026-01-01 INFO forged\u0000");
        assertNotNull(reason);
        assertTrue(reason.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f), "reason: " + reason);
        assertTrue(reason.contains("\\u000a"), "the newline is shown escaped: " + reason);
    }

    @Test
    void globsMatchWholeNames() {
        assertTrue(rules.clientMayPublish("chat:lobby"));
        assertFalse(rules.clientMayPublish("news"));
        assertFalse(rules.clientMayPublish("xchat:lobby"), "a glob must match from the start");
        assertTrue(rules.hasPresence("room.7.live"));
        assertFalse(rules.hasPresence("room.7.live.x"));
        assertFalse(rules.hasPresence("room.7+live"), "dots are literal, not regex wildcards");
    }

    @Test
    void subscribeRules() {
        assertNull(rules.subscribeDenied("alice", "news"));
        assertNull(rules.subscribeDenied("alice", "user:alice"));
        assertNotNull(rules.subscribeDenied("alice", "user:bob"));
        assertNotNull(rules.subscribeDenied("alice", "$sys"));
        assertNotNull(rules.subscribeDenied("alice", "internal:metrics"));
    }
}
