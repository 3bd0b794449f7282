package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.Jwts;
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What a browser sees of the hub from a page on another origin, at the HTTP level (the real thing in Chromium:
 * CrossOriginBrowserIT). The test server allows {@code http://app.pushhub.test}.
 */
class CrossOriginIT extends HubIT {

    private static final String ALLOWED = "http://app.pushhub.test";
    private static final String REFUSED = "http://evil.pushhub.test";
    private static final HttpClient HTTP_CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Api.Reply preflight(String path, String origin, String method, String headers) throws Exception {
        return api.send(HttpRequest.newBuilder(URI.create(HTTP + path))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", method)
                .header("Access-Control-Request-Headers", headers)
                .build());
    }

    private static Optional<String> header(Api.Reply r, String name) {
        return r.headers().firstValue(name);
    }

    @Test
    void anAllowedOriginMayOpenTheStreamWithCredentialsAndSendCommands() throws Exception {
        HttpResponse<InputStream> stream = HTTP_CLIENT.send(
                HttpRequest.newBuilder(URI.create(HTTP + "/api/events"))
                        .header("Origin", ALLOWED)
                        .header("Accept", "text/event-stream")
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = stream.body()) {
            assertEquals(200, stream.statusCode());
            assertEquals(
                    Optional.of(ALLOWED), stream.headers().firstValue("Access-Control-Allow-Origin"), "exact origin");
            assertEquals(Optional.of("true"), stream.headers().firstValue("Access-Control-Allow-Credentials"));
            assertTrue(
                    stream.headers().allValues("Vary").contains("Origin"),
                    stream.headers().map().toString());
            List<String> cookies = stream.headers().allValues("Set-Cookie");
            assertTrue(
                    cookies.stream().anyMatch(c -> c.startsWith("pushhub-anon=") && c.contains("HttpOnly")),
                    "the anonymous cookie comes with the stream: " + cookies);
            assertFalse(cookies.stream().anyMatch(c -> c.startsWith("JSESSIONID")), "no HTTP session: " + cookies);
        }

        // A command is a JSON POST (and may carry Authorization): the browser asks first.
        Api.Reply pre = preflight("/api/events/c-x/commands", ALLOWED, "POST", "content-type,authorization");
        assertEquals(204, pre.status(), pre.toString());
        assertEquals(Optional.of(ALLOWED), header(pre, "Access-Control-Allow-Origin"));
        assertEquals(Optional.of("true"), header(pre, "Access-Control-Allow-Credentials"));
        assertTrue(
                header(pre, "Access-Control-Allow-Methods").orElse("").contains("POST"),
                pre.headers().map().toString());
        assertTrue(header(pre, "Access-Control-Allow-Methods").orElse("").contains("DELETE"));
        String allowHeaders =
                header(pre, "Access-Control-Allow-Headers").orElse("").toLowerCase(java.util.Locale.ROOT);
        assertTrue(allowHeaders.contains("content-type") && allowHeaders.contains("authorization"), allowHeaders);

        // The answer to the command itself (here: no such connection) is readable by the page too.
        Api.Reply command = api.send(HttpRequest.newBuilder(URI.create(HTTP + "/api/events/c-x/commands"))
                .header("Origin", ALLOWED)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"ping\"}"))
                .build());
        assertEquals(404, command.status(), command.toString());
        assertEquals(Optional.of(ALLOWED), header(command, "Access-Control-Allow-Origin"));
    }

    @Test
    void aRefusedOriginGetsNoCorsHeadersAndItsPreflightIs403() throws Exception {
        Api.Reply stream = api.send(HttpRequest.newBuilder(URI.create(HTTP + "/api/events"))
                .header("Origin", REFUSED)
                .build());
        assertEquals(403, stream.status(), stream.toString());
        assertEquals("origin_not_allowed", stream.json().getString("error"));
        assertEquals(Optional.empty(), header(stream, "Access-Control-Allow-Origin"));
        assertTrue(stream.headers().allValues("Set-Cookie").isEmpty(), "no cookie for a refused origin");

        Api.Reply pre = preflight("/api/events/c-x/commands", REFUSED, "POST", "content-type");
        assertEquals(403, pre.status(), pre.toString());
        assertEquals("origin_not_allowed", pre.json().getString("error"));
        assertEquals(Optional.empty(), header(pre, "Access-Control-Allow-Origin"));
    }

    private Api.Reply check(String origin, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(HTTP + "/api/connect-check"));
        if (origin != null) {
            b.header("Origin", origin);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return api.send(b.build());
    }

    @Test
    void theConnectCheckTellsAnyPageOnlyTheCategoryOfItsRefusal() throws Exception {
        Api.Reply origin = check(REFUSED, null);
        assertEquals(403, origin.status(), origin.toString());
        JsonObject o = origin.json();
        assertEquals("origin_not_allowed", o.getString("error"));
        assertEquals("origin not allowed", o.getString("message"), "not the list of allowed origins");
        assertEquals(Optional.of("*"), header(origin, "Access-Control-Allow-Origin"), "a refused page may read it");
        assertEquals(Optional.empty(), header(origin, "Access-Control-Allow-Credentials"));

        Api.Reply expired =
                check(ALLOWED, Jwts.token("late", List.of(), Instant.now().minusSeconds(3600)));
        assertEquals(401, expired.status(), expired.toString());
        assertEquals("token_expired", expired.json().getString("error"));
        assertEquals("token invalid: expired", expired.json().getString("message"));

        Api.Reply issuer = check(ALLOWED, Jwts.withIssuer("eve", "https://elsewhere.example"));
        assertEquals("token_invalid", issuer.json().getString("error"));
        assertEquals("token invalid: wrong issuer", issuer.json().getString("message"), "the issuer is not told");
        Api.Reply stranger = check(ALLOWED, Jwts.signedByStranger("mallory"));
        assertEquals("token invalid: signature does not verify", stranger.json().getString("message"));

        Api.Reply ok = check(ALLOWED, Jwts.token("alice", List.of()));
        assertEquals(200, ok.status(), ok.toString());
        assertEquals("{\"allowed\":true}", ok.body());
        Api.Reply anonymous = check(null, null);
        assertEquals(200, anonymous.status(), anonymous.toString());
        assertTrue(anonymous.headers().allValues("Set-Cookie").isEmpty(), "the check keeps nothing, sets nothing");

        // Its preflight (the token is an Authorization header) is answered for any origin.
        Api.Reply pre = preflight("/api/connect-check", REFUSED, "GET", "authorization");
        assertEquals(204, pre.status(), pre.toString());
        assertEquals(Optional.of("*"), header(pre, "Access-Control-Allow-Origin"));
        assertTrue(header(pre, "Access-Control-Allow-Headers").orElse("").contains("Authorization"));
    }
}
