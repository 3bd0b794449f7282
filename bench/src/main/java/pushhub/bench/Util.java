package pushhub.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small shared helpers: clock, transports, /proc readers, argument parsing. */
final class Util {
    private Util() {}

    /** Wall clock in epoch microseconds (CLOCK_REALTIME, shared by all processes on the machine). */
    static long nowMicros() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    static final boolean EPOLL = !Boolean.getBoolean("bench.nio") && Epoll.isAvailable();

    static EventLoopGroup group(int threads, String name) {
        DefaultThreadFactory tf = new DefaultThreadFactory(name, true);
        return EPOLL ? new EpollEventLoopGroup(threads, tf) : new NioEventLoopGroup(threads, tf);
    }

    static Class<? extends SocketChannel> clientChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    static Class<? extends ServerChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    static final long CLK_TCK = 100; // Linux USER_HZ; `getconf CLK_TCK` is 100 on x86-64

    /** utime+stime of a process in clock ticks, or -1 if unreadable. */
    static long cpuTicks(long pid) {
        if (pid <= 0) return -1;
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ", f[0] is field 3 (state); utime is field 14, stime field 15
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Sum of cpuTicks over several pids (ignores unreadable ones). */
    static long cpuTicks(List<Long> pids) {
        long sum = 0;
        for (long p : pids) {
            long t = cpuTicks(p);
            if (t > 0) sum += t;
        }
        return sum;
    }

    /** Busy jiffies of the whole machine (all CPUs) from /proc/stat, or -1. */
    static long machineBusyTicks() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu ")) {
                    String[] f = line.trim().split("\\s+");
                    // user nice system idle iowait irq softirq steal
                    return Long.parseLong(f[1])
                            + Long.parseLong(f[2])
                            + Long.parseLong(f[3])
                            + Long.parseLong(f[6])
                            + Long.parseLong(f[7])
                            + (f.length > 8 ? Long.parseLong(f[8]) : 0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }

    /** VmRSS of a process in KiB, or -1. */
    static long rssKb(long pid) {
        return statusField(pid, "VmRSS:");
    }

    static long statusField(long pid, String name) {
        if (pid <= 0) return -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }

    static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }

    /** Expands "127.0.0.2-127.0.0.9" or "127.0.0.2,127.0.0.3" into a list; only 127.0.0.0/8 is accepted. */
    static List<String> expandIps(String spec) {
        List<String> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            part = part.trim();
            if (part.isEmpty()) continue;
            int dash = part.indexOf('-');
            if (dash < 0) {
                out.add(part);
            } else {
                String a = part.substring(0, dash), b = part.substring(dash + 1);
                String prefix = a.substring(0, a.lastIndexOf('.') + 1);
                int from = Integer.parseInt(a.substring(a.lastIndexOf('.') + 1));
                int to = Integer.parseInt(b.substring(b.lastIndexOf('.') + 1));
                for (int i = from; i <= to; i++) out.add(prefix + i);
            }
        }
        for (String ip : out) {
            if (!ip.startsWith("127."))
                throw new IllegalArgumentException("only loopback (127.0.0.0/8) source addresses allowed: " + ip);
        }
        return out;
    }

    static void requireLoopback(String host) {
        if (!(host.startsWith("127.") || host.equals("localhost"))) {
            throw new IllegalArgumentException("benchmark traffic is only allowed to 127.0.0.0/8, not " + host);
        }
    }

    /** --key value / --flag argument parser. */
    static final class Args {
        final Map<String, String> map = new LinkedHashMap<>();
        final List<String> positional = new ArrayList<>();

        Args(String[] a, int from) {
            for (int i = from; i < a.length; i++) {
                String s = a[i];
                if (s.startsWith("--")) {
                    String k = s.substring(2);
                    int eq = k.indexOf('=');
                    if (eq >= 0) {
                        map.put(k.substring(0, eq), k.substring(eq + 1));
                    } else if (i + 1 < a.length && !a[i + 1].startsWith("--")) {
                        map.put(k, a[++i]);
                    } else {
                        map.put(k, "true");
                    }
                } else {
                    positional.add(s);
                }
            }
        }

        String str(String k, String def) {
            return map.getOrDefault(k, def);
        }

        int integer(String k, int def) {
            return map.containsKey(k) ? Integer.parseInt(map.get(k)) : def;
        }

        long lng(String k, long def) {
            return map.containsKey(k) ? Long.parseLong(map.get(k)) : def;
        }

        double dbl(String k, double def) {
            return map.containsKey(k) ? Double.parseDouble(map.get(k)) : def;
        }

        boolean flag(String k) {
            return Boolean.parseBoolean(map.getOrDefault(k, "false"));
        }

        boolean has(String k) {
            return map.containsKey(k);
        }
    }
}
