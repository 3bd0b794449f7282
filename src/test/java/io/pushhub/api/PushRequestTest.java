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
}
