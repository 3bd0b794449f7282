package pushhub.bench;

import io.netty.buffer.ByteBuf;

/**
 * Allocation-free byte scanners used in the load generator's hot path. No JSON library: a frame's text
 * is scanned once for the keys {@code "seq":} and {@code "t":}; the k-th seq is paired with the k-th t,
 * so the order of the two keys inside {@code data} does not matter and a batch frame
 * ({@code {"type":"batch","messages":[...]}}) yields one pair per inner message.
 */
final class Scan {
    private Scan() {}

    interface PairSink {
        void pair(long seq, long t);
    }

    /** Returns the number of (seq,t) pairs found; calls sink for each. */
    static int pairs(ByteBuf b, PairSink sink) {
        int i = b.readerIndex();
        final int end = b.writerIndex();
        long seq = -1, t = -1;
        int n = 0;
        while (i < end) {
            i = b.indexOf(i, end, (byte) '"'); // SWAR search: the pad / text between keys is skipped fast
            if (i < 0) break;
            // i at a quote: check for seq": or t":
            if (i + 5 < end
                    && b.getByte(i + 1) == 's'
                    && b.getByte(i + 2) == 'e'
                    && b.getByte(i + 3) == 'q'
                    && b.getByte(i + 4) == '"'
                    && b.getByte(i + 5) == ':') {
                int j = i + 6;
                long v = 0;
                while (j < end && (b.getByte(j) == ' ' || b.getByte(j) == '"')) j++;
                int s = j;
                while (j < end) {
                    byte c = b.getByte(j);
                    if (c < '0' || c > '9') break;
                    v = v * 10 + (c - '0');
                    j++;
                }
                if (j > s) seq = v;
                i = j;
            } else if (i + 3 < end && b.getByte(i + 1) == 't' && b.getByte(i + 2) == '"' && b.getByte(i + 3) == ':') {
                int j = i + 4;
                long v = 0;
                while (j < end && (b.getByte(j) == ' ' || b.getByte(j) == '"')) j++;
                int s = j;
                while (j < end) {
                    byte c = b.getByte(j);
                    if (c < '0' || c > '9') break;
                    v = v * 10 + (c - '0');
                    j++;
                }
                if (j > s) t = v;
                i = j;
            } else {
                i++;
            }
            if (seq >= 0 && t >= 0) {
                sink.pair(seq, t);
                n++;
                seq = -1;
                t = -1;
            }
        }
        return n;
    }

    /** Finds "key": followed by a number in a ByteBuf; returns -1 if absent. key without quotes. */
    static long longField(ByteBuf b, String key) {
        String needle = "\"" + key + "\":";
        int end = b.writerIndex();
        outer:
        for (int i = b.readerIndex(); i + needle.length() <= end; i++) {
            for (int k = 0; k < needle.length(); k++) {
                if (b.getByte(i + k) != needle.charAt(k)) continue outer;
            }
            int j = i + needle.length();
            while (j < end && b.getByte(j) == ' ') j++;
            long v = 0;
            int s = j;
            while (j < end) {
                byte c = b.getByte(j);
                if (c < '0' || c > '9') break;
                v = v * 10 + (c - '0');
                j++;
            }
            return j > s ? v : -1;
        }
        return -1;
    }

    /** Extracts the string value of "key":"value" from a small JSON text (no unescaping); null if absent. */
    static String stringField(String s, String key) {
        String needle = "\"" + key + "\"";
        int i = s.indexOf(needle);
        if (i < 0) return null;
        int j = i + needle.length();
        while (j < s.length() && (s.charAt(j) == ' ' || s.charAt(j) == ':')) j++;
        if (j >= s.length() || s.charAt(j) != '"') return null;
        int e = s.indexOf('"', j + 1);
        return e < 0 ? null : s.substring(j + 1, e);
    }
}
