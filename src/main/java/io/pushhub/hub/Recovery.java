package io.pushhub.hub;

import io.pushhub.broker.HistoryRead;
import io.pushhub.broker.Publication;
import io.pushhub.broker.StreamPosition;
import java.util.List;

/**
 * The outcome of resuming a topic from {@code since}: either every missed publication (in offset order), or why that
 * is impossible and which offsets were missed. A pure function of the client's position and one history read.
 *
 * @param recovered whether {@code replay} is everything the client missed
 * @param reason null when recovered; else {@code trimmed}, {@code expired} or {@code epoch_changed}
 * @param missedFrom first missed offset (0 when unknown or none)
 * @param missedTo last missed offset (0 when unknown or none)
 * @param position the stream's position at the seam (latest offset when history was read)
 * @param replay the publications to send before live ones
 */
public record Recovery(
        boolean recovered,
        String reason,
        long missedFrom,
        long missedTo,
        StreamPosition position,
        List<Publication> replay) {

    public static final String TRIMMED = "trimmed";
    public static final String EXPIRED = "expired";
    public static final String EPOCH_CHANGED = "epoch_changed";

    /**
     * @param sinceOffset the last offset the client received
     * @param sinceEpoch the epoch of that offset
     * @param read the topic's history after {@code sinceOffset}, read after the client was subscribed to live traffic
     */
    public static Recovery of(long sinceOffset, String sinceEpoch, HistoryRead read) {
        StreamPosition pos = read.position();
        List<Publication> got = read.publications();
        String reason = lossReason(sinceOffset, sinceEpoch, read);
        if (EPOCH_CHANGED.equals(reason)) {
            // A different run of offsets (or one the client cannot have seen): nothing it holds relates to this one.
            return lost(EPOCH_CHANGED, 1, pos.offset(), pos);
        }
        if (reason == null && !got.isEmpty() && got.get(got.size() - 1).offset() != pos.offset()) {
            reason = read.streamKept() ? TRIMMED : EXPIRED; // the read ended before the latest offset
        }
        if (reason != null) {
            return lost(reason, sinceOffset + 1, pos.offset(), pos);
        }
        return new Recovery(true, null, 0, 0, pos, got);
    }

    /**
     * The one rule for whether a reader at {@code sinceOffset} of {@code sinceEpoch} can go on from a history read
     * without a hole: null when it can (the read starts right after {@code sinceOffset}, or there is nothing new);
     * else {@link #EPOCH_CHANGED} (another run of offsets, or an offset the stream never reached), {@link #TRIMMED}
     * (the missed messages fell out of the kept size) or {@link #EXPIRED} (out of the kept time, or the whole stream
     * expired). Both the resuming subscribe and the REST history read decide by it.
     *
     * @param sinceEpoch the epoch of {@code sinceOffset}; null when the reader does not know it (taken as the
     *     current one)
     */
    public static String lossReason(long sinceOffset, String sinceEpoch, HistoryRead read) {
        StreamPosition pos = read.position();
        if ((sinceEpoch != null && !sinceEpoch.equals(pos.epoch())) || sinceOffset > pos.offset()) {
            return EPOCH_CHANGED;
        }
        List<Publication> got = read.publications();
        if (sinceOffset < pos.offset() && (got.isEmpty() || got.get(0).offset() != sinceOffset + 1)) {
            return read.streamKept() ? TRIMMED : EXPIRED;
        }
        return null;
    }

    private static Recovery lost(String reason, long from, long to, StreamPosition pos) {
        return from <= to
                ? new Recovery(false, reason, from, to, pos, List.of())
                : new Recovery(false, reason, 0, 0, pos, List.of());
    }
}
