package io.pushhub.broker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The broker contract against {@link MemoryBroker}, with several instances on one bus as the cluster. */
class MemoryBrokerContractTest extends BrokerContract {

    /** A clock the test moves by hand, so expiry needs no waiting. */
    static final class ManualClock extends Clock {
        volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final MemoryBroker.Bus bus = new MemoryBroker.Bus();
    private final ManualClock clock = new ManualClock();

    @Override
    protected Broker newNode() {
        return new MemoryBroker(bus, clock);
    }

    @Override
    protected void elapse(Duration d) {
        clock.now = clock.now.plus(d);
    }

    @Override
    protected void expire(Broker node, String topic) {
        clock.now = clock.now.plus(Duration.ofSeconds(2));
    }
}
