package pushhub.bench;

import java.util.concurrent.CompletableFuture;
import org.HdrHistogram.Histogram;

/** A set of client connections, in this process ({@link ConnGroup}) or in a worker process ({@link RemoteGroup}). */
interface Group {
    CompletableFuture<Ready> connect();

    /** Latency is recorded only for messages whose intended send time t is in [start, end). */
    void window(long startMicros, long endMicros);

    /** mode: all | user (arg = userId) | conn (arg = connectionId) | none. */
    void target(String mode, String arg);

    Stats stats();

    /** Makes the stalled connection read again (end of the stalled scenario: to see whether the server closed it). */
    void unstall();

    Histogram histogram();

    /** Live count of distinct target deliveries (for flow control); -1 if not available cheaply. */
    long targetDistinct();

    long pid();

    void close();

    final class Ready {
        final int ok, failed;
        final long millis;
        final String connId, userId, stalledConnId, error;

        Ready(int ok, int failed, long millis, String connId, String userId, String stalledConnId, String error) {
            this.ok = ok;
            this.failed = failed;
            this.millis = millis;
            this.connId = connId;
            this.userId = userId;
            this.stalledConnId = stalledConnId;
            this.error = error;
        }

        String line() {
            return "READY " + ok + " " + failed + " " + millis + " " + connId + " " + userId + " " + stalledConnId + " "
                    + (error == null ? "-" : error.replace(' ', '_'));
        }

        static Ready parse(String line) {
            String[] f = line.split(" ", 8);
            if (!f[0].equals("READY")) throw new IllegalStateException("worker said: " + line);
            return new Ready(
                    Integer.parseInt(f[1]),
                    Integer.parseInt(f[2]),
                    Long.parseLong(f[3]),
                    nul(f[4]),
                    nul(f[5]),
                    nul(f[6]),
                    f[7].equals("-") ? null : f[7].replace('_', ' '));
        }

        private static String nul(String s) {
            return "null".equals(s) ? null : s;
        }
    }

    final class Stats {
        long open, stalled, targets, frames, msgs, distinct, dups, nonTarget, measured, gapMissed;

        void add(Stats o) {
            open += o.open;
            stalled += o.stalled;
            targets += o.targets;
            frames += o.frames;
            msgs += o.msgs;
            distinct += o.distinct;
            dups += o.dups;
            nonTarget += o.nonTarget;
            measured += o.measured;
            gapMissed += o.gapMissed;
        }

        String line() {
            return "STATS " + open + " " + stalled + " " + targets + " " + frames + " " + msgs + " " + distinct + " "
                    + dups + " " + nonTarget + " " + measured + " " + gapMissed;
        }

        static Stats parse(String line) {
            String[] f = line.split(" ");
            if (!f[0].equals("STATS")) throw new IllegalStateException("worker said: " + line);
            Stats s = new Stats();
            s.open = Long.parseLong(f[1]);
            s.stalled = Long.parseLong(f[2]);
            s.targets = Long.parseLong(f[3]);
            s.frames = Long.parseLong(f[4]);
            s.msgs = Long.parseLong(f[5]);
            s.distinct = Long.parseLong(f[6]);
            s.dups = Long.parseLong(f[7]);
            s.nonTarget = Long.parseLong(f[8]);
            s.measured = Long.parseLong(f[9]);
            s.gapMissed = Long.parseLong(f[10]);
            return s;
        }
    }
}
