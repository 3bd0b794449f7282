package pushhub.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Minimal JSON reader for the reference server: splits a top-level object into key -> raw value text
 * (so {@code data} is forwarded byte-for-byte as the pusher sent it), and decodes strings / string arrays.
 * Per push, not per delivery, so it is off the hot path.
 */
final class MiniJson {
    private final String s;
    private int i;

    private MiniJson(String s) {
        this.s = s;
    }

    static Map<String, String> object(String text) {
        MiniJson p = new MiniJson(text);
        Map<String, String> out = new LinkedHashMap<>();
        p.ws();
        p.expect('{');
        p.ws();
        if (p.peek() == '}') return out;
        while (true) {
            p.ws();
            String k = p.string();
            p.ws();
            p.expect(':');
            p.ws();
            int start = p.i;
            p.skipValue();
            out.put(k, text.substring(start, p.i));
            p.ws();
            char c = p.next();
            if (c == '}') return out;
            if (c != ',') throw new IllegalArgumentException("expected , or } at " + p.i);
        }
    }

    /** Decodes a raw JSON string value ("...") ; returns null if raw is not a string. */
    static String str(String raw) {
        if (raw == null) return null;
        raw = raw.trim();
        if (raw.isEmpty() || raw.charAt(0) != '"') return null;
        return new MiniJson(raw).string();
    }

    /** Decodes a raw JSON array of strings; null if not an array. */
    static List<String> strings(String raw) {
        if (raw == null) return null;
        MiniJson p = new MiniJson(raw.trim());
        if (p.peek() != '[') return null;
        p.next();
        List<String> out = new ArrayList<>();
        p.ws();
        if (p.peek() == ']') return out;
        while (true) {
            p.ws();
            out.add(p.string());
            p.ws();
            char c = p.next();
            if (c == ']') return out;
            if (c != ',') throw new IllegalArgumentException("bad array");
        }
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private char next() {
        if (i >= s.length()) throw new IllegalArgumentException("unexpected end of JSON");
        return s.charAt(i++);
    }

    private void ws() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    }

    private void expect(char c) {
        if (next() != c) throw new IllegalArgumentException("expected " + c + " at " + (i - 1));
    }

    private String string() {
        expect('"');
        StringBuilder sb = null;
        int start = i;
        while (true) {
            char c = next();
            if (c == '"') return sb == null ? s.substring(start, i - 1) : sb.toString();
            if (c == '\\') {
                if (sb == null) sb = new StringBuilder(s.substring(start, i - 1));
                char e = next();
                switch (e) {
                    case 'n':
                        sb.append('\n');
                        break;
                    case 't':
                        sb.append('\t');
                        break;
                    case 'r':
                        sb.append('\r');
                        break;
                    case 'b':
                        sb.append('\b');
                        break;
                    case 'f':
                        sb.append('\f');
                        break;
                    case 'u':
                        sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                        break;
                    default:
                        sb.append(e);
                }
            } else if (sb != null) {
                sb.append(c);
            }
        }
    }

    private void skipValue() {
        char c = peek();
        if (c == '"') {
            string();
            return;
        }
        if (c == '{' || c == '[') {
            int depth = 0;
            while (true) {
                char d = next();
                if (d == '"') {
                    i--;
                    string();
                    continue;
                }
                if (d == '{' || d == '[') depth++;
                else if (d == '}' || d == ']') {
                    if (--depth == 0) return;
                }
            }
        }
        int start = i;
        while (i < s.length()) {
            char d = s.charAt(i);
            if (d == ',' || d == '}' || d == ']' || Character.isWhitespace(d)) break;
            i++;
        }
        if (i == start) throw new IllegalArgumentException("bad value at " + i);
    }
}
