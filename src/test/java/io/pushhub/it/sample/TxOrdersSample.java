package io.pushhub.it.sample;

import io.pushhub.PushResult;
import io.pushhub.Pusher;
import io.pushhub.ScheduledPush;
import io.pushhub.Target;
import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.inject.Inject;
import jakarta.json.Json;
import java.time.Instant;

/**
 * What an application's EJB writes: it stores an order (here: nothing to store) and tells the user, in one container
 * transaction. Every business method runs in a transaction ({@code REQUIRED}), so its pushes wait for the commit.
 */
@Stateless
public class TxOrdersSample {

    @Inject
    Pusher pusher;

    @Inject
    TxMarkerSample marker;

    @Resource
    TimerService timers;

    /**
     * Pushes {@code order}, says so at once through the marker, holds the transaction open, then commits or (with
     * {@code fail}) throws and rolls back.
     */
    public PushResult placeOrder(String topic, String order, long holdMillis, boolean fail) {
        PushResult r = pusher.push(Target.topic(topic), Json.createValue(order));
        marker.now(topic, "pushed " + order);
        hold(holdMillis);
        if (fail) {
            throw new IllegalStateException("order " + order + " failed after its push");
        }
        return r;
    }

    /** Pushes "outer", then "inner" in a REQUIRES_NEW transaction that commits, then fails the outer transaction. */
    public void innerCommitsOuterFails(String topic) {
        pusher.push(Target.topic(topic), Json.createValue("outer"));
        marker.inOwnTransaction(topic, "inner");
        throw new IllegalStateException("the outer transaction fails");
    }

    /** Pushes {@code n} times in one transaction. */
    public int pushMany(String topic, int n) {
        for (int i = 0; i < n; i++) {
            pusher.push(Target.topic(topic), Json.createValue(i));
        }
        return n;
    }

    /** Schedules a push due now, says so at once, holds the transaction open, then commits or rolls back. */
    public ScheduledPush scheduleNow(String topic, String text, long holdMillis, boolean fail) {
        ScheduledPush p = pusher.schedule(Target.topic(topic), Json.createValue(text), Instant.now());
        marker.now(topic, "scheduled " + text);
        hold(holdMillis);
        if (fail) {
            throw new IllegalStateException("schedule " + text + " failed after it was made");
        }
        return p;
    }

    /** Starts a timer of the application at once; its callback pushes in the callback's container transaction. */
    public void startTimer(String topic) {
        timers.createSingleActionTimer(0, new TimerConfig(topic, false));
    }

    @Timeout
    void onTimer(Timer timer) {
        String topic = (String) timer.getInfo();
        pusher.push(Target.topic(topic), Json.createValue("from the timer"));
        marker.now(topic, "timer callback ran");
    }

    private static void hold(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
