package io.pushhub.hub;

import io.pushhub.ConnectionEvent;
import io.pushhub.authorization.AuthorizationHook;
import io.pushhub.authorization.HookDecision;
import io.pushhub.broker.Backplane;
import io.pushhub.broker.BrokerStatus;
import io.pushhub.broker.HistoryMemory;
import io.pushhub.config.HubConfig;
import io.pushhub.delivery.DeliveryEngine;
import io.pushhub.ids.Ids;
import io.pushhub.protocol.ClientFrame;
import io.pushhub.protocol.ErrorCode;
import io.pushhub.protocol.ServerFrame;
import io.pushhub.security.Identity;
import io.pushhub.stats.Count;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The hub of one node: it puts the parts together and is the transports' way in. A connection is opened here, its
 * decoded frames go to the {@link ClientCommands}, and it is closed here; pushes arrive through the public API
 * ({@link io.pushhub.Pusher}, implemented by {@link HubPusher}) and go to the {@link ClusterRelay}, which hands them to
 * the {@link LocalDelivery} (fan-out and slow-consumer policy) and to the broker; the {@link PresenceNotices} keep
 * presence and join/leave notices; {@link ConnectionEvents} tell observers. The {@link ConnectionRegistry} owns the
 * indexes.
 *
 * <p>Delivery guarantee: at most once per connection, in order per connection (each connection's outbox sends one
 * frame at a time in the order frames were accepted). A push is encoded to text once and the same string is queued for
 * every recipient; queuing never blocks on a slow client.
 *
 * <p>Outside a container (unit tests, benchmarks) {@link #standalone} builds the same parts with the memory broker.
 */
@ApplicationScoped
public class Hub {

    private static final Logger LOG = Logger.getLogger(Hub.class.getName());
    /** WebSocket close code 1001 "going away": the server stops; clients reconnect (to another node) at once. */
    public static final int CLOSE_GOING_AWAY = 1001;
    /** WebSocket close code 1006: the connection ended without a close frame (network, crash). */
    public static final int CLOSE_ABNORMAL = 1006;

    @Inject
    ConnectionRegistry registry;

    @Inject
    HubConfig config;

    @Inject
    HubStats stats;

    @Inject
    DeliveryEngine engine;

    @Inject
    BeanManager beans;

    @Resource
    ManagedThreadFactory managedThreadFactory;

    @Inject
    io.pushhub.authorization.AuthorizationHooks hooks;

    @Inject
    io.pushhub.security.JwtVerifier jwt;

    @Inject
    io.pushhub.tracing.Tracing tracing;

    private final String nodeId = Ids.node();
    private Backplane backplane;
    private ScheduledExecutorService catchUpRetries;
    private LocalDelivery local;
    private ClusterRelay relay;
    private PresenceNotices presence;
    private ClientCommands commands;
    private ConnectionEvents events;
    private ServerSubscriptions subscriptions;
    private io.pushhub.events.HubEvents hubEvents;
    private Receipts receipts;
    private ScheduledExecutorService receiptTimers;

    @PostConstruct
    void init() {
        ThreadFactory threads = managedThreadFactory != null ? managedThreadFactory : Executors.defaultThreadFactory();
        assemble(Backplane.create(config, registry, nodeId), CdiObservers.events(beans, threads));
        LOG.info(() -> "pushhub hub node " + nodeId + " ready: broker "
                + brokerStatus().name() + ", history on "
                + (config.historyTopics().isEmpty()
                        ? "no topics"
                        : config.historyTopics() + " (default size " + config.historySize() + ", ttl "
                                + config.historyTtl() + ")")
                + ", max frame " + config.maxFrameBytes()
                + " B, max subscriptions " + config.maxSubscriptions() + ", rate " + config.ratePerSecond()
                + "/s (burst " + config.rateBurst() + "), outbox " + config.outboxMaxMessages() + " messages / "
                + config.outboxMaxBytes() + " B");
    }

    /** Builds the parts and connects the broker. */
    private void assemble(Backplane backplane, ConnectionEvents events) {
        this.backplane = backplane;
        this.events = events;
        catchUpRetries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pushhub-catch-up");
            t.setDaemon(true);
            return t;
        });
        TopicRules rules = new TopicRules(
                config.clientPublishTopics(),
                config.presenceTopics(),
                config.subscribeDenyTopics(),
                config.subscribeTokenRequiredTopics());
        HistoryRules history = new HistoryRules(config.historyTopics(), config.historySize(), config.historyTtl());
        local = new LocalDelivery(registry, stats, this::closed);
        relay = new ClusterRelay(
                nodeId,
                backplane.broker(),
                history,
                local,
                registry,
                stats,
                catchUpRetries,
                config.idempotencyWindow());
        ConnectionEvents fired = events;
        hubEvents = io.pushhub.events.HubEvents.create(
                config,
                nodeId,
                backplane.redisLink(),
                registry,
                rules::hasPresence,
                fired::fireHub,
                events.observesHubEvents());
        presence = new PresenceNotices(
                nodeId, rules, backplane.presence(), backplane.broker(), local, registry, hubEvents.ledger());
        commands = new ClientCommands(
                config, rules, registry, local, relay, presence, stats, events, hook(), this::subscribeTokenProblem);
        subscriptions = new ServerSubscriptions(
                nodeId,
                backplane.broker(),
                registry,
                local,
                presence,
                events,
                config::maxSubscriptions,
                config::subscriptionsMaxSticky,
                relay::nextMessageId);
        relay.onControl(subscriptions::fromCluster);
        // Tracing (docs/tracing.md): which pushes are traced, and their journal and spans on every node.
        tracing.start(nodeId, backplane.redisLink());
        local.traceWith(p -> FanOutTrace.of(p, tracing, nodeId));
        // Receipts (docs/receipts.md), then tracing: a push's Tracking carries both.
        wireReceipts(backplane);
        relay.trackWith(push -> tracing.track(push, Receipts.track(push, io.pushhub.broker.Tracking.NONE)));
        backplane.broker().start(nodeId, relay::fromCluster);
        hubEvents.start();
        backplane.start(presence::departed);
    }

    /** Delivery receipts (docs/receipts.md): the store, the relay's tracking, the watches, acks, retracts. */
    private void wireReceipts(Backplane backplane) {
        receiptTimers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pushhub-receipts");
            t.setDaemon(true);
            return t;
        });
        io.pushhub.receipts.ReceiptStore store = backplane.redisLink() == null
                ? new io.pushhub.receipts.MemoryReceiptStore(
                        config.receiptsRetention(),
                        config.receiptsMaxMessages(),
                        config.receiptsMaxRecipients(),
                        java.time.Clock.systemUTC())
                : new io.pushhub.receipts.RedisReceiptStore(
                        backplane.redisLink(),
                        config.redisPrefix(),
                        config.receiptsRetention(),
                        config.receiptsMaxRecipients());
        receipts = new Receipts(
                nodeId,
                store,
                registry,
                local,
                backplane.broker(),
                () -> hubEvents.ledger(),
                receiptTimers,
                config.receiptsMaxEscalations());
        local.addWatches(receipts::watch);
        relay.onRetract(receipts::fromCluster);
        commands.receipts(receipts);
    }

    /**
     * A hub outside a container, with the memory broker (unless {@code config} says otherwise), for unit tests and
     * benchmarks. Stop it with {@link #stop()}.
     */
    public static Hub standalone(HubConfig config, DeliveryEngine engine) {
        return standalone(config, engine, ConnectionEvents.none());
    }

    static Hub standalone(HubConfig config, DeliveryEngine engine, ConnectionEvents events) {
        return standalone(config, engine, events, AuthorizationHook.NONE);
    }

    /** A standalone hub asking {@code hook} (tests); subscribe tokens are refused (no JWT verifier). */
    static Hub standalone(HubConfig config, DeliveryEngine engine, ConnectionEvents events, AuthorizationHook hook) {
        Hub hub = new Hub();
        hub.standaloneHook = hook;
        hub.config = config;
        hub.engine = engine;
        hub.registry = new ConnectionRegistry();
        hub.stats = new HubStats();
        hub.tracing = io.pushhub.tracing.Tracing.standalone(config, io.pushhub.tracing.Spans.NONE);
        hub.assemble(Backplane.create(config, hub.registry, hub.nodeId), events);
        return hub;
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

    @PreDestroy
    public void stop() {
        hubEvents.stop();
        backplane.stop();
        catchUpRetries.shutdownNow();
        receiptTimers.shutdownNow();
        events.stop();
    }

    // ---------------------------------------------------------------- the transports' way in

    /**
     * Registers a new connection and queues its welcome frame. With a connect hook ({@code pushhub.hook.events}
     * naming connect) the connection is returned at once but registered and welcomed only once the hook allowed it;
     * until then its commands are refused ({@code not_admitted}). A denied connection gets an {@code error} frame
     * {@code connection_denied} with the backend's reason and is closed with 4403; one the hook could not decide (with
     * {@code on-failure=deny}) gets {@code authorization_unavailable} and close 1013 "try again later". No thread waits
     * for the hook.
     */
    public Connection open(Identity identity, ClientChannel channel) {
        return open(identity, channel, c -> {});
    }

    /**
     * As {@link #open(Identity, ClientChannel)}, handing the new connection to {@code beforeWelcome} before its welcome
     * is queued: a transport that finds connections by id (SSE commands) indexes it there, since a client may use the
     * id as soon as the welcome reaches it, possibly before this method returns.
     */
    public Connection open(
            Identity identity, ClientChannel channel, java.util.function.Consumer<Connection> beforeWelcome) {
        Connection c = new Connection(
                Ids.connection(),
                identity.userId(),
                identity.anonymous(),
                channel,
                new RateLimiter(config.ratePerSecond(), config.rateBurst()),
                engine,
                (conn, cause) -> local.sendFailed(conn, cause));
        c.grants = identity.grants();
        c.groups = identity.groups();
        beforeWelcome.accept(c);
        AuthorizationHook hook = hook();
        if (!hook.asks(AuthorizationHook.Event.CONNECT, null)) {
            admit(c, null);
            return c;
        }
        c.admitted = false;
        hook.ask(ClientCommands.question(c, AuthorizationHook.Event.CONNECT, null, null))
                .whenComplete((d, t) -> {
                    try {
                        if (t == null && d.allowed()) {
                            admit(c, d.info());
                        } else {
                            refuseConnect(c, d);
                        }
                    } catch (RuntimeException e) {
                        LOG.log(java.util.logging.Level.WARNING, "failed to admit " + c, e);
                        refuseConnect(c, null);
                    }
                });
        return c;
    }

    /** Indexes the connection and welcomes it, unless it closed meanwhile. */
    private void admit(Connection c, jakarta.json.JsonValue info) {
        synchronized (c.admission) {
            if (c.gone.get()) {
                return; // closed while the hook decided: nothing to report
            }
            c.info = info;
            c.registered = true;
            registry.add(c);
        }
        presence.opened(c);
        stats.countConnectionOpened(c.channel().transportName());
        local.reply(
                c,
                ServerFrame.welcome(
                        c.id(), c.userId(), c.anonymous(), limits(), c.channel().commandKey(), info));
        c.admitted = true;
        events.fire(() -> new ConnectionEvent.Opened(c.view(nodeId)));
        subscriptions.opened(c); // the user's sticky server-side subscriptions, right after the welcome
        LOG.fine(() -> "opened " + c);
    }

    /** WebSocket close code (application range) for a connection the authorization hook denied. */
    public static final int CLOSE_FORBIDDEN = 4403;
    /** WebSocket close code 1013 "try again later": the authorization hook could not decide. */
    public static final int CLOSE_TRY_AGAIN_LATER = 1013;

    private void refuseConnect(Connection c, HookDecision d) {
        boolean failure = d == null || d.outcome().failure();
        ErrorCode code = failure ? ErrorCode.AUTHORIZATION_UNAVAILABLE : ErrorCode.CONNECTION_DENIED;
        String reason = d == null ? "the server failed to ask the authorization backend" : d.reason();
        LOG.fine(() -> "connection " + c + " refused by the authorization hook: " + reason);
        local.error(c, null, code, failure ? reason : "connection denied: " + reason);
        c.outbox()
                .closeAfterFlush(
                        failure ? CLOSE_TRY_AGAIN_LATER : CLOSE_FORBIDDEN,
                        closeReason((failure ? "authorization unavailable: " : "forbidden: ") + reason));
    }

    /** A WebSocket close reason is at most 123 bytes of UTF-8. */
    static String closeReason(String s) {
        String out = s;
        while (out.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 123) {
            out = out.substring(0, out.length() - 1);
        }
        return out;
    }

    private AuthorizationHook hook() {
        return hooks != null ? hooks.hook() : standaloneHook;
    }

    /** The hook of a {@link #standalone} hub (tests); the container's comes from {@link #hooks}. */
    AuthorizationHook standaloneHook = AuthorizationHook.NONE;

    /** Null when the subscribe token is valid for this user and topic, else why not. */
    private String subscribeTokenProblem(String token, String userId, String topic) {
        if (jwt == null) {
            return "subscribe tokens are not accepted: JWT verification is not configured on this server";
        }
        try {
            jwt.verifySubscribeToken(token, userId, topic);
            return null;
        } catch (io.pushhub.security.InvalidTokenException e) {
            return e.getMessage();
        }
    }

    /** Handles one decoded client frame. Never throws: every problem becomes an error frame to that client only. */
    public void handle(Connection c, ClientFrame frame) {
        commands.handle(c, frame);
    }

    /** Called by the transport once its connection is gone, whatever the reason. Idempotent. */
    public void closed(Connection c) {
        closed(c, CLOSE_ABNORMAL);
    }

    /**
     * Called by the transport once its connection is gone, with the WebSocket close code it saw (the hub's own code
     * wins when the hub ended the connection). Idempotent.
     */
    public void closed(Connection c, int closeCode) {
        Set<String> topics = registry.remove(c);
        c.outbox().close();
        c.seams.clear();
        boolean registered;
        synchronized (c.admission) {
            if (!c.gone.compareAndSet(false, true)) {
                return; // already reported
            }
            registered = c.registered;
        }
        if (!registered) {
            return; // closed (or refused) before the connect hook admitted it: it was never opened for anyone
        }
        int code = c.closeCode != 0 ? c.closeCode : closeCode;
        presence.closed(c, topics, code);
        events.fire(() -> new ConnectionEvent.Closed(c.view(nodeId, topics)));
        LOG.fine(() -> "closed " + c);
    }

    /**
     * Removes a connection from the hub and asks its transport to close, on the delivery engine's closer threads once
     * no send is in flight (a close never waits behind a write). Safe to call more than once.
     */
    public void disconnect(Connection c, int code, String reason) {
        local.disconnect(c, code, reason);
    }

    private ServerFrame.Limits limits() {
        return new ServerFrame.Limits(
                config.maxFrameBytes(), config.maxSubscriptions(), config.ratePerSecond(), config.rateBurst());
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
            c.closeCode = CLOSE_GOING_AWAY;
            c.outbox().closeAfterFlush(CLOSE_GOING_AWAY, why);
        }
        long flushDeadline = start + config.shutdownFlushTimeout().toNanos();
        int waiting = all.size();
        while (System.nanoTime() < flushDeadline
                && (waiting = (int)
                                all.stream().filter(c -> !c.outbox().drained()).count())
                        > 0) {
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
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms (" + unflushed
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

    // ---------------------------------------------------------------- for the API beans, health and metrics

    public String nodeId() {
        return nodeId;
    }

    public BrokerStatus brokerStatus() {
        return backplane.broker().status();
    }

    /** Topic history held in this JVM's heap and its budget, or null when the history lives in Redis. */
    public HistoryMemory historyMemory() {
        return backplane.broker().historyMemory();
    }

    /** The idempotency keys held in this heap (memory broker), or null (Redis holds them). */
    public io.pushhub.broker.IdempotencyMemory idempotencyMemory() {
        return backplane.broker().idempotencyMemory();
    }

    /** Hub events and webhooks of this node (metrics, reconcile sequence numbers). */
    public io.pushhub.events.HubEvents hubEvents() {
        return hubEvents;
    }

    /** Connection events dropped because observers were too slow (metrics). */
    public Count eventsDropped() {
        return events.dropped();
    }

    /** Observer calls of connection events that threw (metrics). */
    public Count eventObserverFailures() {
        return events.failed();
    }

    io.pushhub.tracing.Tracing tracing() {
        return tracing;
    }

    ClusterRelay relay() {
        return relay;
    }

    Receipts receipts() {
        return receipts;
    }

    /** The receipts of a push, cluster-wide (empty: unknown or past the retention); fails when Redis is away. */
    public java.util.concurrent.CompletionStage<java.util.Optional<io.pushhub.DeliveryReceipts.Sheet>> receiptsOf(
            String messageId) {
        return receipts.store().read(messageId);
    }

    /** Receipt counts of this node (metrics): written, acknowledged, dropped, ignored acks, retracted, escalated. */
    public Count[] receiptCounts() {
        return new Count[] {
            receipts.written,
            receipts.acknowledged,
            receipts.dropped,
            receipts.ignoredAcks,
            receipts.retracted,
            receipts.escalated
        };
    }

    /** escalateAfter timers pending on this node (metrics). */
    public int receiptEscalationsPending() {
        return receipts.pendingEscalations();
    }

    ServerSubscriptions subscriptions() {
        return subscriptions;
    }

    ConnectionRegistry registry() {
        return registry;
    }

    HubStats stats() {
        return stats;
    }

    DeliveryEngine engine() {
        return engine;
    }

    io.pushhub.presence.PresenceStore presenceStore() {
        return backplane.presence();
    }

    boolean distributed() {
        return backplane.broker().distributed();
    }
}
