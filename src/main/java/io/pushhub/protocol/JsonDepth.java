package io.pushhub.protocol;

/**
 * Bounds the nesting of JSON text before it is parsed. Tree-building JSON parsers recurse (or keep a stack) per level,
 * and so do the encoders that write the value back out: a few kilobytes of {@code [[[[...} would otherwise cost a
 * connection (WebSocket) or a 500 (REST). The scan is one pass over the characters, with no recursion and no
 * allocation, and is exact for valid JSON: brackets inside strings (including escaped quotes) are not counted.
 * Invalid JSON may be scanned loosely; the parser refuses it afterwards anyway.
 */
public final class JsonDepth {

    /**
     * Deepest nesting of arrays and objects accepted in a client frame or a {@code POST /api/push} body. The outermost
     * object counts as level 1, so a frame's {@code data} may nest 63 levels. Documented in docs/protocol.md.
     */
    public static final int MAX_DEPTH = 64;

    private JsonDepth() {}

    /** Whether {@code text} nests arrays/objects deeper than {@code max} levels. */
    public static boolean exceeds(CharSequence text, int max) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++; // skip the escaped character (an escaped quote does not end the string)
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                if (++depth > max) {
                    return true;
                }
            } else if (c == ']' || c == '}') {
                depth--;
            }
        }
        return false;
    }

    /** The message both transports use when {@link #exceeds} is true. */
    public static String message(String what) {
        return what + " nests arrays/objects deeper than " + MAX_DEPTH + " levels (the limit)";
    }
}
