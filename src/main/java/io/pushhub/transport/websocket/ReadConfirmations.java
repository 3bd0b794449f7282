package io.pushhub.transport.websocket;

import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Back-pressure for containers whose asynchronous send completes before the client has read anything (Payara's Tyrus
 * on Grizzly queues every frame in its own unbounded write queue and reports success at once): the hub would never see
 * a client that stops reading, and that client's bytes would pile up in the container.
 *
 * <p>How: the channel counts the bytes it hands to the container and, every {@link #PING_EVERY} bytes, sends a
 * WebSocket ping whose payload is that count. A client's WebSocket answers a ping with a pong carrying the same payload
 * only after it read everything sent before the ping (TCP keeps the order), so a pong proves how far the client has
 * read. A send that leaves more than {@link #ALLOWANCE} bytes unconfirmed is not reported done until a pong brings the
 * unconfirmed bytes back under the allowance. Until then the delivery engine sees the send in flight, exactly as on a
 * container whose send waits for the socket: the connection's queue fills and the slow-consumer policy applies, or the
 * engine's write time-out fails the send. So a stalled client holds at most the allowance (plus one frame) in the
 * container, and no thread.
 *
 * <p>Threading: {@link #written} is called by the send's completion (one send in flight per connection, the delivery
 * engine guarantees it), {@link #pong} by the container's read thread; a parked completion is released by whichever
 * comes second. Pings are sent only from {@code written} or, while a completion is parked (so no send can run at the
 * same time), from {@code pong}.
 */
final class ReadConfirmations {

    /** Bytes a client may have been sent and not yet confirmed before its send stays in flight. */
    static final long ALLOWANCE = 256 * 1024;
    /** A ping goes out when this many bytes are unconfirmed and no ping is outstanding. */
    static final long PING_EVERY = 32 * 1024;

    private final LongConsumer ping;
    private long sent; // written by the completion of the single send in flight
    private long confirmed;
    private long pingAt = -1; // the count the outstanding ping asks about, -1: none outstanding
    private Consumer<Throwable> parked;

    /** @param ping sends a ping carrying the given count (8 bytes, big-endian) */
    ReadConfirmations(LongConsumer ping) {
        this.ping = ping;
    }

    /**
     * The container took {@code bytes} more: reports {@code done} now, or parks it until the client confirms enough.
     */
    void written(long bytes, Consumer<Throwable> done) {
        boolean release;
        long pingNow = -1;
        synchronized (this) {
            sent += bytes;
            if (pingAt < 0 && sent - confirmed >= PING_EVERY) {
                pingAt = sent;
                pingNow = sent;
            }
            release = sent - confirmed <= ALLOWANCE;
            if (!release) {
                parked = done;
            }
        }
        if (pingNow >= 0) {
            ping.accept(pingNow);
        }
        if (release) {
            done.accept(null);
        }
    }

    /** A pong with a payload: the client read everything up to that count. Unknown payloads are ignored. */
    void pong(long count) {
        Consumer<Throwable> release = null;
        long pingNow = -1;
        synchronized (this) {
            if (count != pingAt) {
                return; // not ours (a client may send unsolicited pongs) or stale
            }
            confirmed = count;
            pingAt = -1;
            if (parked != null) {
                if (sent - confirmed <= ALLOWANCE) {
                    release = parked;
                    parked = null;
                }
                if (sent > confirmed) {
                    // Still behind: ask again now, as no send will come to do it while the completion is parked.
                    pingAt = sent;
                    pingNow = sent;
                }
            }
        }
        if (pingNow >= 0) {
            ping.accept(pingNow);
        }
        if (release != null) {
            release.accept(null);
        }
    }

    synchronized long unconfirmed() {
        return sent - confirmed;
    }
}
