package io.pushhub.tracing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * This node's trace journal: for each journaled message, what this node recorded about it ({@link TraceEntry}),
 * bounded three ways: at most {@code maxMessages} messages (the oldest go first), at most {@code maxEntries} entries
 * per message (then one {@link TraceEntry.Kind#TRUNCATED} entry and nothing more), and each message for at most
 * {@code retention} after its first entry. So a flood of traced pushes costs at most about maxMessages × maxEntries
 * entries (~150 B each) of heap.
 *
 * <p>With a {@link Remote} (Redis), every entry kept here is also handed to it, so that any node can read the whole
 * cluster's journal of a message; the remote keeps it for the same retention.
 *
 * <p>Thread-safe; {@link #record} is called from delivery threads (a pusher's, a send completion's): it holds this
 * journal's lock for a map operation and hands the entry to the remote without waiting.
 */
public final class TraceJournal {

    /** Where the entries go for the cluster, and where they are read back from. */
    public interface Remote {
        /** Appends an entry to the message's cluster journal; must return at once (asynchronous), never throw. */
        void append(String messageId, TraceEntry entry);

        /**
         * The message's entries of every node, oldest first; empty when none are kept.
         *
         * @throws IllegalStateException when the store cannot be read now (the message says why)
         */
        List<TraceEntry> read(String messageId);
    }

    private static final class Message {
        final long firstAt;
        final List<TraceEntry> entries = new ArrayList<>(4);
        boolean truncated;

        Message(long firstAt) {
            this.firstAt = firstAt;
        }
    }

    private final int maxMessages;
    private final int maxEntries;
    private final long retentionMillis;
    private final LongSupplier clock;
    private final Remote remote;
    /** Insertion order = order of first entry, so the expired and the evicted are at the head. */
    private final LinkedHashMap<String, Message> messages = new LinkedHashMap<>();

    private final AtomicLong evicted = new AtomicLong();
    private final AtomicLong entriesDropped = new AtomicLong();

    public TraceJournal(int maxMessages, int maxEntries, Duration retention, LongSupplier clock, Remote remote) {
        this.maxMessages = Math.max(1, maxMessages);
        this.maxEntries = Math.max(1, maxEntries);
        this.retentionMillis = retention.toMillis();
        this.clock = clock;
        this.remote = remote;
    }

    /** Records an entry of a journaled message. */
    public void record(String messageId, TraceEntry entry) {
        TraceEntry keep = entry;
        synchronized (this) {
            long now = clock.getAsLong();
            expire(now);
            Message m = messages.get(messageId);
            if (m == null) {
                m = new Message(now);
                messages.put(messageId, m);
                if (messages.size() > maxMessages) {
                    Iterator<Map.Entry<String, Message>> it =
                            messages.entrySet().iterator();
                    it.next();
                    it.remove();
                    evicted.incrementAndGet();
                }
            }
            if (m.truncated) {
                entriesDropped.incrementAndGet();
                return;
            }
            if (m.entries.size() >= maxEntries) {
                m.truncated = true;
                entriesDropped.incrementAndGet();
                keep = new TraceEntry(entry.node(), TraceEntry.Kind.TRUNCATED, entry.at(), null, null, null);
            }
            m.entries.add(keep);
        }
        if (remote != null) {
            remote.append(messageId, keep);
        }
    }

    /** Drops the messages whose retention has passed (the oldest are first). Under the lock. */
    private void expire(long now) {
        Iterator<Message> it = messages.values().iterator();
        while (it.hasNext()) {
            if (it.next().firstAt + retentionMillis > now) {
                return;
            }
            it.remove();
        }
    }

    /** What this node recorded about the message, oldest first; null when nothing (not journaled, or gone). */
    public synchronized List<TraceEntry> local(String messageId) {
        expire(clock.getAsLong());
        Message m = messages.get(messageId);
        return m == null ? null : List.copyOf(m.entries);
    }

    /**
     * The whole cluster's entries of the message: the remote's when there is one, else this node's; null when none.
     *
     * @throws IllegalStateException when the remote cannot be read now
     */
    public List<TraceEntry> read(String messageId) {
        if (remote == null) {
            return local(messageId);
        }
        List<TraceEntry> all = remote.read(messageId);
        return all.isEmpty() ? null : all;
    }

    /** Messages held now (the journal-size gauge). */
    public synchronized int size() {
        expire(clock.getAsLong());
        return messages.size();
    }

    /** Messages pushed out before their retention ended, to stay within maxMessages. */
    public long evicted() {
        return evicted.get();
    }

    /** Entries not kept because their message reached maxEntries. */
    public long entriesDropped() {
        return entriesDropped.get();
    }

    public boolean clusterWide() {
        return remote != null;
    }

    public int maxMessages() {
        return maxMessages;
    }

    public int maxEntries() {
        return maxEntries;
    }

    public Duration retention() {
        return Duration.ofMillis(retentionMillis);
    }
}
