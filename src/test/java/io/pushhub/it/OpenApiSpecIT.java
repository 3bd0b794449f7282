package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.HubIT;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The checked-in OpenAPI document ({@code src/test/resources/openapi/pushhub.yaml}), from which the build generates the
 * Java client that {@link GeneratedClientIT} uses, is what the server serves at {@code /openapi}: every path,
 * operation, parameter, response and schema, compared as YAML trees (only {@code servers}, which names the test
 * server's port, is left out). A change to a resource or record that changes the API fails here until the file is
 * refreshed, so the spec cannot drift silently from the code.
 *
 * <p>To refresh it after an intended change: {@code mvn verify -Dit.test=OpenApiSpecIT -Dopenapi.refresh=true} (add
 * {@code -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false} to skip the unit tests), then review and commit the
 * file's diff; the next build generates the client from it.
 */
class OpenApiSpecIT extends HubIT {

    static final String SPEC = "src/test/resources/openapi/pushhub.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void theCheckedInSpecIsWhatTheServerServes() throws Exception {
        // Payara builds the document on the first request, which took over 15 s on a loaded machine.
        Api.Reply served = api.send(HttpRequest.newBuilder(URI.create(HTTP + "/openapi"))
                .timeout(Duration.ofSeconds(120))
                .GET()
                .build());
        assertEquals(200, served.status(), "GET /openapi: " + served);
        String servedText = withoutServers(served.body());
        Path file = Path.of(System.getProperty("basedir", "."), SPEC);
        if (Boolean.getBoolean("openapi.refresh")) {
            Files.writeString(file, servedText, StandardCharsets.UTF_8);
            System.out.println("OpenApiSpecIT: wrote the server's /openapi to " + file + "; review and commit it");
            return;
        }
        JsonNode expected = YAML.readTree(Files.readString(file, StandardCharsets.UTF_8));
        JsonNode actual = YAML.readTree(servedText);
        if (ON_PAYARA) {
            // Payara generates the document with its own scanner, not SmallRye's: the schemas and descriptions come
            // out differently (docs/payara.md). What a client calls must be there: every path with its operations.
            assertEquals(operations(expected), operations(actual), "paths and operations of /openapi on Payara");
            return;
        }
        if (!expected.equals(actual)) {
            List<String> differences = new ArrayList<>();
            diff("", expected, actual, differences);
            fail("The server's /openapi differs from " + SPEC + " (the spec the Java client is generated from) at:\n  "
                    + String.join("\n  ", differences.subList(0, Math.min(40, differences.size())))
                    + (differences.size() > 40 ? "\n  ... " + (differences.size() - 40) + " more" : "")
                    + "\nIf the API change is intended, refresh the file and commit it:\n"
                    + "  mvn verify -Dit.test=OpenApiSpecIT -Dopenapi.refresh=true -Dtest=none "
                    + "-Dsurefire.failIfNoSpecifiedTests=false\n"
                    + "then run the build again (it regenerates the client from the file). If it is not intended, the "
                    + "change to a resource or a record in io.pushhub.api.dto changed the REST API.");
        }
    }

    /** "METHOD path" of every operation in a document. */
    private static TreeSet<String> operations(JsonNode doc) {
        TreeSet<String> ops = new TreeSet<>();
        doc.path("paths")
                .fields()
                .forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> {
                    if (List.of("get", "put", "post", "delete", "patch", "head", "options")
                            .contains(m)) {
                        ops.add(m.toUpperCase(java.util.Locale.ROOT) + " " + p.getKey());
                    }
                }));
        return ops;
    }

    /** The YAML text without its top-level {@code servers} section (the test server's URL, with its port). */
    static String withoutServers(String yaml) {
        StringBuilder out = new StringBuilder();
        boolean skipping = false;
        for (String line : yaml.split("\n", -1)) {
            boolean topLevel = !line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("-");
            if (topLevel) {
                skipping = line.startsWith("servers:");
            }
            if (!skipping) {
                out.append(line).append('\n');
            }
        }
        String s = out.toString();
        return s.endsWith("\n\n") ? s.substring(0, s.length() - 1) : s;
    }

    /** JSON-pointer-like locations where the two trees differ, with what each side has there. */
    private static void diff(String at, JsonNode expected, JsonNode actual, List<String> out) {
        if (expected.equals(actual)) {
            return;
        }
        if (expected.isObject() && actual.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            expected.fieldNames().forEachRemaining(names::add);
            actual.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                String here = at + "/" + n.replace("~", "~0").replace("/", "~1");
                if (!expected.has(n)) {
                    out.add(here + ": only the server has it: " + brief(actual.get(n)));
                } else if (!actual.has(n)) {
                    out.add(here + ": only " + SPEC + " has it: " + brief(expected.get(n)));
                } else {
                    diff(here, expected.get(n), actual.get(n), out);
                }
            }
            return;
        }
        if (expected.isArray() && actual.isArray() && expected.size() == actual.size()) {
            Iterator<JsonNode> e = expected.elements();
            Iterator<JsonNode> a = actual.elements();
            for (int i = 0; e.hasNext(); i++) {
                diff(at + "/" + i, e.next(), a.next(), out);
            }
            return;
        }
        out.add((at.isEmpty() ? "/" : at) + ": file has " + brief(expected) + ", server has " + brief(actual));
    }

    private static String brief(JsonNode n) {
        String s = n instanceof ObjectNode ? n.toString() : String.valueOf(n);
        return s.length() <= 160 ? s : s.substring(0, 157) + "...";
    }
}
