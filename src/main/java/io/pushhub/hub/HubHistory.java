package io.pushhub.hub;

import io.pushhub.History;
import io.pushhub.broker.BrokerUnavailableException;
import io.pushhub.broker.HistoryRead;
import io.pushhub.broker.Publication;
import io.pushhub.broker.StreamPosition;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/** The {@link History} bean: reads through the broker, judged by {@link Recovery#lossReason} like a resume. */
@ApplicationScoped
public class HubHistory implements History {

    @Inject
    Hub hub;

    @Override
    public boolean keeps(String topic) {
        return hub.relay().policy(topic) != null;
    }

    /**
     * Reads like a resume replays: expired messages are skipped and counted. When some are skipped, more is read (in
     * chunks of {@code limit}, at most until the latest offset, so at most the kept size in all) until the page holds
     * {@code limit} messages, so that a page of only expired messages never ends a reader's paging early. The last
     * message returned is then the last one read, and paging on from its offset neither misses nor counts twice.
     */
    @Override
    public Page read(String topic, long since, String sinceEpoch, int limit) throws UnavailableException {
        if (!keeps(topic)) {
            throw new IllegalArgumentException("topic " + topic + " keeps no history");
        }
        ClusterRelay relay = hub.relay();
        HistoryRead read;
        try {
            read = relay.readHistory(topic, since, limit);
            if (sinceEpoch != null && !sinceEpoch.equals(read.position().epoch())) {
                read = relay.readHistory(topic, 0, limit); // a new run of offsets: everything kept is new to the caller
            }
        } catch (BrokerUnavailableException e) {
            throw new UnavailableException(e.getMessage());
        }
        StreamPosition pos = read.position();
        List<Publication> got = read.publications();
        String reason = Recovery.lossReason(since, sinceEpoch, read);
        long missedFrom = 0;
        long missedTo = 0;
        if (reason != null) {
            long from = Recovery.EPOCH_CHANGED.equals(reason) ? 1 : since + 1;
            long to = got.isEmpty() ? pos.offset() : got.get(0).offset() - 1;
            if (from <= to) {
                missedFrom = from;
                missedTo = to;
            }
        }
        List<Message> messages = new ArrayList<>(Math.min(limit, got.size()));
        int expired = 0;
        long now = System.currentTimeMillis();
        long cursor = -1; // offset of the last publication looked at
        while (true) {
            for (Publication p : got) {
                if (messages.size() == limit) {
                    break;
                }
                cursor = p.offset();
                if (p.expiredAt(now)) {
                    expired++;
                } else {
                    messages.add(new Message(p.offset(), p.messageId(), p.time(), p.from(), p.data()));
                }
            }
            if (messages.size() == limit || got.isEmpty() || cursor >= pos.offset()) {
                break;
            }
            HistoryRead next;
            try {
                next = relay.readHistory(topic, cursor, limit);
            } catch (BrokerUnavailableException e) {
                break; // what was read so far is a true page; the next one will report the outage
            }
            List<Publication> nextGot = next.publications();
            if (!pos.epoch().equals(next.position().epoch())
                    || nextGot.isEmpty()
                    || nextGot.get(0).offset() != cursor + 1) {
                break; // a new epoch or a hole since the first read: the next page (since = cursor) reports it
            }
            pos = next.position();
            got = nextGot;
        }
        boolean more = cursor >= 0 && cursor < pos.offset();
        return new Page(topic, pos.epoch(), pos.offset(), reason, missedFrom, missedTo, more, messages, expired);
    }
}
