package io.pushhub.scheduling;

import io.pushhub.Pusher;
import io.pushhub.Target;
import io.pushhub.config.HubConfig;
import io.pushhub.ids.Ids;
import jakarta.annotation.Resource;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.json.Json;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The demo job: a long-running task that reports progress to the user (or connection) that started it, one update
 * per {@code pushhub.demo.interval}, {@code pushhub.demo.steps} updates in all, driven by an EJB interval timer.
 */
@Singleton
@Lock(LockType.READ)
public class DemoJobs {

    private static final Logger LOG = Logger.getLogger(DemoJobs.class.getName());

    @Resource
    TimerService timers;

    @Inject
    Pusher pusher;

    @Inject
    HubConfig config;

    private final ConcurrentHashMap<String, AtomicInteger> progress = new ConcurrentHashMap<>();

    /** A running job; the timer's info. {@code scope} is user or connection. */
    public record Job(String id, String scope, String target, int steps, long intervalMillis) implements Serializable {}

    public Job start(Target target) {
        String scope = target.scope();
        String who = target.names().get(0);
        long interval = config.demoInterval().toMillis();
        Job job = new Job(Ids.job(), scope, who, config.demoSteps(), interval);
        progress.put(job.id(), new AtomicInteger());
        timers.createIntervalTimer(interval, interval, new TimerConfig(job, false));
        LOG.info(() -> "demo job " + job.id() + " started for " + scope + " " + who + ": " + job.steps()
                + " updates every " + interval + " ms");
        return job;
    }

    public int running() {
        return progress.size();
    }

    /** Not in a transaction: each update goes out at once instead of waiting for the callback's commit. */
    @Timeout
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void step(Timer timer) {
        if (!(timer.getInfo() instanceof Job job)) {
            return;
        }
        AtomicInteger counter = progress.get(job.id());
        if (counter == null) {
            cancelQuietly(timer);
            return;
        }
        // Timeouts of one interval timer may overlap under load; the lock keeps steps in order per job.
        synchronized (counter) {
            int step = counter.incrementAndGet();
            if (step > job.steps()) {
                return;
            }
            boolean done = step == job.steps();
            try {
                pusher.push(
                        Target.of(job.scope(), List.of(job.target())),
                        Json.createObjectBuilder()
                                .add("job", job.id())
                                .add("step", step)
                                .add("steps", job.steps())
                                .add("percent", step * 100 / job.steps())
                                .add("done", done)
                                .build());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "demo job " + job.id() + " step " + step + " failed", e);
            }
            if (done) {
                progress.remove(job.id());
                cancelQuietly(timer);
                LOG.info(() -> "demo job " + job.id() + " finished");
            }
        }
    }

    private static void cancelQuietly(Timer timer) {
        try {
            timer.cancel();
        } catch (RuntimeException e) {
            // already cancelled
        }
    }
}
