package io.pushhub.broker;

import io.pushhub.ids.Ids;

/** New epoch identifiers: 12 random hex digits, so two runs of one topic's offsets never share an epoch. */
public final class Epochs {

    private Epochs() {}

    public static String next() {
        return Ids.epoch();
    }
}
