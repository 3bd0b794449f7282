package io.pushhub.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import jakarta.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a push tracks travels with its publication to other nodes; an untracked one carries nothing extra. */
class PublicationTrackingTest {

    @Test
    void trackingSurvivesTheWireAndAnOffset() {
        Tracking t = new Tracking(true, true, 30_000, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", true);
        Publication p = new Publication(
                        "n1", Publication.Kind.USERS, List.of("alice"), "m-1", null, 5, Json.createValue("hi"), 0, null)
                .tracked(t);
        Publication back = Publication.fromJson(p.toJson()).at(7, "e1");
        assertEquals(t, back.tracking());
        assertEquals(7, back.offset());
    }

    @Test
    void untrackedPublicationsCarryNoTrackingField() {
        Publication p = new Publication(
                "n1", Publication.Kind.TOPIC, List.of("news"), "m-2", null, 5, Json.createValue("hi"), 0, null);
        assertFalse(p.toJson().contains("\"tr\""), p.toJson());
        assertSame(Tracking.NONE, Publication.fromJson(p.toJson()).tracking());
        // A malformed tracking field from a future or broken node is read as none, not as an error.
        String odd = p.toJson().replace("\"ts\":", "\"tr\":\"x\",\"ts\":");
        assertSame(Tracking.NONE, Publication.fromJson(odd).tracking());
    }
}
