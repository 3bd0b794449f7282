package io.pushhub.tracing;

/**
 * A W3C {@code traceparent} header value, {@code 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>}.
 *
 * @param sampled whether the caller's flags say sampled (bit 0)
 */
public record Traceparent(String traceId, String spanId, boolean sampled) {

    /** Parses a header value; null when it is not a valid version-00 traceparent (all-zero ids are invalid). */
    public static Traceparent parse(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        if (v.length() != 55 || v.charAt(2) != '-' || v.charAt(35) != '-' || v.charAt(52) != '-') {
            return null;
        }
        if (!v.startsWith("00") || !hex(v, 3, 35) || !hex(v, 36, 52) || !hex(v, 53, 55)) {
            return null;
        }
        String trace = v.substring(3, 35);
        String span = v.substring(36, 52);
        if (trace.chars().allMatch(c -> c == '0') || span.chars().allMatch(c -> c == '0')) {
            return null;
        }
        int flags = Integer.parseInt(v.substring(53, 55), 16);
        return new Traceparent(trace, span, (flags & 1) == 1);
    }

    private static boolean hex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
