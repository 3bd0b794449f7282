package io.pushhub.events;

import io.pushhub.HubEvent;
import io.pushhub.stats.Count;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A bounded in-memory backlog (memory broker: one node, nothing survives its restart). When {@code max} events wait,
 * the oldest is dropped and counted, so a receiver that is down or hangs costs at most {@code max} events of heap.
 */
final class MemoryBacklog implements Backlog {

    private record Queued(long index, HubEvent event) {}

    private final int max;
    private final Count dropped;
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private long nextIndex;
    private long lastIndexOfBatch = -1;

    MemoryBacklog(int max, Count dropped) {
        this.max = max;
        this.dropped = dropped;
    }

    synchronized void add(HubEvent e) {
        if (queue.size() >= max) {
            queue.pollFirst();
            dropped.increment();
        }
        queue.addLast(new Queued(nextIndex++, e));
    }

    @Override
    public synchronized List<HubEvent> head(int n) {
        List<HubEvent> out = new ArrayList<>(Math.min(n, queue.size()));
        Iterator<Queued> it = queue.iterator();
        while (it.hasNext() && out.size() < n) {
            Queued q = it.next();
            lastIndexOfBatch = q.index();
            out.add(q.event());
        }
        return out;
    }

    /** Removes the batch (what of it is still here: the oldest may have been dropped meanwhile). */
    @Override
    public synchronized void acknowledge(List<HubEvent> batch) {
        while (!queue.isEmpty() && queue.peekFirst().index() <= lastIndexOfBatch) {
            queue.pollFirst();
        }
    }

    @Override
    public synchronized long depth() {
        return queue.size();
    }

    @Override
    public synchronized void stop() {
        queue.clear();
    }
}
