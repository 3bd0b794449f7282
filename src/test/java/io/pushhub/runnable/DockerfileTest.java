package io.pushhub.runnable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile cannot be built on the team's machines (no Docker engine there). What can be checked without one is
 * checked here: the build stage runs the build the README documents on exactly the files that build reads, and the
 * image runs the artifact that build makes (the runnable jar RunnableJarIT tests) the way the README runs it, as a
 * non-root user, listening on every interface.
 */
class DockerfileTest {

    private static final Path BASE = Paths.get(System.getProperty("basedir", "."));

    private record Instruction(String keyword, String args) {}

    private static List<List<Instruction>> stages() throws IOException {
        List<List<Instruction>> stages = new ArrayList<>();
        StringBuilder logical = new StringBuilder();
        for (String line : Files.readAllLines(BASE.resolve("Dockerfile"))) {
            String t = line.strip();
            if (t.startsWith("#") || (t.isEmpty() && logical.isEmpty())) {
                continue;
            }
            if (t.endsWith("\\")) {
                logical.append(t, 0, t.length() - 1).append(' ');
                continue;
            }
            logical.append(t);
            String[] parts = logical.toString().strip().split("\\s+", 2);
            logical.setLength(0);
            Instruction i = new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1].strip() : "");
            if (i.keyword().equals("FROM")) {
                stages.add(new ArrayList<>());
            }
            stages.get(stages.size() - 1).add(i);
        }
        return stages;
    }

    private static List<String> args(List<Instruction> stage, String keyword) {
        return stage.stream()
                .filter(i -> i.keyword().equals(keyword))
                .map(Instruction::args)
                .toList();
    }

    private static String read(String file) throws IOException {
        return Files.readString(BASE.resolve(file));
    }

    @Test
    void twoStagesBuildFromSourceWithMavenThenRunOnAJre() throws IOException {
        List<List<Instruction>> stages = stages();
        assertEquals(2, stages.size(), "stages: " + stages);
        assertEquals(List.of("maven:3.9-eclipse-temurin-17 AS build"), args(stages.get(0), "FROM"));
        assertEquals(List.of("eclipse-temurin:17-jre"), args(stages.get(1), "FROM"));
    }

    @Test
    void theBuildStageRunsTheReadmesBuildOnEveryFileThatBuildReads() throws IOException {
        List<Instruction> build = stages().get(0);
        List<String> runs = args(build, "RUN");
        assertEquals("mvn -B -DskipTests package", runs.get(runs.size() - 1), "the build: " + runs);
        assertTrue(
                read("README.md").contains("mvn -DskipTests package"),
                "the README no longer documents the build the Dockerfile runs (mvn -DskipTests package)");
        for (String run : runs) {
            assertTrue(run.startsWith("mvn -B "), "only Maven runs in the build stage: " + run);
        }
        List<String> copied = new ArrayList<>();
        for (String copy : args(build, "COPY")) {
            String[] words = copy.split("\\s+");
            for (int i = 0; i < words.length - 1; i++) {
                copied.add(words[i].replaceAll("/$", ""));
            }
        }
        for (String source : copied) {
            assertTrue(Files.exists(BASE.resolve(source)), "the Dockerfile copies " + source + ", which is not there");
        }
        // Every top-level path the pom reads from the project directory is copied, except what only verify uses
        // (spotless formats bench/; the integration tests are skipped in the image build).
        Matcher m = Pattern.compile("\\$\\{project\\.basedir}/([^/<]+)").matcher(read("pom.xml"));
        Set<String> verifyOnly = Set.of("bench");
        while (m.find()) {
            String top = m.group(1);
            assertTrue(
                    copied.contains(top) || verifyOnly.contains(top),
                    "pom.xml reads ${project.basedir}/" + top + " but the Dockerfile's build stage does not copy it");
        }
    }

    @Test
    void theImageRunsTheRunnableJarThatTheBuildMakesAsTheReadmeDoes() throws IOException {
        List<Instruction> run = stages().get(1);
        String pom = read("pom.xml");
        Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(pom);
        assertTrue(finalName.find(), "no finalName in pom.xml");
        Matcher include =
                Pattern.compile("<runnable.include>([^<]+)</runnable.include>").matcher(pom);
        assertTrue(include.find() && include.group(1).contains("runnable"), "mvn package makes no runnable jar");
        String jar = "target/" + finalName.group(1) + ".jar";
        assertTrue(read("README.md").contains("java -jar " + jar), "the README does not run " + jar);

        List<String> copies = args(run, "COPY");
        assertEquals(1, copies.size(), "runtime stage copies: " + copies);
        String[] copy = copies.get(0).split("\\s+");
        assertEquals("--from=build", copy[0]);
        assertEquals("/src/" + jar, copy[copy.length - 2], "the image copies something else than " + jar);
        String inImage = copy[copy.length - 1];
        assertEquals(List.of("[\"java\", \"-jar\", \"" + inImage + "\"]"), args(run, "ENTRYPOINT"));

        List<String> env = args(run, "ENV");
        assertTrue(
                env.contains("HTTP_HOST=*"), "the server would listen on 127.0.0.1 only inside the container: " + env);
        assertTrue(args(run, "EXPOSE").get(0).contains("9080"), "port 9080 not exposed");
        List<String> users = args(run, "USER");
        assertFalse(users.isEmpty(), "the image runs as root");
        String user = users.get(users.size() - 1);
        assertFalse(user.equals("root") || user.equals("0") || user.startsWith("0:"), "the image runs as root");
    }

    @Test
    void theBuildContextLeavesOutLocalBuildOutput() throws IOException {
        List<String> ignored = Files.readAllLines(BASE.resolve(".dockerignore"));
        assertTrue(ignored.contains("target/"), ".dockerignore: " + ignored);
        assertTrue(ignored.contains("node_modules/"), ".dockerignore: " + ignored);
    }
}
