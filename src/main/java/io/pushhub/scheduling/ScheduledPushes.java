package io.pushhub.scheduling;

import io.pushhub.hub.Hub;
import io.pushhub.hub.PushResult;
import io.pushhub.hub.PushTarget;
import jakarta.annotation.Resource;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.NoSuchObjectLocalException;
import jakarta.ejb.Singleton;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.Serializable;
import java.io.StringReader;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Pushes scheduled for later ({@code POST /api/push} with {@code at} or {@code delay}), one EJB single-action timer
 * each. The timers are not persistent: pending pushes are lost when the server stops (see docs/scheduling.md).
 */
@Singleton
@Lock(LockType.READ)
public class ScheduledPushes {

    private static final Logger LOG = Logger.getLogger(ScheduledPushes.class.getName());

    @Resource
    TimerService timers;

    @Inject
    Hub hub;

    private final SecureRandom random = new SecureRandom();

    /**
     * One pending push, stored as the timer's info (so it must be serializable: data is kept as JSON text).
     *
     * @param scope all, user, topic or connection
     */
    public record Entry(String id, String messageId, Instant at, String scope, List<String> targets, String dataJson)
            implements Serializable {

        PushTarget target() {
            return switch (scope) {
                case "user" -> new PushTarget.Users(targets);
                case "topic" -> new PushTarget.Topics(targets);
                case "connection" -> new PushTarget.Connections(targets);
                default -> new PushTarget.All();
            };
        }
    }

    public Entry schedule(PushTarget target, JsonValue data, Instant at) {
        List<String> targets = new ArrayList<>();
        if (target instanceof PushTarget.Users u) {
            targets.addAll(u.userIds());
        } else if (target instanceof PushTarget.Topics t) {
            targets.addAll(t.topics());
        } else if (target instanceof PushTarget.Connections c) {
            targets.addAll(c.connectionIds());
        }
        byte[] b = new byte[8];
        random.nextBytes(b);
        Entry entry = new Entry(
                "s-" + HexFormat.of().formatHex(b), hub.nextMessageId(), at, target.scope(), targets, data.toString());
        timers.createSingleActionTimer(Date.from(at), new TimerConfig(entry, false));
        LOG.fine(() -> "scheduled " + entry.id() + " (" + entry.messageId() + ") for " + at);
        return entry;
    }

    @Timeout
    void fire(Timer timer) {
        if (!(timer.getInfo() instanceof Entry entry)) {
            return;
        }
        try {
            JsonValue data;
            try (JsonReader r = Json.createReader(new StringReader(entry.dataJson()))) {
                data = r.readValue();
            }
            PushResult result = hub.push(entry.target(), data, entry.messageId());
            LOG.fine(() -> "scheduled push " + entry.id() + " delivered to " + result.reached() + " connection(s)");
        } catch (RuntimeException e) {
            // A failing push must not make the container retry the timer: the message would be delivered twice.
            LOG.log(Level.WARNING, "scheduled push " + entry.id() + " failed", e);
        }
    }

    /** Pending pushes, soonest first (a snapshot). */
    public List<Entry> pending() {
        List<Entry> out = new ArrayList<>();
        for (Timer t : timers.getTimers()) {
            try {
                if (t.getInfo() instanceof Entry e) {
                    out.add(e);
                }
            } catch (NoSuchObjectLocalException e) {
                // fired or cancelled while we looked
            }
        }
        out.sort(Comparator.comparing(Entry::at));
        return out;
    }

    public int pendingCount() {
        return timers.getTimers().size();
    }

    /** @return false when no pending push has this id (unknown, already delivered or already cancelled) */
    public boolean cancel(String id) {
        for (Timer t : timers.getTimers()) {
            try {
                if (t.getInfo() instanceof Entry e && e.id().equals(id)) {
                    t.cancel();
                    return true;
                }
            } catch (NoSuchObjectLocalException e) {
                // fired or cancelled concurrently
            }
        }
        return false;
    }
}
