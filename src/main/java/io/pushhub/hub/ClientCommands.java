package io.pushhub.hub;

import io.pushhub.ConnectionEvent;
import io.pushhub.authorization.AuthorizationHook;
import io.pushhub.authorization.HookDecision;
import io.pushhub.authorization.HookRequest;
import io.pushhub.broker.BrokerUnavailableException;
import io.pushhub.broker.HistoryPolicy;
import io.pushhub.broker.HistoryRead;
import io.pushhub.broker.Publication;
import io.pushhub.config.HubConfig;
import io.pushhub.delivery.Frame;
import io.pushhub.protocol.ClientFrame;
import io.pushhub.protocol.Codec;
import io.pushhub.protocol.ErrorCode;
import io.pushhub.protocol.ServerFrame;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a client may ask of the hub over its connection: subscribe (and resume from a history position), unsubscribe,
 * publish, echo, ping. Each command is rate limited, checked, and answered with an ack or an error frame to that
 * client only; nothing a client sends can throw out of {@link #handle} or disturb another client.
 *
 * <p>Called by the transports on their read threads, one frame at a time per connection.
 */
final class ClientCommands {

    private static final Logger LOG = Logger.getLogger(ClientCommands.class.getName());
    /** At most one rate_limited error frame per connection per second, so the notice cannot itself flood. */
    private static final long RATE_NOTICE_INTERVAL_NANOS = 1_000_000_000L;

    private final HubConfig config;
    private final TopicRules rules;
    private final ConnectionRegistry registry;
    private final LocalDelivery local;
    private final ClusterRelay relay;
    private final PresenceNotices presence;
    private final HubStats stats;
    private final ConnectionEvents events;
    private final AuthorizationHook hook;
    private final SubscribeTokens subscribeTokens;

    /** Checks a subscribe token: null when it lets {@code userId} subscribe to {@code topic}, else why not. */
    @FunctionalInterface
    interface SubscribeTokens {
        String problem(String token, String userId, String topic);
    }

    ClientCommands(
            HubConfig config,
            TopicRules rules,
            ConnectionRegistry registry,
            LocalDelivery local,
            ClusterRelay relay,
            PresenceNotices presence,
            HubStats stats,
            ConnectionEvents events) {
        this(
                config,
                rules,
                registry,
                local,
                relay,
                presence,
                stats,
                events,
                AuthorizationHook.NONE,
                (token, user, topic) -> "subscribe tokens are not accepted here");
    }

    ClientCommands(
            HubConfig config,
            TopicRules rules,
            ConnectionRegistry registry,
            LocalDelivery local,
            ClusterRelay relay,
            PresenceNotices presence,
            HubStats stats,
            ConnectionEvents events,
            AuthorizationHook hook,
            SubscribeTokens subscribeTokens) {
        this.hook = hook;
        this.subscribeTokens = subscribeTokens;
        this.config = config;
        this.rules = rules;
        this.registry = registry;
        this.local = local;
        this.relay = relay;
        this.presence = presence;
        this.stats = stats;
        this.events = events;
    }

    /** Where {@code received} frames go (delivery receipts); null: ignored. */
    private volatile Receipts receipts;

    void receipts(Receipts r) {
        this.receipts = r;
    }

    /** Handles one decoded client frame. Never throws: every problem becomes an error frame to that client only. */
    void handle(Connection c, ClientFrame frame) {
        if (!c.limiter().tryAcquire()) {
            long now = System.nanoTime();
            if (now - c.lastRateLimitNotice > RATE_NOTICE_INTERVAL_NANOS) {
                c.lastRateLimitNotice = now;
                local.error(
                        c,
                        frame.id(),
                        ErrorCode.RATE_LIMITED,
                        "more than " + config.ratePerSecond() + " frames/s (burst " + config.rateBurst()
                                + "); frames are being dropped");
            } else {
                stats.error(ErrorCode.RATE_LIMITED);
            }
            return;
        }
        if (!frame.isValid()) {
            local.error(c, frame.id(), frame.problem().code(), frame.problem().message());
            return;
        }
        if (!c.admitted) {
            local.error(
                    c,
                    frame.id(),
                    ErrorCode.NOT_ADMITTED,
                    "the application's authorization backend has not admitted this connection yet; wait for the"
                            + " welcome frame");
            return;
        }
        try {
            switch (frame.type()) {
                case SUBSCRIBE -> subscribe(c, frame);
                case UNSUBSCRIBE -> {
                    if (c.hooked.get() == 0) {
                        unsubscribe(c, frame);
                    } else {
                        queued(c, frame, () -> NOT_ASKED, d -> unsubscribe(c, frame));
                    }
                }
                case PUBLISH -> publish(c, frame);
                case ECHO -> local.reply(c, ServerFrame.echoed(frame.id(), frame.data()));
                case PING -> local.reply(c, ServerFrame.pong(frame.id(), System.currentTimeMillis()));
                case RECEIVED -> {
                    // Taken or not (unknown, already acknowledged, asked no receipt), the client hears nothing more:
                    // an ack only when the frame had an id (SSE commands always do, WebSocket clients need none).
                    Receipts r = receipts;
                    if (r != null) {
                        r.received(c, frame.messageId());
                    }
                    if (frame.id() != null) {
                        local.reply(c, ServerFrame.received(frame.id(), frame.messageId()));
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "failed to handle " + frame.type() + " from " + c, e);
            local.error(c, frame.id(), ErrorCode.INTERNAL, "the server failed to process this frame");
        }
    }

    private boolean checkTopicName(Connection c, ClientFrame frame) {
        String reason = TopicRules.invalidReason(frame.topic());
        if (reason != null) {
            local.error(c, frame.id(), ErrorCode.INVALID_TOPIC, reason);
            return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- authorization (docs/authorization.md)

    private static final CompletableFuture<HookDecision> NOT_ASKED =
            CompletableFuture.completedFuture(HookDecision.allow(null, null));

    /** The question about {@code event} on this connection. */
    static HookRequest question(Connection c, AuthorizationHook.Event event, String topic, JsonValue data) {
        return new HookRequest(
                event, c.userId(), c.anonymous(), c.groups, c.id(), c.channel().transportName(), topic, data);
    }

    /**
     * Asks at once, and runs {@code then} with the answer once every earlier queued command of this connection has run,
     * so that a connection's commands take effect in the order it sent them even while the hook decides some of them
     * (their questions are answered concurrently: ten subscribes to a hanging backend all get their answer after one
     * time-out). Neither waits on a thread: {@code ask} starts an asynchronous question, {@code then} runs on the hook's
     * thread when it is answered (or at once, on this thread, when nothing is queued and the answer is known). Past {@code
     * pushhub.hook.max-pending-per-connection} queued commands the frame gets {@code authorization_unavailable} at once.
     */
    private void queued(
            Connection c,
            ClientFrame frame,
            Supplier<CompletableFuture<HookDecision>> ask,
            Consumer<HookDecision> then) {
        if (c.hooked.incrementAndGet() > config.hookMaxPendingPerConnection()) {
            c.hooked.decrementAndGet();
            local.error(
                    c,
                    frame.id(),
                    ErrorCode.AUTHORIZATION_UNAVAILABLE,
                    "more than " + config.hookMaxPendingPerConnection()
                            + " commands of this connection are waiting for the authorization backend"
                            + " (pushhub.hook.max-pending-per-connection); wait for their answers");
            return;
        }
        // Asked at once (questions of one connection are answered concurrently, each within the time-out); only
        // their effects are applied in order.
        CompletableFuture<HookDecision> answer;
        try {
            answer = ask.get();
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        c.hookTail = c.hookTail.thenCombine(answer, (v, d) -> d).handle((d, t) -> {
            try {
                if (t != null) {
                    LOG.log(Level.WARNING, "failed to ask about " + frame.type() + " from " + c, t);
                    local.error(c, frame.id(), ErrorCode.INTERNAL, "the server failed to process this frame");
                } else {
                    then.accept(d);
                }
            } catch (RuntimeException e) {
                // Isolated like handle(): one command's failure never stops the ones queued behind it.
                LOG.log(Level.WARNING, "failed to handle " + frame.type() + " from " + c, e);
                local.error(c, frame.id(), ErrorCode.INTERNAL, "the server failed to process this frame");
            } finally {
                c.hooked.decrementAndGet(); // after then: a frame that finds 0 runs after everything queued
            }
            return null;
        });
    }

    /** The error frame for a command the hook did not allow: its denial, or that it could not decide. */
    private void refused(Connection c, ClientFrame frame, HookDecision d, ErrorCode deniedCode) {
        if (d.outcome().failure()) {
            local.error(c, frame.id(), ErrorCode.AUTHORIZATION_UNAVAILABLE, d.reason() + "; try again later");
        } else {
            local.error(c, frame.id(), deniedCode, d.reason());
        }
    }

    /**
     * Checks the token rules of a subscribe (after the configuration's): a subscribe token in the frame must be valid
     * for this user and topic, and then grants the topic; without one, the connection token's {@code
     * pushhub.subscribe} claim, when present, must name the topic, and a topic of {@code
     * pushhub.topics.subscribe-token-required} needs that claim to name it. Sends the error and returns false when not.
     */
    private boolean tokenAllowsSubscribe(Connection c, ClientFrame frame) {
        String topic = frame.topic();
        if (frame.token() != null) {
            String problem = subscribeTokens.problem(frame.token(), c.userId(), topic);
            if (problem != null) {
                local.error(c, frame.id(), ErrorCode.SUBSCRIBE_TOKEN_INVALID, problem);
                return false;
            }
            return true;
        }
        if (c.grants.subscribeWithheld(topic)) {
            local.error(
                    c,
                    frame.id(),
                    ErrorCode.FORBIDDEN_TOPIC,
                    "this connection's token allows subscribing only to " + c.grants.subscribe()
                            + " (its pushhub.subscribe claim); send a subscribe token for " + topic);
            return false;
        }
        if (rules.subscribeNeedsGrant(topic) && !c.grants.subscribeGranted(topic)) {
            local.error(
                    c,
                    frame.id(),
                    ErrorCode.FORBIDDEN_TOPIC,
                    topic + " needs a subscribe token (or a pushhub.subscribe claim naming it in the connection's"
                            + " token)");
            return false;
        }
        return true;
    }

    private void subscribe(Connection c, ClientFrame frame) {
        String topic = frame.topic();
        if (!checkTopicName(c, frame)) {
            return;
        }
        String denied = rules.subscribeDenied(c.userId(), topic);
        if (denied != null) {
            local.error(c, frame.id(), ErrorCode.FORBIDDEN_TOPIC, denied);
            return;
        }
        if (!tokenAllowsSubscribe(c, frame)) {
            return;
        }
        if (hook.asks(AuthorizationHook.Event.SUBSCRIBE, topic)) {
            queued(c, frame, () -> hook.ask(question(c, AuthorizationHook.Event.SUBSCRIBE, topic, null)), d -> {
                if (d.allowed()) {
                    subscribeNow(c, frame);
                } else {
                    refused(c, frame, d, ErrorCode.FORBIDDEN_TOPIC);
                }
            });
        } else if (c.hooked.get() > 0) {
            queued(c, frame, () -> NOT_ASKED, d -> subscribeNow(c, frame));
        } else {
            subscribeNow(c, frame);
        }
    }

    /** The subscribe itself, once every rule and the hook allowed it. */
    private void subscribeNow(Connection c, ClientFrame frame) {
        String topic = frame.topic();
        HistoryPolicy policy = relay.policy(topic);
        ClientFrame.Since since = frame.since();
        // Resuming: hold live messages from the moment of subscription until the replay is queued.
        SeamGate<Frame> gate = null;
        if (policy != null && since != null) {
            gate = new SeamGate<>(config.outboxMaxMessages());
            c.seams.put(topic, gate);
        }
        ConnectionRegistry.Subscribed result = registry.subscribe(c, topic, config.maxSubscriptions());
        // The server subscribed this connection already (a sticky subscription right after the welcome), and now its
        // client resumes the topic from its last position, as after every reconnect: replay what it missed, as for a
        // new subscription. Messages delivered live in between are in the replay too; the client drops them by id.
        boolean resumesServerSubscription =
                c.serverTopics.remove(topic) && gate != null && result == ConnectionRegistry.Subscribed.ALREADY;
        if (gate != null && result != ConnectionRegistry.Subscribed.ADDED && !resumesServerSubscription) {
            c.seams.remove(topic, gate); // nothing new to join: no replay
            gate = null;
        }
        if (result == ConnectionRegistry.Subscribed.LIMIT) {
            local.error(
                    c,
                    frame.id(),
                    ErrorCode.TOO_MANY_SUBSCRIPTIONS,
                    "at most " + config.maxSubscriptions() + " subscriptions per connection; unsubscribe first");
            return;
        }
        if (result == ConnectionRegistry.Subscribed.CLOSED) {
            return;
        }
        boolean added = result == ConnectionRegistry.Subscribed.ADDED;
        if (added) {
            presence.subscribed(c, topic);
        }
        List<String> members = presence.hasPresence(topic) ? presence.members(topic) : null;
        Recovery recovery = null;
        List<Publication> replay = List.of();
        ServerFrame.Recovery ackRecovery = null;
        if (policy != null) {
            try {
                // A repeated subscribe (already subscribed) only learns the position: its messages were never missed.
                HistoryRead read = gate == null
                        ? relay.readHistory(topic, Long.MAX_VALUE, 0)
                        : relay.readHistory(topic, since.offset(), policy.size());
                if (gate == null) {
                    ackRecovery =
                            position(read.position().epoch(), read.position().offset());
                } else {
                    recovery = Recovery.of(since.offset(), since.epoch(), read);
                    // Expired messages are skipped, not replayed; the ack says how many. A message pushed with this
                    // connection excluded is not replayed to it either (nor counted in 'replayed': that many follow).
                    replay = unexpired(recovery.replay());
                    int expired = recovery.replay().size() - replay.size();
                    replay = replay.stream().filter(p -> !p.excludes(c.id())).toList();
                    stats.countExpiredInReplay(expired);
                    ackRecovery = describe(recovery, replay.size(), expired);
                }
            } catch (BrokerUnavailableException e) {
                LOG.fine(() -> "history of " + topic + " unavailable for " + c + ": " + e.getMessage());
                ackRecovery = unavailable(gate != null, e.getMessage());
            }
        }
        local.reply(c, ServerFrame.subscribed(frame.id(), topic, members, ackRecovery));
        if (gate != null) {
            for (Publication p : replay) {
                local.deliver(
                        c,
                        Frame.text(
                                Codec.encode(ServerFrame.message(
                                        p.messageId(),
                                        p.topic(),
                                        p.from(),
                                        p.time(),
                                        p.expiresAt(),
                                        p.data(),
                                        p.offset(),
                                        p.epoch())),
                                p.expiresAt()));
            }
            // Without a read (broker down) there is no seam: let everything through.
            long seam = recovery != null ? recovery.position().offset() : -1;
            String seamEpoch = recovery != null ? recovery.position().epoch() : null;
            if (!gate.open(seam, seamEpoch, text -> local.deliver(c, text))) {
                local.slowConsumer(c);
                return;
            }
        }
        if (added) {
            presence.joined(c, topic);
            events.fire(() -> new ConnectionEvent.Subscribed(c.view(relay.nodeId()), topic));
        }
    }

    private static ServerFrame.Recovery position(String epoch, long offset) {
        return ServerFrame.Recovery.position(epoch, offset);
    }

    /** The publications that have not expired (the same list when none has an expiry: no clock read then). */
    static List<Publication> unexpired(List<Publication> replay) {
        long now = 0;
        List<Publication> out = null;
        for (int i = 0; i < replay.size(); i++) {
            Publication p = replay.get(i);
            if (p.expiresAt() != 0) {
                if (now == 0) {
                    now = System.currentTimeMillis();
                }
                if (p.expiredAt(now)) {
                    if (out == null) {
                        out = new java.util.ArrayList<>(replay.subList(0, i));
                    }
                    continue;
                }
            }
            if (out != null) {
                out.add(p);
            }
        }
        return out == null ? replay : out;
    }

    private static ServerFrame.Recovery describe(Recovery r, int replayed, int expired) {
        if (r.recovered()) {
            return ServerFrame.Recovery.recovered(
                    replayed, expired, r.position().epoch(), r.position().offset());
        }
        ServerFrame.Missed missed = r.missedTo() > 0 ? new ServerFrame.Missed(r.missedFrom(), r.missedTo()) : null;
        return ServerFrame.Recovery.lost(
                r.reason(), missed, r.position().epoch(), r.position().offset());
    }

    /** The broker could not be asked: no position, and a resume attempt is not recovered. */
    private static ServerFrame.Recovery unavailable(boolean resuming, String why) {
        return ServerFrame.Recovery.unavailable(
                resuming,
                "history is unavailable: " + why + "; live messages still arrive, subscribe again later to resume");
    }

    private void unsubscribe(Connection c, ClientFrame frame) {
        String topic = frame.topic();
        if (!checkTopicName(c, frame)) {
            return;
        }
        boolean was = registry.unsubscribe(c, topic);
        c.seams.remove(topic);
        c.serverTopics.remove(topic);
        local.reply(c, ServerFrame.unsubscribed(frame.id(), topic));
        if (was) {
            presence.unsubscribed(c, topic);
            events.fire(() -> new ConnectionEvent.Unsubscribed(c.view(relay.nodeId()), topic));
        }
    }

    private void publish(Connection c, ClientFrame frame) {
        String topic = frame.topic();
        if (!checkTopicName(c, frame)) {
            return;
        }
        if (!rules.clientMayPublish(topic)) {
            local.error(
                    c,
                    frame.id(),
                    ErrorCode.PUBLISH_NOT_ALLOWED,
                    "clients may not publish to " + topic + "; only to topics matching "
                            + config.clientPublishTopics());
            return;
        }
        if (c.grants.publishWithheld(topic)) {
            local.error(
                    c,
                    frame.id(),
                    ErrorCode.PUBLISH_NOT_ALLOWED,
                    "this connection's token allows publishing only to " + c.grants.publish()
                            + " (its pushhub.publish claim)");
            return;
        }
        boolean ask = hook.asks(AuthorizationHook.Event.PUBLISH, topic);
        if (!ask && c.hooked.get() == 0) {
            publishNow(c, frame, frame.data());
            return;
        }
        queued(
                c,
                frame,
                // Asked even when a subscribe queued before it is still undecided; publishNow checks the subscription.
                () -> ask ? hook.ask(question(c, AuthorizationHook.Event.PUBLISH, topic, frame.data())) : NOT_ASKED,
                d -> {
                    if (!d.allowed()) {
                        refused(c, frame, d, ErrorCode.PUBLISH_NOT_ALLOWED);
                    } else {
                        publishNow(c, frame, d.data() != null ? d.data() : frame.data());
                    }
                });
    }

    /** The publish itself, with the data to publish (the client's, or the hook's rewrite of it). */
    private void publishNow(Connection c, ClientFrame frame, JsonValue data) {
        String topic = frame.topic();
        if (!c.topics.contains(topic)) {
            local.error(c, frame.id(), ErrorCode.NOT_SUBSCRIBED, "subscribe to " + topic + " before publishing to it");
            return;
        }
        // Ack first, so the publisher learns the message id before (or together with) its own copy.
        String messageId = relay.nextMessageId();
        local.reply(c, ServerFrame.published(frame.id(), topic, messageId));
        relay.publish(messageId, topic, c.userId(), data);
    }
}
