package io.pushhub.hub;

import io.pushhub.History;
import io.pushhub.broker.BrokerUnavailableException;
import io.pushhub.broker.HistoryRead;
import io.pushhub.broker.Publication;
import io.pushhub.broker.StreamPosition;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
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
        boolean more = !got.isEmpty() && got.get(got.size() - 1).offset() < pos.offset();
        List<Message> messages = got.stream()
                .map(p -> new Message(p.offset(), p.messageId(), p.time(), p.from(), p.data()))
                .toList();
        return new Page(topic, pos.epoch(), pos.offset(), reason, missedFrom, missedTo, more, messages);
    }
}
