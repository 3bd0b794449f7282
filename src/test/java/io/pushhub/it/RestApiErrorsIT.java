package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.Jwts;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Credentials and malformed requests on the push API: each refused with its status and a JSON body. */
class RestApiErrorsIT extends HubIT {

    private static void assertJsonError(Api.Reply r, int status, String code) {
        assertEquals(status, r.status(), "reply: " + r);
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), "reply: " + r);
        assertEquals(code, r.json().getString("error"), "reply: " + r);
        assertEquals(status, r.json().getInt("status"), "reply: " + r);
    }

    @Test
    void noCredentialsIs401() throws Exception {
        Api.Reply r = api.post("/api/push", "{\"data\":1}", null);
        assertJsonError(r, 401, "unauthorized");
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), "reply: " + r);
        assertJsonError(api.get("/api/connections", null), 401, "unauthorized");
        assertJsonError(api.get("/api/topics", null), 401, "unauthorized");
        assertJsonError(api.get("/api/push/scheduled", null), 401, "unauthorized");
    }

    @Test
    void wrongApiKeyIs401() throws Exception {
        assertJsonError(api.post("/api/push", "{\"data\":1}", "Bearer not-the-key"), 401, "unauthorized");
    }

    @Test
    void invalidJwtsAre401() throws Exception {
        String stranger = Jwts.signedByStranger("mallory");
        Api.Reply r = api.post("/api/push", "{\"data\":1}", "Bearer " + stranger);
        assertJsonError(r, 401, "unauthorized");
        assertTrue(r.json().getString("message").contains("signature"), "reply: " + r);
        String expired = Jwts.token("pub", List.of("publisher"), Instant.now().minusSeconds(3600));
        Api.Reply e = api.post("/api/push", "{\"data\":1}", "Bearer " + expired);
        assertJsonError(e, 401, "unauthorized");
        assertTrue(e.json().getString("message").contains("expired"), "reply: " + e);
    }

    @Test
    void jwtWithoutPublisherGroupIs403() throws Exception {
        Api.Reply r = api.post("/api/push", "{\"data\":1}", "Bearer " + Jwts.token("viewer", List.of("viewers")));
        assertJsonError(r, 403, "forbidden");
        assertTrue(r.json().getString("message").contains("publisher"), "reply: " + r);
    }

    @Test
    void jwtWithPublisherGroupMayPush() throws Exception {
        Api.Reply r = api.post("/api/push", "{\"data\":1}", "Bearer " + Jwts.token("backend", List.of("publisher")));
        assertEquals(200, r.status(), "reply: " + r);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{not json                                    | bad_json",
        "                                             | bad_request",
        "[1,2]                                        | bad_request",
        "{\"topic\":\"news\"}                         | bad_request",
        "{\"topic\":\"news\",\"users\":[\"a\"],\"data\":1} | bad_request",
        "{\"topic\":\"news\",\"topics\":[\"a\"],\"data\":1} | bad_request",
        "{\"topcis\":[\"news\"],\"data\":1}           | bad_request",
        "{\"topics\":[],\"data\":1}                   | bad_request",
        "{\"users\":[1,2],\"data\":1}                 | bad_request",
        "{\"topic\":\"has space\",\"data\":1}         | invalid_topic",
    })
    void malformedBodiesAre400(String body, String code) throws Exception {
        Api.Reply r = api.push(body == null ? "" : body.trim());
        assertJsonError(r, 400, code);
        assertTrue(r.json().getString("message").length() > 10, "message must say what is wrong: " + r);
    }

    @Test
    void unknownPathIsAJson404() throws Exception {
        Api.Reply r = api.get("/api/nothing-here");
        assertEquals(404, r.status(), "reply: " + r);
        assertEquals(404, r.json().getInt("status"), "reply: " + r);
    }
}
