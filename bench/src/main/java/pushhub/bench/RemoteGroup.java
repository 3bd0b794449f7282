package pushhub.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** Coordinator-side proxy for a {@link Worker} process. */
final class RemoteGroup implements Group {
    final Process proc;
    final PrintWriter cmd;
    final BufferedReader res;
    final Path tmpDir;
    final int index;

    RemoteGroup(int index, List<String> jvmOpts, List<String> workerArgs, Path tmpDir) {
        this.index = index;
        this.tmpDir = tmpDir;
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOpts);
        command.add("-cp");
        command.add(cp);
        command.add("pushhub.bench.Main");
        command.add("worker");
        command.addAll(workerArgs);
        try {
            proc = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cmd = new PrintWriter(proc.getOutputStream(), true, StandardCharsets.UTF_8);
        res = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8));
    }

    synchronized String call(String line) {
        cmd.println(line);
        try {
            String r = res.readLine();
            if (r == null) throw new IllegalStateException("worker " + index + " (pid " + proc.pid() + ") exited");
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public CompletableFuture<Ready> connect() {
        return CompletableFuture.supplyAsync(() -> Ready.parse(call("CONNECT")));
    }

    @Override
    public void window(long startMicros, long endMicros) {
        call("WINDOW " + startMicros + " " + endMicros);
    }

    @Override
    public void target(String mode, String arg) {
        call("TARGET " + mode + (arg == null ? "" : " " + arg));
    }

    @Override
    public void unstall() {
        call("UNSTALL");
    }

    @Override
    public Stats stats() {
        return Stats.parse(call("STATS"));
    }

    @Override
    public Histogram histogram() {
        Path p = tmpDir.resolve("worker-" + index + "-" + proc.pid() + ".hist");
        call("HIST " + p);
        try {
            byte[] b = Base64.getDecoder().decode(Files.readString(p).trim());
            Files.deleteIfExists(p);
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(b), 0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public long targetDistinct() {
        return -1;
    }

    @Override
    public long pid() {
        return proc.pid();
    }

    @Override
    public void close() {
        try {
            if (proc.isAlive()) call("QUIT");
        } catch (RuntimeException ignored) {
            // already gone
        }
        try {
            if (!proc.waitFor(5, TimeUnit.SECONDS)) proc.destroyForcibly(); // our own child, by handle
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
