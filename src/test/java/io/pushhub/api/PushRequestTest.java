package io.pushhub.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.Target;
import io.pushhub.problem.ApiProblem;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PushRequestTest {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    private static PushRequest parse(String body) {
        return PushRequest.parse(body, NOW, Duration.ofDays(30));
    }

    private static int status(String body) {
        return assertThrows(ApiProblem.class, () -> parse(body)).status();
    }

    @Test
    void targets() {
        assertEquals(new Target.All(), parse("{\"data\":1}").target());
        assertEquals(
                new Target.Topics(List.of("news")),
                parse("{\"topic\":\"news\",\"data\":1}").target());
        assertEquals(
                new Target.Users(List.of("a", "b")),
                parse("{\"users\":[\"a\",\"b\",\"a\"],\"data\":1}").target(),
                "duplicates are dropped, order kept");
        assertEquals(
                new Target.Connections(List.of("c-1")),
                parse("{\"connection\":\"c-1\",\"data\":1}").target());
        assertEquals("{\"x\":[true]}", parse("{\"data\":{\"x\":[true]}}").data().toString());
        assertEquals("null", parse("{\"data\":null}").data().toString());
        assertFalse(parse("{\"data\":1}").scheduled());
    }

    @Test
    void schedule() {
        assertEquals(NOW.plusMillis(1500), parse("{\"data\":1,\"delay\":1500}").deliverAt());
        assertEquals(
                NOW.plusSeconds(30), parse("{\"data\":1,\"delay\":\"PT30S\"}").deliverAt());
        assertEquals(
                Instant.parse("2026-11-22T11:00:00Z"),
                parse("{\"data\":1,\"at\":\"2026-11-22T11:00:00Z\"}").deliverAt());
        assertEquals(
                NOW, parse("{\"data\":1,\"at\":\"2020-01-01T00:00:00Z\"}").deliverAt(), "past instants are due now");
        assertTrue(parse("{\"data\":1,\"delay\":0}").scheduled());
    }

    @Test
    void rejections() {
        assertEquals(400, status(""));
        assertEquals(400, status("{"));
        assertEquals(400, status("{\"topic\":\"a\"}"));
        assertEquals(400, status("{\"data\":1,\"topic\":\"a\",\"user\":\"b\"}"));
        assertEquals(400, status("{\"data\":1,\"users\":[]}"));
        assertEquals(400, status("{\"data\":1,\"users\":[\"\"]}"));
        assertEquals(400, status("{\"data\":1,\"extra\":1}"));
        assertEquals(400, status("{\"data\":1,\"delay\":true}"));
        assertEquals(400, status("{\"data\":1,\"delay\":\"P31D\"}"));
        assertEquals(400, status("{\"data\":1,\"topic\":\"bad topic\"}"));
        StringBuilder many = new StringBuilder("{\"data\":1,\"users\":[");
        for (int i = 0; i <= PushRequest.MAX_TARGETS; i++) {
            many.append(i > 0 ? "," : "").append("\"u").append(i).append('"');
        }
        assertEquals(400, status(many.append("]}").toString()));
    }

    private static ApiProblem problem(String body) {
        return assertThrows(ApiProblem.class, () -> parse(body));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "{\"data\":1,\"delay\":\"PT9223372036854775807S\"}",
                "{\"data\":1,\"delay\":\"P106751991167300D\"}",
                "{\"data\":1,\"delay\":9223372036854775807}",
                "{\"data\":1,\"delay\":1e30}",
                "{\"data\":1,\"delay\":1e100000}",
                "{\"data\":1,\"delay\":1e100000000}",
                "{\"data\":1,\"delay\":18446744073709551616}",
                "{\"data\":1,\"at\":\"+1000000000-12-31T23:59:59Z\"}",
                "{\"data\":1,\"at\":\"2026-12-22T10:00:00.001Z\"}",
            })
    void hugeSchedulesAre400NamingTheFieldAndTheMaximum(String body) {
        ApiProblem p = problem(body);
        assertEquals(400, p.status(), p.getMessage());
        String field = body.contains("\"at\"") ? "'at'" : "'delay'";
        assertTrue(p.getMessage().contains(field) && p.getMessage().contains("P30D"), p.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "{\"data\":1,\"delay\":-1}",
                "{\"data\":1,\"delay\":-1e30}",
                "{\"data\":1,\"delay\":\"-PT1S\"}",
                "{\"data\":1,\"delay\":\"PT-9223372036854775808S\"}",
            })
    void negativeDelaysAre400(String body) {
        ApiProblem p = problem(body);
        assertEquals(400, p.status(), p.getMessage());
        assertTrue(p.getMessage().contains("'delay' must not be negative"), p.getMessage());
    }

    @Test
    void exceptConnectionIsAConnectionIdForAPushMadeNow() {
        assertEquals(
                "c-1",
                parse("{\"topic\":\"room\",\"data\":1,\"exceptConnection\":\"c-1\"}")
                        .exceptConnection());
        assertEquals(null, parse("{\"data\":1}").exceptConnection());
        for (String bad : List.of("1", "\"\"", "\" \"", "null", "\"" + "c".repeat(201) + "\"")) {
            ApiProblem p = problem("{\"data\":1,\"exceptConnection\":" + bad + "}");
            assertEquals(400, p.status(), bad);
            assertTrue(p.getMessage().contains("exceptConnection"), p.getMessage());
        }
        ApiProblem scheduled = problem("{\"data\":1,\"delay\":1000,\"exceptConnection\":\"c-1\"}");
        assertTrue(scheduled.getMessage().contains("'at' or 'delay'"), scheduled.getMessage());
    }

    @Test
    void traceIsTrueOrFalseForAPushMadeNow() {
        assertTrue(parse("{\"user\":\"a\",\"trace\":true,\"data\":1}").trace());
        assertFalse(parse("{\"user\":\"a\",\"trace\":false,\"data\":1}").trace());
        assertFalse(parse("{\"user\":\"a\",\"data\":1}").trace());
        for (String bad : List.of(
                "{\"trace\":\"yes\",\"data\":1}",
                "{\"trace\":true,\"delay\":1000,\"data\":1}",
                "{\"trace\":true,\"cron\":\"0 0 9 * * *\",\"data\":1}")) {
            ApiProblem p = assertThrows(ApiProblem.class, () -> parse(bad), bad);
            assertEquals(400, p.status(), bad);
            assertTrue(p.getMessage().contains("'trace'"), bad + ": " + p.getMessage());
        }
    }

    @Test
    void fractionsOfAMillisecondAreDropped() {
        assertEquals(NOW, parse("{\"data\":1,\"delay\":1e-100000000}").deliverAt());
        assertEquals(NOW.plusMillis(1), parse("{\"data\":1,\"delay\":1.9}").deliverAt());
    }

    @Test
    void theMaximumItselfIsAccepted() {
        assertEquals(
                NOW.plus(Duration.ofDays(30)),
                parse("{\"data\":1,\"delay\":\"P30D\"}").deliverAt());
        assertEquals(
                NOW.plus(Duration.ofDays(30)),
                parse("{\"data\":1,\"delay\":2592000000}").deliverAt());
        assertEquals(
                NOW.plus(Duration.ofDays(30)),
                parse("{\"data\":1,\"at\":\"2026-12-22T10:00:00Z\"}").deliverAt());
    }

    @Test
    void deeplyNestedDataIs400BadJson() {
        String deep = "{\"data\":" + "[".repeat(2000) + "]".repeat(2000) + "}";
        ApiProblem p = problem(deep);
        assertEquals("bad_json", p.code());
        assertTrue(p.getMessage().contains("deeper than 64"), p.getMessage());
        assertEquals("[[[]]]", parse("{\"data\":[[[]]]}").data().toString());
    }

    @Test
    void reservedTopicsAreCheckedLikeOthers() {
        assertEquals(
                new Target.Topics(List.of("$sys")),
                parse("{\"topic\":\"$sys\",\"data\":1}").target());
        ApiProblem p = problem("{\"topic\":\"$evil\\n2026 FORGED\\u0000\",\"data\":1}");
        assertEquals("invalid_topic", p.code());
        assertTrue(p.getMessage().chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f), p.getMessage());
        assertEquals(
                "invalid_topic",
                problem("{\"topics\":[\"ok\",\"$a\\tb\"],\"data\":1}").code());
    }

    private static PushRequest parse(String body, String header) {
        return PushRequest.parse(body, header, NOW, Duration.ofDays(30), Duration.ofDays(1));
    }

    private static ApiProblem problem(String body, String header) {
        return assertThrows(ApiProblem.class, () -> parse(body, header));
    }

    @Test
    void idempotencyKeyFromTheHeaderOrTheBody() {
        assertEquals("k-1", parse("{\"data\":1}", "k-1").idempotencyKey());
        assertEquals(
                "k-1", parse("{\"data\":1,\"idempotencyKey\":\"k-1\"}", null).idempotencyKey());
        assertEquals(
                "k-1", parse("{\"data\":1,\"idempotencyKey\":\"k-1\"}", "k-1").idempotencyKey(), "same in both");
        assertEquals(null, parse("{\"data\":1}", null).idempotencyKey());
        ApiProblem differ = problem("{\"data\":1,\"idempotencyKey\":\"k-1\"}", "k-2");
        assertEquals(400, differ.status());
        assertEquals("invalid_idempotency_key", differ.code());
        assertTrue(differ.getMessage().contains("differ"), differ.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "tab\there", "ümlaut"})
    void badIdempotencyKeysAreA400NamingTheProblem(String key) {
        ApiProblem p = problem("{\"data\":1}", key);
        assertEquals(400, p.status());
        assertEquals("invalid_idempotency_key", p.code());
        assertTrue(p.getMessage().contains("idempotency key"), p.getMessage());
    }

    @Test
    void tooLongAndNonStringKeysAreRefused() {
        assertEquals(
                "invalid_idempotency_key",
                problem("{\"data\":1}", "k".repeat(201)).code());
        assertEquals("k".repeat(200), parse("{\"data\":1}", "k".repeat(200)).idempotencyKey(), "200 is the maximum");
        assertEquals(
                "invalid_idempotency_key",
                problem("{\"data\":1,\"idempotencyKey\":5}", null).code());
    }

    @Test
    void ttlCountsFromNowOrFromTheScheduledTime() {
        assertEquals(
                NOW.plusMillis(2000), parse("{\"data\":1,\"ttl\":2000}", null).expiresAt());
        assertEquals(
                NOW.plusSeconds(60),
                parse("{\"data\":1,\"ttl\":\"PT1M\"}", null).expiresAt());
        assertEquals(
                NOW.plusSeconds(30).plusSeconds(60),
                parse("{\"data\":1,\"delay\":\"PT30S\",\"ttl\":\"PT1M\"}", null).expiresAt(),
                "from the scheduled time");
        assertEquals(
                Instant.parse("2026-11-22T10:05:00Z"),
                parse("{\"data\":1,\"expiresAt\":\"2026-11-22T10:05:00Z\"}", null)
                        .expiresAt());
        assertEquals(null, parse("{\"data\":1}", null).expiresAt());
    }

    @Test
    void badExpiriesAreA400NamingTheField() {
        ApiProblem both = problem("{\"data\":1,\"ttl\":1000,\"expiresAt\":\"2026-11-22T10:05:00Z\"}", null);
        assertEquals(400, both.status());
        assertTrue(both.getMessage().contains("'ttl' or 'expiresAt'"), both.getMessage());
        assertTrue(problem("{\"data\":1,\"ttl\":0}", null).getMessage().contains("'ttl'"));
        assertTrue(problem("{\"data\":1,\"ttl\":-5}", null).getMessage().contains("'ttl' must not be negative"));
        assertTrue(problem("{\"data\":1,\"ttl\":\"soon\"}", null).getMessage().contains("ISO-8601"));
        ApiProblem tooLong = problem("{\"data\":1,\"ttl\":\"P2D\"}", null);
        assertTrue(tooLong.getMessage().contains("pushhub.push.max-ttl"), tooLong.getMessage());
        assertTrue(problem("{\"data\":1,\"ttl\":1e30}", null).getMessage().contains("pushhub.push.max-ttl"));
        ApiProblem past = problem("{\"data\":1,\"expiresAt\":\"2026-11-22T09:00:00Z\"}", null);
        assertTrue(past.getMessage().contains("never be delivered"), past.getMessage());
        ApiProblem beforeDue = problem("{\"data\":1,\"delay\":\"PT1H\",\"expiresAt\":\"2026-11-22T10:30:00Z\"}", null);
        assertTrue(beforeDue.getMessage().contains("not after the time the push is due"), beforeDue.getMessage());
        assertTrue(problem("{\"data\":1,\"expiresAt\":\"tomorrow\"}", null)
                .getMessage()
                .contains("'expiresAt'"));
        assertTrue(problem("{\"data\":1,\"expiresAt\":\"2026-11-25T10:00:00Z\"}", null)
                .getMessage()
                .contains("pushhub.push.max-ttl"));
    }
}
