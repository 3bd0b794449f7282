package io.pushhub.hub;

import io.pushhub.broker.Backplane;
import io.pushhub.broker.Broker;
import io.pushhub.broker.BrokerStatus;
import io.pushhub.broker.BrokerUnavailableException;
import io.pushhub.broker.HistoryPolicy;
import io.pushhub.broker.HistoryRead;
import io.pushhub.broker.Publication;
import io.pushhub.config.HubConfig;
import io.pushhub.delivery.DeliveryEngine;
import io.pushhub.delivery.Frame;
import io.pushhub.delivery.Outbox;
import io.pushhub.presence.PresenceStore;
import io.pushhub.protocol.ClientFrame;
import io.pushhub.protocol.Codec;
import io.pushhub.protocol.ErrorCode;
import io.pushhub.protocol.ServerFrame;
import io.pushhub.security.Identity;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.json.Json;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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
 *
 * <p>Cluster: every push is handed to the {@link Broker} for the other nodes and delivered to this node's connections
 * directly (so local delivery works while the broker is down); publications of other nodes arrive in {@link
 * #fromCluster}. Topics with history get offsets and an epoch from the broker, and a subscribe with {@code since}
 * replays what the client missed (see {@link SeamGate}).
 */
@ApplicationScoped
public class Hub {

    private static final Logger LOG = Logger.getLogger(Hub.class.getName());
    /** At most one rate_limited error frame per connection per second, so the notice cannot itself flood. */
    private static final long RATE_NOTICE_INTERVAL_NANOS = 1_000_000_000L;
    /** WebSocket close code 1013 "try again later", used for the slow-consumer disconnect. */
    public static final int CLOSE_SLOW_CONSUMER = 1013;
    /** WebSocket close code 1001 "going away": the server stops; clients reconnect (to another node) at once. */
    public static final int CLOSE_GOING_AWAY = 1001;

    @Inject
    ConnectionRegistry registry;

    @Inject
    HubConfig config;

    @Inject
    HubStats stats;

    @Inject
    DeliveryEngine engine;

    private TopicRules rules;
    private HistoryRules history;
    private Backplane backplane;
    private Broker broker;
    private PresenceStore presence;
    /** Topics that only {@link #pushLocal} feeds: every node produces them itself, so they keep no history. */
    private final Set<String> localTopics = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Delivers what this node missed while the broker's live feed was cut (retrying, or reporting a gap). */
    private ClusterCatchUp catchUp;
    private java.util.concurrent.ScheduledExecutorService catchUpRetries;
    /** Pushes to one history topic from this node take the same lock, so local delivery follows offset order. */
    private final Object[] topicLocks = new Object[64];
    private final SecureRandom random = new SecureRandom();
    private final String nodeId = HexFormat.of().formatHex(randomBytes(new SecureRandom(), 4));
    private final AtomicLong messageSeq = new AtomicLong();

    @PostConstruct
    void init() {
        rules = new TopicRules(config.clientPublishTopics(), config.presenceTopics(), config.subscribeDenyTopics());
        history = new HistoryRules(config.historyTopics(), config.historySize(), config.historyTtl());
        for (int i = 0; i < topicLocks.length; i++) {
            topicLocks[i] = new Object();
        }
        backplane = Backplane.create(config, registry, nodeId);
        broker = backplane.broker();
        presence = backplane.presence();
        catchUpRetries = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pushhub-catch-up");
            t.setDaemon(true);
            return t;
        });
        catchUp = new ClusterCatchUp(broker::readHistory, new CatchUpTarget(), catchUpRetries,
                ClusterCatchUp.Backoff.DEFAULT);
        broker.onFeedResumed(catchUp::feedResumed);
        broker.start(nodeId, this::fromCluster);
        backplane.start(this::departed);
        LOG.info(() -> "pushhub hub node " + nodeId + " ready: broker " + broker.status().name() + ", history on "
                + (config.historyTopics().isEmpty() ? "no topics" : config.historyTopics() + " (default size "
                        + config.historySize() + ", ttl " + config.historyTtl() + ")")
                + ", max frame " + config.maxFrameBytes()
                + " B, max subscriptions " + config.maxSubscriptions() + ", rate " + config.ratePerSecond()
                + "/s (burst " + config.rateBurst() + "), outbox " + config.outboxMaxMessages() + " messages / "
                + config.outboxMaxBytes() + " B");
    }

    /** Creates the hub (and with it the broker connection) when the application starts, not at the first client. */
    void boot(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        LOG.fine(() -> "hub node " + nodeId + " booted");
    }

    /**
     * Graceful shutdown, before any application-scoped bean is destroyed (the delivery engine still runs). On Open
     * Liberty the application learns of {@code server stop} only after the server's quiesce; {@link EndpointPauseWatch}
     * calls {@link #drain} as soon as the quiesce begins.
     */
    void stopping(@Observes @BeforeDestroyed(ApplicationScoped.class) Object ignored) {
        drain("server shutting down");
    }

    /**
     * Tells every client of this node to go elsewhere: each connection stops taking new messages, what is queued is
     * flushed for up to {@code pushhub.shutdown.flush-timeout}, and every client gets close 1001 (WebSocket) or the
     * {@code closed} event (SSE), so it reconnects at once (to another node, or to this one once it is back). Closes
     * run on the engine's closer threads; this waits for them briefly, never for a client that stopped reading.
     */
    public void drain(String why) {
        List<Connection> all = List.copyOf(registry.all());
        if (all.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        for (Connection c : all) {
            c.outbox().closeAfterFlush(CLOSE_GOING_AWAY, why);
        }
        long flushDeadline = start + config.shutdownFlushTimeout().toNanos();
        int waiting = all.size();
        while (System.nanoTime() < flushDeadline
                && (waiting = (int) all.stream().filter(c -> !c.outbox().drained()).count()) > 0) {
            sleepQuietly(20);
        }
        for (Connection c : all) {
            closed(c);
            c.outbox().close(CLOSE_GOING_AWAY, why); // drops what is still queued; closes if not done yet
        }
        // Give the closes a moment to leave (close frames to clients that read are written in microseconds).
        long closeDeadline = System.nanoTime() + 300_000_000L;
        while (System.nanoTime() < closeDeadline && engine.closesInProgress() > 0) {
            sleepQuietly(20);
        }
        int unflushed = waiting;
        LOG.info(() -> "pushhub: " + why + ": closed " + all.size() + " connection(s) with 1001 in "
                + java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms (" + unflushed
                + " still had messages to send at the flush deadline; " + engine.closesInProgress()
                + " close(s) still waiting for their client)");
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void shutdown() {
        backplane.stop();
        catchUpRetries.shutdownNow();
    }

    /** The topic's history policy, or null when it keeps none (not configured, or a node-local topic). */
    public HistoryPolicy historyPolicy(String topic) {
        return localTopics.contains(topic) ? null : history.policyFor(topic);
    }

    /**
     * Declares a topic that each node feeds for its own subscribers with {@link #pushLocal} (the time ticker): it keeps
     * no history, so its subscribe acks carry no position and its messages no offsets.
     */
    public void declareLocalTopic(String topic) {
        localTopics.add(topic);
    }

    public String nodeId() {
        return nodeId;
    }

    public BrokerStatus brokerStatus() {
        return broker.status();
    }

    /** Topic history held in this JVM's heap and its budget, or null when the history lives in Redis. */
    public io.pushhub.broker.HistoryMemory historyMemory() {
        return broker.historyMemory();
    }

    /** Cluster-wide presence (this node's alone with the memory broker). */
    public PresenceStore presence() {
        return presence;
    }

    /** Reads a topic's history for the REST API. */
    public HistoryRead readHistory(String topic, long sinceOffset, int limit) throws BrokerUnavailableException {
        return broker.readHistory(topic, sinceOffset, limit);
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
        presence.connected(id, identity.userId());
        stats.countConnectionOpened();
        sendControl(c, ServerFrame.welcome(id, identity.userId(), identity.anonymous(), limits()));
        LOG.fine(() -> "opened " + c);
        return c;
    }

    /** Called by the transport once its connection is gone, whatever the reason. Idempotent. */
    public void closed(Connection c) {
        Set<String> topics = registry.remove(c);
        c.outbox().close();
        c.seams.clear();
        if (!c.gone.compareAndSet(false, true)) {
            return; // already reported
        }
        presence.disconnected(c.id(), c.userId(), topics);
        for (String topic : topics) {
            if (rules.hasPresence(topic)) {
                presence(topic, "leave", c);
            }
        }
        LOG.fine(() -> "closed " + c);
    }

    private ServerFrame.Limits limits() {
        return new ServerFrame.Limits(
                config.maxFrameBytes(), config.maxSubscriptions(), config.ratePerSecond(), config.rateBurst());
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
                case ECHO -> sendControl(c, ServerFrame.echoed(frame.id(), frame.data()));
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
        HistoryPolicy policy = historyPolicy(topic);
        ClientFrame.Since since = frame.since();
        // Resuming: hold live messages from the moment of subscription until the replay is queued.
        SeamGate gate = null;
        if (policy != null && since != null) {
            gate = new SeamGate(config.outboxMaxMessages());
            c.seams.put(topic, gate);
        }
        ConnectionRegistry.Subscribed result = registry.subscribe(c, topic, config.maxSubscriptions());
        if (gate != null && result != ConnectionRegistry.Subscribed.ADDED) {
            c.seams.remove(topic, gate); // nothing new to join: no replay
            gate = null;
        }
        if (result == ConnectionRegistry.Subscribed.LIMIT) {
            error(c, frame.id(), ErrorCode.TOO_MANY_SUBSCRIPTIONS,
                    "at most " + config.maxSubscriptions() + " subscriptions per connection; unsubscribe first");
            return;
        }
        if (result == ConnectionRegistry.Subscribed.CLOSED) {
            return;
        }
        if (result == ConnectionRegistry.Subscribed.ADDED) {
            presence.subscribed(c.id(), c.userId(), topic);
        }
        boolean hasPresence = rules.hasPresence(topic);
        List<String> members = hasPresence ? members(topic) : null;
        Recovery recovery = null;
        ServerFrame.Recovery ackRecovery = null;
        if (policy != null) {
            try {
                // A repeated subscribe (already subscribed) only learns the position: its messages were never missed.
                HistoryRead read = gate == null
                        ? broker.readHistory(topic, Long.MAX_VALUE, 0)
                        : broker.readHistory(topic, since.offset(), policy.size());
                if (gate == null) {
                    ackRecovery = position(read.position().epoch(), read.position().offset());
                } else {
                    recovery = Recovery.of(since.offset(), since.epoch(), read);
                    ackRecovery = describe(recovery);
                }
            } catch (BrokerUnavailableException e) {
                LOG.fine(() -> "history of " + topic + " unavailable for " + c + ": " + e.getMessage());
                ackRecovery = unavailable(gate != null, e.getMessage());
            }
        }
        sendControl(c, ServerFrame.subscribed(frame.id(), topic, members, ackRecovery));
        if (gate != null) {
            if (recovery != null) {
                for (Publication p : recovery.replay()) {
                    deliver(c, encodeTopicMessage(p));
                }
            }
            // Without a read (broker down) there is no seam: let everything through.
            long seam = recovery != null ? recovery.position().offset() : -1;
            String seamEpoch = recovery != null ? recovery.position().epoch() : null;
            if (!gate.open(seam, seamEpoch, text -> deliver(c, text))) {
                slowConsumer(c);
                return;
            }
        }
        if (hasPresence && result == ConnectionRegistry.Subscribed.ADDED) {
            presence(topic, "join", c);
        }
    }

    /** Users in a presence topic on every node (this node's connections count even before the store has them). */
    private List<String> members(String topic) {
        Set<String> users = new TreeSet<>(registry.usersIn(topic));
        for (PresenceStore.Entry e : presence.topic(topic).entries()) {
            users.add(e.userId());
        }
        return List.copyOf(users);
    }

    private static ServerFrame.Recovery position(String epoch, long offset) {
        return ServerFrame.Recovery.position(epoch, offset);
    }

    private static ServerFrame.Recovery describe(Recovery r) {
        if (r.recovered()) {
            return ServerFrame.Recovery.recovered(r.replay().size(), r.position().epoch(), r.position().offset());
        }
        ServerFrame.Missed missed = r.missedTo() > 0 ? new ServerFrame.Missed(r.missedFrom(), r.missedTo()) : null;
        return ServerFrame.Recovery.lost(r.reason(), missed, r.position().epoch(), r.position().offset());
    }

    /** The broker could not be asked: no position, and a resume attempt is not recovered. */
    private static ServerFrame.Recovery unavailable(boolean resuming, String why) {
        return ServerFrame.Recovery.unavailable(resuming,
                "history is unavailable: " + why + "; live messages still arrive, subscribe again later to resume");
    }

    private void unsubscribe(Connection c, ClientFrame frame) {
        String topic = frame.topic();
        if (!checkTopicName(c, frame)) {
            return;
        }
        boolean was = registry.unsubscribe(c, topic);
        c.seams.remove(topic);
        sendControl(c, ServerFrame.unsubscribed(frame.id(), topic));
        if (was) {
            presence.unsubscribed(c.id(), c.userId(), topic);
            if (rules.hasPresence(topic)) {
                presence(topic, "leave", c);
            }
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
        sendControl(c, ServerFrame.published(frame.id(), topic, messageId));
        publishTopic(messageId, topic, c.userId(), frame.data(), new ClusterOutcome(broker.distributed()));
        stats.countPush();
    }

    /** Sends a join/leave notice to this node's subscribers of the topic and to the other nodes. */
    private void presence(String topic, String event, Connection who) {
        long now = System.currentTimeMillis();
        localPresence(topic, event, who.userId(), who.id(), now);
        if (broker.distributed()) {
            try {
                broker.publish(new Publication(nodeId, Publication.Kind.PRESENCE, List.of(topic), who.id(),
                        who.userId(), now, Json.createValue(event), 0, null));
            } catch (BrokerUnavailableException e) {
                // Presence notices are best effort: the other nodes' members lists catch up from the presence store.
                LOG.fine(() -> "presence " + event + " of " + who + " in " + topic + " not sent to the cluster: "
                        + e.getMessage());
            }
        }
    }

    private void localPresence(String topic, String event, String userId, String connectionId, long time) {
        String text = Codec.encode(ServerFrame.presence(topic, event, userId, connectionId, time));
        for (Connection c : registry.subscribers(topic)) {
            deliver(c, text);
        }
    }

    // ---------------------------------------------------------------- pushes

    /** Whether the other nodes got a push; several topics in one push share it (the worst outcome wins). */
    private static final class ClusterOutcome {
        final boolean distributed;
        String problem;

        ClusterOutcome(boolean distributed) {
            this.distributed = distributed;
        }

        void failed(String why) {
            if (problem == null) {
                problem = why;
            }
        }

        PushResult result(String messageId, int reached) {
            if (!distributed) {
                return new PushResult(messageId, reached, null, null);
            }
            return problem == null
                    ? new PushResult(messageId, reached, PushResult.PUBLISHED, null)
                    : new PushResult(messageId, reached, PushResult.UNAVAILABLE, problem);
        }
    }

    /**
     * Pushes {@code data} to a target now, on every node.
     *
     * @return the message id, the number of connections on this node whose queue accepted the message, and whether
     *     the other nodes were reached
     */
    public PushResult push(PushTarget target, JsonValue data) {
        return push(target, data, nextMessageId());
    }

    /** As {@link #push(PushTarget, JsonValue)}, with a message id chosen earlier (scheduled pushes). */
    public PushResult push(PushTarget target, JsonValue data, String messageId) {
        stats.countPush();
        ClusterOutcome cluster = new ClusterOutcome(broker.distributed());
        int reached = 0;
        if (target instanceof PushTarget.Topics topics) {
            for (String topic : topics.topics()) {
                reached += publishTopic(messageId, topic, null, data, cluster);
            }
            return cluster.result(messageId, reached);
        }
        long now = System.currentTimeMillis();
        Publication p = new Publication(nodeId, kindOf(target), targetsOf(target), messageId, null, now, data, 0, null);
        if (cluster.distributed) {
            try {
                broker.publish(p);
            } catch (BrokerUnavailableException e) {
                cluster.failed(e.getMessage());
            }
        }
        return cluster.result(messageId, deliverLocally(p));
    }

    /**
     * Pushes to this node's subscribers of a topic only, without history: for messages every node produces itself
     * (the time ticker), which must not be multiplied by the number of nodes.
     */
    public int pushLocal(String topic, JsonValue data) {
        stats.countPush();
        return fanOutTopic(nextMessageId(), topic, null, data, System.currentTimeMillis(), 0, null);
    }

    /**
     * Publishes to one topic: with history, the broker assigns the offset first (under the topic's lock, so this
     * node's subscribers see its pushes in offset order); then this node's subscribers get it directly.
     */
    private int publishTopic(String messageId, String topic, String from, JsonValue data, ClusterOutcome cluster) {
        long now = System.currentTimeMillis();
        Publication p = new Publication(nodeId, Publication.Kind.TOPIC, List.of(topic), messageId, from, now, data, 0, null);
        HistoryPolicy policy = historyPolicy(topic);
        if (policy == null) {
            if (cluster.distributed) {
                try {
                    broker.publish(p);
                } catch (BrokerUnavailableException e) {
                    cluster.failed(e.getMessage());
                }
            }
            return fanOutTopic(messageId, topic, from, data, now, 0, null);
        }
        synchronized (topicLocks[Math.floorMod(topic.hashCode(), topicLocks.length)]) {
            try {
                p = broker.publishWithHistory(p, policy);
            } catch (BrokerUnavailableException e) {
                // Delivered here without an offset: it is in no history, and resuming clients will not see it again.
                cluster.failed(e.getMessage());
            }
            return fanOutTopic(messageId, topic, from, data, now, p.offset(), p.epoch());
        }
    }

    /** A publication of another node: deliver it to this node's recipients. Runs on the broker's thread. */
    void fromCluster(Publication p) {
        if (nodeId.equals(p.node())) {
            return; // our own echo: delivered locally when it was pushed
        }
        if (p.kind() == Publication.Kind.TOPIC && !catchUp.admit(p)) {
            return; // held until its topic's catch-up is done, or delivered by it already
        }
        if (p.kind() == Publication.Kind.PRESENCE) {
            JsonValue event = p.data();
            String name = event instanceof jakarta.json.JsonString s ? s.getString() : String.valueOf(event);
            localPresence(p.topic(), name, p.from(), p.messageId(), p.time());
            return;
        }
        deliverLocally(p);
    }

    /** What the cluster catch-up acts on: this node's subscribers. */
    private final class CatchUpTarget implements ClusterCatchUp.Target {
        @Override
        public HistoryPolicy policy(String topic) {
            return historyPolicy(topic);
        }

        @Override
        public boolean hasSubscribers(String topic) {
            return registry.hasSubscribers(topic);
        }

        @Override
        public void deliver(Publication p) {
            fanOutTopic(p.messageId(), p.topic(), p.from(), p.data(), p.time(), p.offset(), p.epoch());
        }

        @Override
        public void gap(String topic, long from, long to, String epoch, String reason, String message) {
            String text = Codec.encode(ServerFrame.gap(topic, from, to, epoch, reason, message));
            for (Connection c : registry.subscribers(topic)) {
                Hub.this.deliver(c, text);
            }
        }
    }

    /** A connection of a node that died: tell every node's subscribers of a presence topic that it left. */
    private void departed(String topic, PresenceStore.Entry e) {
        if (!rules.hasPresence(topic)) {
            return;
        }
        long now = System.currentTimeMillis();
        localPresence(topic, "leave", e.userId(), e.connectionId(), now);
        try {
            broker.publish(new Publication(nodeId, Publication.Kind.PRESENCE, List.of(topic), e.connectionId(),
                    e.userId(), now, Json.createValue("leave"), 0, null));
        } catch (BrokerUnavailableException ex) {
            LOG.fine(() -> "leave of " + e + " in " + topic + " not sent to the cluster: " + ex.getMessage());
        }
    }

    /** Delivers a publication to this node's connections among its recipients. */
    private int deliverLocally(Publication p) {
        if (p.kind() == Publication.Kind.TOPIC) {
            return fanOutTopic(p.messageId(), p.topic(), p.from(), p.data(), p.time(), p.offset(), p.epoch());
        }
        String text = Codec.encode(ServerFrame.message(p.messageId(), p.kind().wire(), null, null, p.time(), p.data()));
        int reached = 0;
        if (p.kind() == Publication.Kind.USERS) {
            for (String user : p.targets()) {
                for (Connection c : registry.connectionsOf(user)) {
                    reached += deliver(c, text) ? 1 : 0;
                }
            }
        } else if (p.kind() == Publication.Kind.CONNECTIONS) {
            for (String id : p.targets()) {
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
        return reached;
    }

    private static Publication.Kind kindOf(PushTarget target) {
        if (target instanceof PushTarget.Users) {
            return Publication.Kind.USERS;
        }
        if (target instanceof PushTarget.Connections) {
            return Publication.Kind.CONNECTIONS;
        }
        return Publication.Kind.ALL;
    }

    private static List<String> targetsOf(PushTarget target) {
        if (target instanceof PushTarget.Users u) {
            return u.userIds();
        }
        if (target instanceof PushTarget.Connections c) {
            return c.connectionIds();
        }
        return List.of();
    }

    /**
     * The ids among {@code connectionIds} that name no open connection on any node. When the cluster cannot be asked,
     * only ids that cannot be elsewhere count as unknown: none, so the push goes out and reports the cluster problem.
     */
    public List<String> unknownConnections(List<String> connectionIds) {
        List<String> notHere = new ArrayList<>();
        for (String id : connectionIds) {
            if (registry.find(id) == null) {
                notHere.add(id);
            }
        }
        if (notHere.isEmpty() || !broker.distributed()) {
            return notHere;
        }
        PresenceStore.Snapshot found = presence.connections(notHere);
        if (!found.complete()) {
            return List.of();
        }
        Set<String> elsewhere = new TreeSet<>();
        found.entries().forEach(e -> elsewhere.add(e.connectionId()));
        return notHere.stream().filter(id -> !elsewhere.contains(id)).toList();
    }

    private String encodeTopicMessage(Publication p) {
        return Codec.encode(ServerFrame.message(p.messageId(), p.topic(), p.from(), p.time(), p.data(), p.offset(), p.epoch()));
    }

    private int fanOutTopic(String messageId, String topic, String from, JsonValue data, long time, long offset, String epoch) {
        List<Connection> subscribers = registry.subscribers(topic);
        if (subscribers.isEmpty()) {
            catchUp.forget(topic); // nobody here to catch up for
            return 0;
        }
        String text = Codec.encode(ServerFrame.message(messageId, topic, from, time, data, offset, epoch));
        if (epoch != null) {
            catchUp.delivered(topic, offset, epoch);
        }
        int reached = 0;
        for (Connection c : subscribers) {
            SeamGate gate = c.seams.get(topic);
            if (gate != null && gate.hold(offset, epoch, text)) {
                continue; // held back until this connection's replay is queued, or already replayed
            }
            reached += deliver(c, text) ? 1 : 0;
        }
        return reached;
    }

    public String nextMessageId() {
        return "m-" + nodeId + "-" + Long.toHexString(messageSeq.incrementAndGet());
    }

    // ---------------------------------------------------------------- delivery

    private boolean deliver(Connection c, String text) {
        Outbox.Offer offer = c.outbox().offer(text);
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
        if (c.outbox().offer(new Frame(Codec.encode(frame), frame)) == Outbox.Offer.FULL) {
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
        closed(c);
        c.outbox().closeSlow(CLOSE_SLOW_CONSUMER, "slow consumer: outbound queue full");
    }

    private void sendFailed(Connection c, Throwable cause) {
        stats.countSendFailure();
        LOG.fine(() -> "send to " + c + " failed (" + cause + "); dropping the connection");
        disconnect(c, 1011, "send failed");
    }

    /**
     * Removes a connection from the hub and asks its transport to close, on the delivery engine's closer threads once
     * no send is in flight (a close never waits behind a write; the caller may be a pusher). Safe to call more than
     * once.
     */
    public void disconnect(Connection c, int code, String reason) {
        closed(c);
        c.outbox().close(code, reason);
    }

    private static byte[] randomBytes(SecureRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
