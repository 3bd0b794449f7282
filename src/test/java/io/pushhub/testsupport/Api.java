package io.pushhub.testsupport;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** REST calls to the hub under test, with java.net.http. */
public final class Api {

    public static final String KEY = "it-publisher-key";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** An HTTP answer: status and body (parsed when JSON). */
    public record Reply(int status, String body, java.net.http.HttpHeaders headers) {
        public JsonObject json() {
            return Json.parse(body);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private final String base;

    public Api(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    public Reply push(String json) throws Exception {
        return post("/api/push", json, "Bearer " + KEY);
    }

    /** A push with an {@code Idempotency-Key} header. */
    public Reply push(String json, String idempotencyKey) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + "/api/push"))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + KEY)
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    public Reply post(String path, String json, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return send(b.build());
    }

    public Reply get(String path) throws Exception {
        return get(path, "Bearer " + KEY);
    }

    public Reply get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(15))
                .GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return send(b.build());
    }

    /** One value of the hub's Prometheus /metrics output (the first series of that name); fails if it is missing. */
    public double metric(String name) throws Exception {
        String body = get("/metrics", null).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "(?m)^" + name + "(?:\\{[^}]*\\})?\\s+([0-9.eE+-]+)")
                .matcher(body);
        if (!m.find()) {
            throw new AssertionError(name + " not in /metrics:\n"
                    + body.lines().filter(l -> l.contains("pushhub")).toList());
        }
        return Double.parseDouble(m.group(1));
    }

    public Reply delete(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + KEY)
                .DELETE()
                .build());
    }

    public Reply send(HttpRequest request) throws Exception {
        HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r.headers());
    }
}
