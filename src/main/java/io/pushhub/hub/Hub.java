package io.pushhub.hub;

import io.pushhub.config.HubConfig;
import io.pushhub.delivery.DeliveryEngine;
import io.pushhub.delivery.Outbox;
import io.pushhub.protocol.ClientFrame;
import io.pushhub.protocol.Codec;
import io.pushhub.protocol.ErrorCode;
import io.pushhub.protocol.ServerFrame;
import io.pushhub.security.Identity;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The routing core. Transports (the WebSocket endpoint) hand it connections and decoded client frames; the push API
 * and the timers hand it pushes. It owns topic rules, presence notices and the slow-consumer policy; the {@link
 * ConnectionRegistry} owns the indexes.
 *
 * <p>Delivery guarantee: at most once per connection, in order per connection (each connection's {@link Outbox}
 * sends one frame at a time in the order frames were accepted). A push is encoded to text once and the same string is
 * queued for every recipient; queuing never blocks on a slow client.
 */
@ApplicationScoped
public class Hub {

    private static final Logger LOG = Logger.getLogger(Hub.class.getName());
    /** Estimated queue cost of a control frame (ack, error, welcome), which is encoded when sent. */
    private static final int CONTROL_FRAME_BYTES = 256;
    /** At most one rate_limited error frame per connection per second, so the notice cannot itself flood. */
    private static final long RATE_NOTICE_INTERVAL_NANOS = 1_000_000_000L;
    /** WebSocket close code 1013 "try again later", used for the slow-consumer disconnect. */
    public static final int CLOSE_SLOW_CONSUMER = 1013;

    @Inject
    ConnectionRegistry registry;

    @Inject
    HubConfig config;

    @Inject
    HubStats stats;

    @Inject
    DeliveryEngine engine;

    private TopicRules rules;
    private final SecureRandom random = new SecureRandom();
    private final String nodeId = HexFormat.of().formatHex(randomBytes(new SecureRandom(), 4));
    private final AtomicLong messageSeq = new AtomicLong();

    @PostConstruct
    void init() {
        rules = new TopicRules(config.clientPublishTopics(), config.presenceTopics(), config.subscribeDenyTopics());
        LOG.info(() -> "pushhub hub node " + nodeId + " ready: max frame " + config.maxFrameBytes()
                + " B, max subscriptions " + config.maxSubscriptions() + ", rate " + config.ratePerSecond()
                + "/s (burst " + config.rateBurst() + "), outbox " + config.outboxMaxMessages() + " messages / "
                + config.outboxMaxBytes() + " B");
    }

    public TopicRules rules() {
        return rules;
    }

    // ---------------------------------------------------------------- connections

    /** Registers a new connection and queues its welcome frame. */
    public Connection open(Identity identity, ClientChannel channel) {
        String id = "c-" + HexFormat.of().formatHex(randomBytes(random, 12));
        Connection c = new Connection(
                id,
                identity.userId(),
                identity.anonymous(),
                channel,
                new RateLimiter(config.ratePerSecond(), config.rateBurst()),
                engine,
                this::sendFailed);
        registry.add(c);
        stats.countConnectionOpened();
        sendControl(c, ServerFrame.welcome(id, identity.userId(), identity.anonymous(), limits()));
        LOG.fine(() -> "opened " + c);
        return c;
    }

    /** Called by the transport once its connection is gone, whatever the reason. Idempotent. */
    public void closed(Connection c) {
        Set<String> topics = registry.remove(c);
        c.outbox().close();
        for (String topic : topics) {
            if (rules.hasPresence(topic)) {
                presence(topic, "leave", c);
            }
        }
        LOG.fine(() -> "closed " + c);
    }

    private Map<String, Object> limits() {
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("maxFrameBytes", config.maxFrameBytes());
        limits.put("maxSubscriptions", config.maxSubscriptions());
        limits.put("ratePerSecond", config.ratePerSecond());
        limits.put("rateBurst", config.rateBurst());
        return limits;
    }

    // ---------------------------------------------------------------- client frames

    /** Handles one decoded client frame. Never throws: every problem becomes an error frame to that client only. */
    public void handle(Connection c, ClientFrame frame) {
        if (!c.limiter().tryAcquire()) {
            long now = System.nanoTime();
            if (now - c.lastRateLimitNotice > RATE_NOTICE_INTERVAL_NANOS) {
                c.lastRateLimitNotice = now;
                error(c, frame.id(), ErrorCode.RATE_LIMITED,
                        "more than " + config.ratePerSecond() + " frames/s (burst " + config.rateBurst()
                                + "); frames are being dropped");
            } else {
                stats.error(ErrorCode.RATE_LIMITED.code());
            }
            return;
        }
        if (!frame.isValid()) {
            error(c, frame.id(), frame.problem().code(), frame.problem().message());
            return;
        }
        try {
            switch (frame.type()) {
                case SUBSCRIBE -> subscribe(c, frame);
                case UNSUBSCRIBE -> unsubscribe(c, frame);
                case PUBLISH -> publish(c, frame);
                case ECHO -> {
                    ServerFrame ack = ServerFrame.ack(frame.id(), ClientFrame.Type.ECHO);
                    ack.data = frame.data();
                    sendControl(c, ack);
                }
                case PING -> sendControl(c, ServerFrame.pong(frame.id(), System.currentTimeMillis()));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "failed to handle " + frame.type() + " from " + c, e);
            error(c, frame.id(), ErrorCode.INTERNAL, "the server failed to process this frame");
        }
    }

    private boolean checkTopicName(Connection c, ClientFrame frame) {
        String reason = TopicRules.invalidReason(frame.topic());
        if (reason != null) {
            error(c, frame.id(), ErrorCode.INVALID_TOPIC, reason);
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
            error(c, frame.id(), ErrorCode.FORBIDDEN_TOPIC, denied);
            return;
        }
        ConnectionRegistry.Subscribed result = registry.subscribe(c, topic, config.maxSubscriptions());
        if (result == ConnectionRegistry.Subscribed.LIMIT) {
            error(c, frame.id(), ErrorCode.TOO_MANY_SUBSCRIPTIONS,
                    "at most " + config.maxSubscriptions() + " subscriptions per connection; unsubscribe first");
            return;
        }
        if (result == ConnectionRegistry.Subscribed.CLOSED) {
            return;
        }
        ServerFrame ack = ServerFrame.ack(frame.id(), ClientFrame.Type.SUBSCRIBE);
        ack.topic = topic;
        boolean presence = rules.hasPresence(topic);
        if (presence) {
            ack.members = registry.usersIn(topic);
        }
        sendControl(c, ack);
        if (presence && result == ConnectionRegistry.Subscribed.ADDED) {
            presence(topic, "join", c);
        }
    }

    private void unsubscribe(Connection c, ClientFrame frame) {
        String topic = frame.topic();
        if (!checkTopicName(c, frame)) {
            return;
        }
        boolean was = registry.unsubscribe(c, topic);
        ServerFrame ack = ServerFrame.ack(frame.id(), ClientFrame.Type.UNSUBSCRIBE);
        ack.topic = topic;
        sendControl(c, ack);
        if (was && rules.hasPresence(topic)) {
            presence(topic, "leave", c);
        }
    }

    private void publish(Connection c, ClientFrame frame) {
        String topic = frame.topic();
        if (!checkTopicName(c, frame)) {
            return;
        }
        if (!rules.clientMayPublish(topic)) {
            error(c, frame.id(), ErrorCode.PUBLISH_NOT_ALLOWED,
                    "clients may not publish to " + topic + "; only to topics matching " + config.clientPublishTopics());
            return;
        }
        if (!c.topics.contains(topic)) {
            error(c, frame.id(), ErrorCode.NOT_SUBSCRIBED, "subscribe to " + topic + " before publishing to it");
            return;
        }
        // Ack first, so the publisher learns the message id before (or together with) its own copy.
        String messageId = nextMessageId();
        ServerFrame ack = ServerFrame.ack(frame.id(), ClientFrame.Type.PUBLISH);
        ack.topic = topic;
        ack.messageId = messageId;
        sendControl(c, ack);
        fanOutTopic(messageId, topic, c.userId(), frame.data());
        stats.countPush();
    }

    private void presence(String topic, String event, Connection who) {
        String text = Codec.encode(
                ServerFrame.presence(topic, event, who.userId(), who.id(), System.currentTimeMillis()));
        for (Connection c : registry.subscribers(topic)) {
            deliver(c, text);
        }
    }

    // ---------------------------------------------------------------- pushes

    /**
     * Pushes {@code data} to a target now.
     *
     * @return the message id and the number of connections whose queue accepted the message
     */
    public PushResult push(PushTarget target, JsonValue data) {
        return push(target, data, nextMessageId());
    }

    /** As {@link #push(PushTarget, JsonValue)}, with a message id chosen earlier (scheduled pushes). */
    public PushResult push(PushTarget target, JsonValue data, String messageId) {
        stats.countPush();
        long now = System.currentTimeMillis();
        int reached = 0;
        if (target instanceof PushTarget.Topics topics) {
            for (String topic : topics.topics()) {
                reached += fanOutTopic(messageId, topic, null, data);
            }
            return new PushResult(messageId, reached);
        }
        String text = Codec.encode(ServerFrame.message(messageId, target.scope(), null, null, now, data));
        if (target instanceof PushTarget.Users users) {
            for (String user : users.userIds()) {
                for (Connection c : registry.connectionsOf(user)) {
                    reached += deliver(c, text) ? 1 : 0;
                }
            }
        } else if (target instanceof PushTarget.Connections conns) {
            for (String id : conns.connectionIds()) {
                Connection c = registry.find(id);
                if (c != null) {
                    reached += deliver(c, text) ? 1 : 0;
                }
            }
        } else {
            for (Connection c : registry.all()) {
                reached += deliver(c, text) ? 1 : 0;
            }
        }
        return new PushResult(messageId, reached);
    }

    /** The ids among {@code connectionIds} that name no open connection on this node. */
    public List<String> unknownConnections(List<String> connectionIds) {
        List<String> unknown = new ArrayList<>();
        for (String id : connectionIds) {
            if (registry.find(id) == null) {
                unknown.add(id);
            }
        }
        return unknown;
    }

    private int fanOutTopic(String messageId, String topic, String from, JsonValue data) {
        List<Connection> subscribers = registry.subscribers(topic);
        if (subscribers.isEmpty()) {
            return 0;
        }
        String text = Codec.encode(
                ServerFrame.message(messageId, "topic", topic, from, System.currentTimeMillis(), data));
        int reached = 0;
        for (Connection c : subscribers) {
            reached += deliver(c, text) ? 1 : 0;
        }
        return reached;
    }

    public String nextMessageId() {
        return "m-" + nodeId + "-" + Long.toHexString(messageSeq.incrementAndGet());
    }

    // ---------------------------------------------------------------- delivery

    private boolean deliver(Connection c, String text) {
        Outbox.Offer offer = c.outbox().offer(text, text.length() * 2);
        switch (offer) {
            case ACCEPTED, ACCEPTED_AFTER_DROP -> {
                stats.countEnqueued();
                return true;
            }
            case FULL -> {
                slowConsumer(c);
                return false;
            }
            default -> {
                return false; // closed: skipped, the transport's close callback cleans up
            }
        }
    }

    private void sendControl(Connection c, ServerFrame frame) {
        if (c.outbox().offer(frame, CONTROL_FRAME_BYTES) == Outbox.Offer.FULL) {
            slowConsumer(c);
        }
    }

    private void error(Connection c, String id, ErrorCode code, String message) {
        stats.error(code.code());
        sendControl(c, ServerFrame.error(id, code, message));
    }

    private void slowConsumer(Connection c) {
        stats.countSlowConsumerDisconnect();
        if (c.outbox().isClosed()) {
            return; // already being disconnected by a concurrent push
        }
        LOG.warning(() -> "disconnecting slow consumer " + c + ": outbound queue full ("
                + c.outbox().queuedMessages() + " messages, " + c.outbox().queuedBytes() + " bytes)");
        disconnect(c, CLOSE_SLOW_CONSUMER, "slow consumer: outbound queue full");
    }

    private void sendFailed(Connection c, Throwable cause) {
        stats.countSendFailure();
        LOG.fine(() -> "send to " + c + " failed (" + cause + "); dropping the connection");
        disconnect(c, 1011, "send failed");
    }

    /**
     * Removes a connection from the hub and asks its transport to close, on the delivery engine's closer threads (a
     * close may block behind a stalled write; the caller may be a pusher). Safe to call more than once.
     */
    public void disconnect(Connection c, int code, String reason) {
        closed(c);
        engine.closeAsync(c.channel(), code, reason);
    }

    private static byte[] randomBytes(SecureRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
