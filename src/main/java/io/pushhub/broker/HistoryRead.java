package io.pushhub.broker;

import java.util.List;

/**
 * One consistent read of a topic's history.
 *
 * @param position the stream's latest offset and epoch when it was read
 * @param publications the publications after the requested offset that are still kept, oldest first (offset order)
 * @param streamKept false when the topic's history expired as a whole (nothing is kept, though offsets were used)
 */
public record HistoryRead(StreamPosition position, List<Publication> publications, boolean streamKept) {

    public HistoryRead {
        publications = List.copyOf(publications);
    }
}
