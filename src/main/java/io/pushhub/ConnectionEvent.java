package io.pushhub;

/**
 * What happens to this node's connections, as CDI events: observe {@code ConnectionEvent} for all of them or one of
 * its records, with {@code @Observes} or {@code @ObservesAsync}, in an application-scoped or dependent bean. For
 * example {@code void opened(@Observes ConnectionEvent.Opened e)}.
 *
 * <p><b>Guarantees.</b> Observers run on one pushhub event thread, never on a client's or a pusher's thread, so an
 * observer cannot delay delivery. Events reach observers in the order they happened on this node (a connection's
 * {@code Opened} before its {@code Subscribed} before its {@code Closed}). Each observer call is isolated: an observer
 * that throws is logged and the next observer and event go on. A slow observer delays only later events; when more
 * than 10,000 events wait, new ones are dropped (logged, and counted in {@code pushhub_events_dropped_total}), never
 * the hub. Events describe this node only; other nodes fire their own. The connection is a snapshot of the moment the
 * event was fired.
 */
public sealed interface ConnectionEvent {

    ConnectionView connection();

    /** A connection was opened (after its handshake, before its welcome frame is read by the client). */
    record Opened(ConnectionView connection) implements ConnectionEvent {}

    /** A connection ended, whatever the reason. {@code connection().topics()} are those it was subscribed to. */
    record Closed(ConnectionView connection) implements ConnectionEvent {}

    /** A connection subscribed to a topic it was not subscribed to. */
    record Subscribed(ConnectionView connection, String topic) implements ConnectionEvent {}

    /** A connection left a topic by unsubscribing (not by closing: that is {@link Closed}). */
    record Unsubscribed(ConnectionView connection, String topic) implements ConnectionEvent {}
}
