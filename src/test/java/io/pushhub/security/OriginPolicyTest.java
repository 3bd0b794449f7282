package io.pushhub.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    @Test
    void defaultsAllowSameOriginAndLocalhostOnly() {
        OriginPolicy p = new OriginPolicy(List.of());
        assertTrue(p.allows(null, "push.example.com"), "non-browser clients send no Origin");
        assertTrue(p.allows("https://push.example.com", "push.example.com"), "same origin, default port");
        assertTrue(p.allows("http://push.example.com:8080", "push.example.com:8080"));
        assertTrue(p.allows("http://localhost:5173", "push.example.com"));
        assertTrue(p.allows("http://127.0.0.1:3000", "push.example.com"));
        assertTrue(p.allows("http://[::1]:3000", "push.example.com"));
        assertFalse(p.allows("https://evil.example", "push.example.com"));
        assertFalse(p.allows("https://push.example.com.evil.example", "push.example.com"));
        assertFalse(p.allows("http://push.example.com:9999", "push.example.com:8080"), "other port, other origin");
        assertFalse(p.allows("null", "push.example.com"));
    }

    @Test
    void listedOriginsAndWildcard() {
        OriginPolicy listed = new OriginPolicy(List.of("https://app.example.com/"));
        assertTrue(listed.allows("https://APP.example.com", "push.example.com"));
        assertFalse(listed.allows("https://other.example.com", "push.example.com"));
        assertTrue(new OriginPolicy(List.of("*")).allows("https://anything.example", "x"));
    }
}
