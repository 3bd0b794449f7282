package io.pushhub.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs JavaScript tests with Node's own test runner ({@code node --test}) and turns the result into a JUnit outcome.
 * What a test needs that may be missing on a developer's machine (node, {@code node_modules}, Chromium) is checked
 * first: missing means skipped with instructions, unless {@code -Dbrowser.tests=required} (CI), where it is a failure.
 */
final class NodeRunner {

    /** {@code auto} (default): skip when something is missing; {@code required}: fail instead. */
    static final String MODE = System.getProperty("browser.tests", "auto");

    static final Path BASEDIR = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    static final String CHROMIUM = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
    private static final String HOW_TO = "To run them: `apt-get install -y chromium` (Debian) and `npm ci` in "
            + BASEDIR + ", then `mvn verify`. `-Dbrowser.tests=required` turns a missing prerequisite into a failure "
            + "(CI does that).";

    private static volatile boolean toldWhySkipped;

    private NodeRunner() {}

    /** Skips (or fails, when required) unless node and, for browser tests, playwright-core and Chromium are there. */
    static void requirePrerequisites(boolean browser) {
        List<String> missing = new ArrayList<>();
        if (!nodeWorks()) {
            missing.add("`node` is not on the PATH");
        }
        if (browser && !Files.isDirectory(BASEDIR.resolve("node_modules/playwright-core"))) {
            missing.add("node_modules/playwright-core is not installed (npm ci)");
        }
        if (browser && !Files.isExecutable(Path.of(CHROMIUM))) {
            missing.add("no Chromium at " + CHROMIUM + " (set CHROMIUM=/path/to/chromium to use another)");
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "browser tests not run: " + String.join("; ", missing) + ". " + HOW_TO;
        if ("required".equals(MODE)) {
            fail(message);
        }
        if (!toldWhySkipped) {
            toldWhySkipped = true; // once per run, not once per test
            System.out.println("[SKIPPED] " + message);
        }
        Assumptions.abort(message);
    }

    /** Skips (or fails, when required) unless node and these packages of the root package.json (npm ci) are there. */
    static void requireNodeModules(String... packages) {
        requirePrerequisites(false);
        List<String> missing = new ArrayList<>();
        for (String p : packages) {
            if (!Files.isDirectory(BASEDIR.resolve("node_modules").resolve(p))) {
                missing.add("node_modules/" + p + " is not installed (npm ci)");
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "node tests not run: " + String.join("; ", missing) + ". " + HOW_TO;
        if ("required".equals(MODE)) {
            fail(message);
        }
        System.out.println("[SKIPPED] " + message);
        Assumptions.abort(message);
    }

    private static boolean nodeWorks() {
        try {
            Process p = new ProcessBuilder("node", "--version")
                    .redirectErrorStream(true)
                    .start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Runs the tests of {@code file} whose name matches {@code namePattern} and asserts that exactly {@code expected}
     * ran and passed (a pattern matching nothing must not look like a pass). Prints Node's output either way.
     */
    static void run(String file, String namePattern, int expected, Map<String, String> env) throws Exception {
        List<String> cmd = List.of("node", "--test", "--test-reporter=tap", "--test-name-pattern=" + namePattern, file);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(BASEDIR.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        File out = Files.createTempFile("pushhub-node-", ".log").toFile();
        pb.redirectOutput(out);
        Process p = pb.start();
        boolean finished = p.waitFor(240, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
        }
        String output = Files.readString(out.toPath(), StandardCharsets.UTF_8);
        out.delete();
        System.out.println("---- node " + String.join(" ", cmd.subList(1, cmd.size())) + "\n" + output + "----");
        assertTrue(finished, "node did not finish within 240 s:\n" + output);
        assertEquals(0, p.exitValue(), "node tests failed:\n" + output);
        assertEquals(expected, count(output, "pass"), "tests that passed (does the name pattern match?):\n" + output);
    }

    /**
     * Runs the one browser test of {@code file} whose name matches {@code namePattern} against the hub at {@code
     * hubUrl}, with the environment every browser test file reads: the hub's URL and publisher key, where screenshots
     * go, which Chromium; {@code extra} adds to it.
     */
    static void browser(String file, String namePattern, String hubUrl, Map<String, String> extra) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(extra);
        env.put("PUSHHUB_URL", hubUrl);
        env.put("PUSHHUB_KEY", io.pushhub.testsupport.Api.KEY);
        env.put("SCREENSHOT_DIR", BASEDIR.resolve("target/screenshots").toString());
        env.put("CHROMIUM", CHROMIUM);
        run(file, namePattern, 1, env);
    }

    private static int count(String tap, String what) {
        Matcher m =
                Pattern.compile("^# " + what + " (\\d+)$", Pattern.MULTILINE).matcher(tap);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }
}
