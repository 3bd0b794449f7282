package io.pushhub.it.trace;

import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * Test only, deployed in TraceIT's WAR: {@code GET /api/test-spans?traceId=...} answers the spans {@link InMemorySpans}
 * exported for a trace: name, ids, attributes and events.
 */
@Path("test-spans")
@RequestScoped
public class SpansResource {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String spans(@QueryParam("traceId") String traceId) {
        JsonArrayBuilder all = Json.createArrayBuilder();
        for (SpanData s : InMemorySpans.of(traceId)) {
            JsonObjectBuilder attrs = Json.createObjectBuilder();
            s.getAttributes().forEach((k, v) -> attrs.add(k.getKey(), String.valueOf(v)));
            JsonArrayBuilder events = Json.createArrayBuilder();
            for (EventData e : s.getEvents()) {
                JsonObjectBuilder ea = Json.createObjectBuilder();
                e.getAttributes().forEach((k, v) -> ea.add(k.getKey(), String.valueOf(v)));
                events.add(Json.createObjectBuilder().add("name", e.getName()).add("attributes", ea));
            }
            all.add(Json.createObjectBuilder()
                    .add("name", s.getName())
                    .add("traceId", s.getTraceId())
                    .add("spanId", s.getSpanId())
                    .add("parentSpanId", s.getParentSpanId())
                    .add("attributes", attrs)
                    .add("events", events));
        }
        return Json.createObjectBuilder().add("spans", all).build().toString();
    }
}
