package io.pushhub.receipts;

import io.pushhub.DeliveryReceipts.Recipient;
import io.pushhub.DeliveryReceipts.Sheet;
import io.pushhub.DeliveryReceipts.State;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The receipts of the pushes of one node (memory broker), in this heap, under one lock (each call is a few map
 * operations). Bounds: {@code maxMessages} messages (the oldest first one forgotten beyond it), each for {@code
 * retention} after its first write, and {@code maxRecipients} recipients per message.
 */
public final class MemoryReceiptStore implements ReceiptStore {

    private final Duration retention;
    private final int maxMessages;
    private final int maxRecipients;
    private final Clock clock;

    /** In order of the first write; guarded by this. */
    private final LinkedHashMap<String, Entry> messages = new LinkedHashMap<>();

    private static final class Entry {
        final long created;
        long pushedAt;
        String node;
        final LinkedHashMap<String, Row> recipients = new LinkedHashMap<>();
        long truncated;

        Entry(long created) {
            this.created = created;
        }
    }

    private static final class Row {
        final Who who;
        Long written;
        Long acknowledged;
        Long dropped;
        String reason;

        Row(Who who) {
            this.who = who;
        }
    }

    public MemoryReceiptStore(Duration retention, int maxMessages, int maxRecipients, Clock clock) {
        this.retention = retention;
        this.maxMessages = maxMessages;
        this.maxRecipients = maxRecipients;
        this.clock = clock;
    }

    @Override
    public synchronized void pushed(String messageId, long at, String node) {
        Entry e = entry(messageId);
        e.pushedAt = at;
        e.node = node;
    }

    @Override
    public synchronized void note(String messageId, Who who, State state, long at, String reason) {
        Entry e = entry(messageId);
        Row r = e.recipients.get(who.connection());
        if (r == null) {
            if (e.recipients.size() >= maxRecipients) {
                e.truncated++;
                return;
            }
            r = new Row(who);
            e.recipients.put(who.connection(), r);
        }
        switch (state) {
            case WRITTEN -> r.written = r.written == null ? at : r.written;
            case ACKNOWLEDGED -> r.acknowledged = r.acknowledged == null ? at : r.acknowledged;
            case DROPPED -> {
                if (r.dropped == null) {
                    r.dropped = at;
                    r.reason = reason;
                }
            }
            case QUEUED -> {}
        }
    }

    @Override
    public synchronized CompletionStage<Optional<Sheet>> read(String messageId) {
        expire(clock.millis());
        Entry e = messages.get(messageId);
        if (e == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        List<Recipient> list = new ArrayList<>(e.recipients.size());
        for (Row r : e.recipients.values()) {
            list.add(new Recipient(
                    r.who.connection(), r.who.user(), r.who.node(), r.written, r.acknowledged, r.dropped, r.reason));
        }
        return CompletableFuture.completedFuture(
                Optional.of(new Sheet(messageId, e.pushedAt, e.node, List.copyOf(list), e.truncated)));
    }

    /** Messages held now (metrics, tests). */
    public synchronized int size() {
        return messages.size();
    }

    private Entry entry(String messageId) {
        long now = clock.millis();
        expire(now);
        Entry e = messages.get(messageId);
        if (e == null) {
            e = new Entry(now);
            messages.put(messageId, e);
            if (messages.size() > maxMessages) {
                Iterator<Map.Entry<String, Entry>> it = messages.entrySet().iterator();
                it.next();
                it.remove(); // the oldest
            }
        }
        return e;
    }

    private void expire(long now) {
        long limit = now - retention.toMillis();
        for (Iterator<Entry> it = messages.values().iterator(); it.hasNext(); ) {
            if (it.next().created > limit) {
                return; // in creation order: the rest are younger
            }
            it.remove();
        }
    }
}
