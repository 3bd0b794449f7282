package io.pushhub.stats;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * A count that only grows: cheap to bump from any thread (a {@link LongAdder}), read by the hub itself ({@code
 * /api/stats}, health, tests), and mirrored into a metrics counter once observability binds one with {@link
 * #mirrorTo}. MicroProfile Metrics 5 has no counter backed by a function, so a Prometheus counter has to be incremented
 * where the event happens; this class is how the hub's packages do that without depending on a metrics API.
 */
public final class Count {

    private final LongAdder total = new LongAdder();
    private volatile LongConsumer mirror;

    public void increment() {
        add(1);
    }

    /** Adds {@code n} (ignored unless positive: a count never goes down). */
    public void add(long n) {
        if (n <= 0) {
            return;
        }
        total.add(n);
        LongConsumer m = mirror;
        if (m != null) {
            m.accept(n);
        }
    }

    /** Everything counted since start. */
    public long sum() {
        return total.sum();
    }

    /**
     * From now on every {@link #add} is also passed to {@code counter}, which first gets what was counted so far. Bound
     * once at startup, before traffic: an add racing the binding may be mirrored twice or not at all.
     */
    public void mirrorTo(LongConsumer counter) {
        mirror = counter;
        long sofar = total.sum();
        if (sofar > 0) {
            counter.accept(sofar);
        }
    }
}
