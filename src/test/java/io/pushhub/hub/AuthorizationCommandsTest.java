package io.pushhub.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.authorization.AuthorizationHook;
import io.pushhub.authorization.HookDecision;
import io.pushhub.authorization.HookRequest;
import io.pushhub.security.Identity;
import io.pushhub.security.TopicGrants;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How the hub applies the application's authorization (docs/authorization.md): token claims narrow and grant, the
 * hook's answers allow, deny and rewrite, a connection's commands take effect in order while the hook decides, the
 * per-connection bound, and the connect hook's admission.
 */
class AuthorizationCommandsTest {

    /** A hook the test answers by hand: every question waits in {@link #questions} with its future. */
    static final class ScriptedHook implements AuthorizationHook {
        record Question(HookRequest request, CompletableFuture<HookDecision> answer) {}

        final LinkedBlockingQueue<Question> questions = new LinkedBlockingQueue<>();
        private final boolean connect;

        ScriptedHook(boolean connect) {
            this.connect = connect;
        }

        @Override
        public boolean asks(Event event, String topic) {
            return event == Event.CONNECT ? connect : topic.startsWith("hooked:") || topic.startsWith("chat:");
        }

        @Override
        public CompletableFuture<HookDecision> ask(HookRequest request) {
            CompletableFuture<HookDecision> f = new CompletableFuture<>();
            questions.add(new Question(request, f));
            return f;
        }

        Question next() throws InterruptedException {
            Question q = questions.poll(5, TimeUnit.SECONDS);
            if (q == null) {
                throw new AssertionError("the hook was not asked");
            }
            return q;
        }
    }

    private static final Map<String, String> CONFIG = Map.of(
            "pushhub.topics.subscribe-token-required", "granted:*",
            "pushhub.hook.max-pending-per-connection", "3",
            "pushhub.hook.events", "subscribe,publish");

    private static Identity withGrants(String user, List<String> subscribe, List<String> publish) {
        return new Identity(user, false, Set.of(), new TopicGrants(subscribe, publish));
    }

    @Test
    void claimsNarrowTheConfigurationAndGrantTokenOnlyTopics() throws Exception {
        try (HubHarness h = new HubHarness(CONFIG, AuthorizationHook.NONE)) {
            HubHarness.Client c = h.open(withGrants("ann", List.of("news:*", "granted:a"), List.of("chat:x")));
            assertEquals("ack", c.subscribe("news:1").getString("type"));
            JsonObject narrowed = c.subscribe("sport");
            assertEquals("forbidden_topic", narrowed.getString("code"), "reply: " + narrowed);
            assertEquals("ack", c.subscribe("granted:a").getString("type"), "granted by the claim");
            JsonObject publish = c.request("publish", "\"topic\":\"chat:y\",\"data\":1");
            assertEquals("publish_not_allowed", publish.getString("code"), "reply: " + publish);

            HubHarness.Client plain = h.open("bob");
            assertEquals("ack", plain.subscribe("sport").getString("type"), "no claim: the configuration decides");
            JsonObject needsGrant = plain.subscribe("granted:a");
            assertEquals("forbidden_topic", needsGrant.getString("code"));
            assertTrue(needsGrant.getString("message").contains("subscribe token"), "reply: " + needsGrant);
            JsonObject token = plain.request("subscribe", "\"topic\":\"granted:a\",\"token\":\"a.b.c\"");
            assertEquals("subscribe_token_invalid", token.getString("code"), "no verifier here: refused");
            assertEquals("pong", plain.request("ping", "").getString("type"), "still usable");
        }
    }

    @Test
    void theHookDeniesRewritesAndItsDecisionsTakeEffectInOrder() throws Exception {
        ScriptedHook hook = new ScriptedHook(false);
        try (HubHarness h = new HubHarness(CONFIG, hook)) {
            HubHarness.Client alice = h.open("alice");
            HubHarness.Client bob = h.open("bob");
            bob.send("{\"type\":\"subscribe\",\"topic\":\"chat:room\",\"id\":\"b1\"}");
            hook.next().answer().complete(HookDecision.allow(null, null));
            bob.await("bob's ack", f -> "b1".equals(f.getString("id", null)));

            // alice subscribes and publishes at once; the publish must wait for the subscribe's decision
            alice.send("{\"type\":\"subscribe\",\"topic\":\"chat:room\",\"id\":\"s\"}");
            alice.send("{\"type\":\"publish\",\"topic\":\"chat:room\",\"id\":\"p\",\"data\":{\"text\":\"darn\"}}");
            ScriptedHook.Question sub = hook.next();
            ScriptedHook.Question pub = hook.next(); // asked concurrently
            assertEquals(AuthorizationHook.Event.PUBLISH, pub.request().event());
            assertEquals("darn", pub.request().data().asJsonObject().getString("text"));
            pub.answer()
                    .complete(HookDecision.allow(
                            Json.createObjectBuilder().add("text", "***").build(), null));
            assertEquals("pong", alice.request("ping", "").getString("type"), "ping answered at once");
            assertFalse(
                    alice.seen.stream().anyMatch(f -> "p".equals(f.getString("id", null))),
                    "the publish waits for the subscribe before it: " + alice.seen);
            sub.answer().complete(HookDecision.allow(null, null));
            alice.await("subscribe ack", f -> "s".equals(f.getString("id", null)));
            JsonObject ack = alice.await("publish ack", f -> "p".equals(f.getString("id", null)));
            assertEquals("ack", ack.getString("type"), "reply: " + ack);
            assertEquals("***", bob.awaitMessage().getJsonObject("data").getString("text"), "the rewrite is published");

            alice.send("{\"type\":\"subscribe\",\"topic\":\"hooked:secret\",\"id\":\"x\"}");
            hook.next().answer().complete(HookDecision.deny("staff only"));
            JsonObject denied = alice.await("denial", f -> "x".equals(f.getString("id", null)));
            assertEquals("forbidden_topic", denied.getString("code"));
            assertEquals("staff only", denied.getString("message"));
        }
    }

    @Test
    void pastThePerConnectionBoundACommandIsRefusedAtOnce() throws Exception {
        ScriptedHook hook = new ScriptedHook(false);
        try (HubHarness h = new HubHarness(CONFIG, hook)) {
            HubHarness.Client c = h.open("carol");
            for (int i = 0; i < 3; i++) {
                c.send("{\"type\":\"subscribe\",\"topic\":\"hooked:" + i + "\",\"id\":\"q" + i + "\"}");
            }
            JsonObject fourth = c.subscribe("hooked:3");
            assertEquals("authorization_unavailable", fourth.getString("code"), "reply: " + fourth);
            assertTrue(fourth.getString("message").contains("pushhub.hook.max-pending-per-connection"));
            for (int i = 0; i < 3; i++) {
                hook.next()
                        .answer()
                        .complete(new HookDecision(HookDecision.Outcome.TIMEOUT, false, "no answer", null, null));
            }
            for (int i = 0; i < 3; i++) {
                String id = "q" + i;
                assertEquals(
                        "authorization_unavailable",
                        c.await(id, f -> id.equals(f.getString("id", null))).getString("code"));
            }
            c.send("{\"type\":\"subscribe\",\"topic\":\"hooked:again\",\"id\":\"again\"}");
            hook.next().answer().complete(HookDecision.allow(null, null));
            assertEquals(
                    "ack",
                    c.await("again", f -> "again".equals(f.getString("id", null)))
                            .getString("type"));
        }
    }

    @Test
    void theConnectHookAdmitsWithInfoOrRefusesAndNothingIsCountedBefore() throws Exception {
        ScriptedHook hook = new ScriptedHook(true);
        try (HubHarness h = new HubHarness(Map.of(), hook)) {
            HubHarness.Client waiting = h.open("dan");
            ScriptedHook.Question q = hook.next();
            assertEquals(AuthorizationHook.Event.CONNECT, q.request().event());
            JsonObject early = waiting.subscribe("news");
            assertEquals("not_admitted", early.getString("code"), "reply: " + early);
            assertEquals(0, h.hub.registry().size(), "not listed before it is admitted");
            q.answer()
                    .complete(HookDecision.allow(
                            null, Json.createObjectBuilder().add("plan", "gold").build()));
            JsonObject welcome = waiting.await("welcome", f -> "welcome".equals(f.getString("type")));
            assertEquals("gold", welcome.getJsonObject("info").getString("plan"));
            assertEquals("ack", waiting.subscribe("news").getString("type"));
            assertEquals(1, h.hub.registry().size());

            HubHarness.Client refused = h.open("mallory");
            hook.next().answer().complete(HookDecision.deny("suspended"));
            JsonObject error = refused.await("refusal", f -> "error".equals(f.getString("type")));
            assertEquals("connection_denied", error.getString("code"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (refused.closedWith.get() == -1 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(Hub.CLOSE_FORBIDDEN, refused.closedWith.get());

            HubHarness.Client gone = h.open("erin");
            ScriptedHook.Question late = hook.next();
            h.hub.closed(gone.connection); // the client left while the hook decided
            late.answer().complete(HookDecision.allow(null, null)); // admission runs in complete(), on this thread
            assertEquals(1, h.hub.registry().size(), "a connection closed before admission is never registered");
        }
    }
}
