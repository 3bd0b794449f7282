package pushhub.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.HdrHistogram.Histogram;

/**
 * Worker process: holds a share of the connections and answers line commands from the coordinator on
 * stdin/stdout (logs go to stderr). Commands: CONNECT, WINDOW start end, TARGET mode [arg], STATS, UNSTALL,
 * HIST path (writes the encoded histogram to path), QUIT. Exits on stdin EOF or after --max-seconds.
 */
public final class Worker {
    public static void main(String[] args) throws Exception {
        Util.Args a = new Util.Args(args, 0);
        PrintStream out =
                new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // nothing else may write to the protocol stream
        long maxSec = a.lng("max-seconds", 600);
        Thread killer = new Thread(
                () -> {
                    Util.sleepMs(maxSec * 1000);
                    System.err.println("worker " + ProcessHandle.current().pid() + ": --max-seconds reached, exiting");
                    Runtime.getRuntime().halt(3);
                },
                "worker-deadline");
        killer.setDaemon(true);
        killer.start();

        ConnGroup g = new ConnGroup(
                URI.create(a.str("ws-url", null)),
                a.integer("count", 0),
                a.flag("stalled"),
                Util.expandIps(a.str("src-ips", "127.0.0.2")),
                a.integer("ip-offset", 0),
                a.integer("threads", 1),
                a.integer("concurrency", 200),
                a.lng("welcome-timeout-ms", 30_000));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] f = line.trim().split(" ");
            switch (f[0]) {
                case "CONNECT":
                    out.println(g.connect().get().line());
                    break;
                case "WINDOW":
                    g.window(Long.parseLong(f[1]), Long.parseLong(f[2]));
                    out.println("OK");
                    break;
                case "TARGET":
                    g.target(f[1], f.length > 2 ? f[2] : null);
                    out.println("OK");
                    break;
                case "UNSTALL":
                    g.unstall();
                    out.println("OK");
                    break;
                case "STATS":
                    out.println(g.stats().line());
                    break;
                case "HIST":
                    Histogram h = g.histogram();
                    ByteBuffer bb = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
                    int n = h.encodeIntoCompressedByteBuffer(bb);
                    Files.writeString(
                            Path.of(f[1]), Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(bb.array(), n)));
                    out.println("OK");
                    break;
                case "QUIT":
                    out.println("BYE");
                    g.close();
                    System.exit(0);
                    break;
                default:
                    out.println("ERR unknown command " + f[0]);
            }
        }
        g.close();
        System.exit(0);
    }
}
