package pushhub.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * A set of WebSocket client connections living in this process (the coordinator's own, or a worker's).
 * Every connection belongs to one event loop; per-loop lists and histograms are read and written only on
 * that loop's thread, and totals are gathered by running a task on each loop.
 */
final class ConnGroup implements Group {
    /** Latencies are recorded in microseconds, up to 10 minutes, 3 significant digits. */
    static final long MAX_LATENCY_US = TimeUnit.MINUTES.toMicros(10);

    final URI ws;
    final int count;
    final boolean withStalled;
    final List<String> srcIps;
    final int ipOffset;
    final int concurrency;
    final long welcomeTimeoutMs;
    final EventLoopGroup loopGroup;
    final Map<EventLoop, PerLoop> perLoop = new IdentityHashMap<>();
    final List<PerLoop> loops = new ArrayList<>();
    final LongAdder targetDistinct = new LongAdder();

    volatile long windowStart = Long.MAX_VALUE;
    volatile long windowEnd = Long.MAX_VALUE;

    // connect phase
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger ok = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final CompletableFuture<Group.Ready> ready = new CompletableFuture<>();
    volatile String firstConnId, firstUserId, firstError, stalledConnId;
    long connectStartNanos;

    static final class PerLoop {
        final EventLoop loop;
        final List<Conn> conns = new ArrayList<>();
        final Histogram hist = new Histogram(MAX_LATENCY_US, 3);

        PerLoop(EventLoop loop) {
            this.loop = loop;
        }
    }

    ConnGroup(
            URI ws,
            int count,
            boolean withStalled,
            List<String> srcIps,
            int ipOffset,
            int threads,
            int concurrency,
            long welcomeTimeoutMs) {
        Util.requireLoopback(ws.getHost());
        this.ws = ws;
        this.count = count;
        this.withStalled = withStalled;
        this.srcIps = srcIps;
        this.ipOffset = ipOffset;
        this.concurrency = concurrency;
        this.welcomeTimeoutMs = welcomeTimeoutMs;
        this.loopGroup = Util.group(threads, "ws-client");
        for (EventExecutor e : loopGroup) {
            PerLoop pl = new PerLoop((EventLoop) e);
            perLoop.put(pl.loop, pl);
            loops.add(pl);
        }
    }

    private Bootstrap bootstrap(boolean stalled) {
        int port = ws.getPort() > 0 ? ws.getPort() : 80;
        String path = ws.getRawPath() + (ws.getRawQuery() == null ? "" : "?" + ws.getRawQuery());
        Bootstrap b = new Bootstrap()
                .group(loopGroup)
                .channel(Util.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 15_000)
                .remoteAddress(ws.getHost(), port);
        if (stalled) b.option(ChannelOption.SO_RCVBUF, 4096);
        return b;
    }

    /** The client pipeline every load connection uses: HTTP upgrade to a WebSocket at {@code ws}, then {@code last}. */
    static void webSocketPipeline(SocketChannel ch, URI ws, long handshakeTimeoutMs, ChannelHandler last) {
        WebSocketClientProtocolConfig cfg = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(ws)
                .version(WebSocketVersion.V13)
                .customHeaders(new DefaultHttpHeaders())
                .maxFramePayloadLength(64 << 20)
                .handshakeTimeoutMillis(handshakeTimeoutMs)
                .absoluteUpgradeUrl(false)
                .dropPongFrames(true)
                .build();
        ch.pipeline()
                .addLast(
                        new HttpClientCodec(),
                        new HttpObjectAggregator(1 << 16),
                        new WebSocketClientProtocolHandler(cfg),
                        new WebSocketFrameAggregator(64 << 20),
                        last);
    }

    private ChannelInitializer<SocketChannel> init(Conn conn) {
        return new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                webSocketPipeline(ch, ws, welcomeTimeoutMs, conn);
            }
        };
    }

    private Bootstrap connectBootstrap;

    @Override
    public CompletableFuture<Group.Ready> connect() {
        connectStartNanos = System.nanoTime();
        connectBootstrap = bootstrap(false);
        int first = Math.min(concurrency, count);
        for (int i = 0; i < first; i++) startOne();
        if (count == 0) finishIfDone();
        return ready;
    }

    private void startOne() {
        int i = next.getAndIncrement();
        if (i >= count) return;
        Bootstrap b = connectBootstrap;
        String src = srcIps.get((i + ipOffset) % srcIps.size());
        Conn c = new Conn(false);
        ChannelFuture f = b.clone().handler(init(c)).connect(b.config().remoteAddress(), new InetSocketAddress(src, 0));
        Channel ch = f.channel();
        // all of a connection's connect-phase bookkeeping runs on its own event loop
        f.addListener(cf -> {
            if (!cf.isSuccess()) c.finish(false, cf.cause().toString());
        });
        ch.eventLoop()
                .schedule(
                        () -> {
                            if (!c.done) {
                                c.finish(false, "no welcome within " + welcomeTimeoutMs + " ms");
                                ch.close();
                            }
                        },
                        welcomeTimeoutMs,
                        TimeUnit.MILLISECONDS);
    }

    private void onResult(boolean success, String err) {
        if (success) ok.incrementAndGet();
        else {
            failed.incrementAndGet();
            if (firstError == null) firstError = err;
        }
        startOne();
        finishIfDone();
    }

    private void finishIfDone() {
        if (ok.get() + failed.get() < count || ready.isDone()) return;
        long ms = (System.nanoTime() - connectStartNanos) / 1_000_000;
        if (withStalled) {
            // one extra connection that stops reading after its welcome; ready once it is welcomed (or 10 s)
            Bootstrap sb = bootstrap(true);
            sb.handler(init(new Conn(true)))
                    .connect(sb.config().remoteAddress(), new InetSocketAddress(srcIps.get(0), 0));
            loopGroup.schedule(this::completeReadyWithStall, 10, TimeUnit.SECONDS);
        } else {
            ready.complete(new Ready(ok.get(), failed.get(), ms, firstConnId, firstUserId, null, firstError));
        }
    }

    private void completeReadyWithStall() {
        ready.complete(new Ready(
                ok.get(),
                failed.get(),
                (System.nanoTime() - connectStartNanos) / 1_000_000,
                firstConnId,
                firstUserId,
                stalledConnId,
                firstError));
    }

    /** One WebSocket client connection. */
    final class Conn extends ChannelInboundHandlerAdapter implements Scan.PairSink {
        final boolean stalled;
        boolean done; // welcome received or failed (connect phase); touched only on the channel's loop
        boolean welcomed, active, target;
        String connId, userId;
        PerLoop pl;
        BitSet seen;
        long frames, msgs, distinct, dups, nonTarget, measured, gapMissed;
        long nowUs;

        Conn(boolean stalled) {
            this.stalled = stalled;
        }

        Channel ch;

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            active = true;
            ch = ctx.channel();
            pl = perLoop.get(ctx.channel().eventLoop());
            pl.conns.add(this);
            super.channelActive(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            active = false;
            if (!stalled) finish(false, "closed before welcome");
            super.channelInactive(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!(msg instanceof TextWebSocketFrame)) return;
                ByteBuf content = ((TextWebSocketFrame) msg).content();
                if (!welcomed) {
                    String s = content.toString(java.nio.charset.StandardCharsets.UTF_8);
                    if (!s.contains("\"welcome\"")) return;
                    welcomed = true;
                    connId = Scan.stringField(s, "connectionId");
                    userId = Scan.stringField(s, "userId");
                    if (stalled) {
                        ctx.channel().config().setAutoRead(false);
                        stalledConnId = connId;
                        completeReadyWithStall();
                        return;
                    }
                    if (firstConnId == null) {
                        firstConnId = connId;
                        firstUserId = userId;
                    }
                    finish(true, null);
                    return;
                }
                if (stalled) return; // only read again by unstall() at the very end: not counted
                frames++;
                nowUs = Util.nowMicros();
                if (Scan.pairs(content, this) == 0) {
                    // {"type":"gap","missed":N}: the hub's drop-oldest policy says how many messages it dropped
                    long missed = Scan.longField(content, "missed");
                    if (missed > 0) gapMissed += missed;
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        /** Connect-phase outcome, counted once per connection. */
        void finish(boolean success, String err) {
            if (done || stalled) return;
            done = true;
            onResult(success, err);
        }

        @Override
        public void pair(long seq, long t) {
            msgs++;
            if (!target) {
                nonTarget++;
                return;
            }
            if (seq > Integer.MAX_VALUE - 1) return;
            if (seen == null) seen = new BitSet(4096);
            int s = (int) seq;
            if (seen.get(s)) {
                dups++;
                return;
            }
            seen.set(s);
            distinct++;
            targetDistinct.increment();
            if (t >= windowStart && t < windowEnd) {
                measured++;
                long lat = nowUs - t;
                pl.hist.recordValue(lat < 0 ? 0 : Math.min(lat, MAX_LATENCY_US));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (firstError == null) firstError = cause.toString();
            ctx.close();
        }
    }

    // ------------------------------------------------------------------ control

    @Override
    public void window(long startMicros, long endMicros) {
        windowStart = startMicros;
        windowEnd = endMicros;
    }

    @Override
    public void target(String mode, String arg) {
        forEachLoop(pl -> {
            for (Conn c : pl.conns) {
                boolean t;
                if (c.stalled || !c.active || !c.welcomed) t = false;
                else if ("all".equals(mode)) t = true;
                else if ("user".equals(mode)) t = arg.equals(c.userId);
                else if ("conn".equals(mode)) t = arg.equals(c.connId);
                else t = false;
                c.target = t;
            }
        });
    }

    @Override
    public void unstall() {
        forEachLoop(pl -> {
            for (Conn c : pl.conns) if (c.stalled && c.ch != null) c.ch.config().setAutoRead(true);
        });
    }

    @Override
    public Stats stats() {
        Stats s = new Stats();
        forEachLoop(pl -> {
            synchronized (s) {
                for (Conn c : pl.conns) {
                    if (c.stalled) {
                        if (c.active && c.welcomed) s.stalled++;
                        continue;
                    }
                    if (c.active && c.welcomed) s.open++;
                    if (c.target) s.targets++;
                    s.frames += c.frames;
                    s.msgs += c.msgs;
                    s.distinct += c.distinct;
                    s.dups += c.dups;
                    s.nonTarget += c.nonTarget;
                    s.measured += c.measured;
                    s.gapMissed += c.gapMissed;
                }
            }
        });
        return s;
    }

    @Override
    public Histogram histogram() {
        Histogram h = new Histogram(MAX_LATENCY_US, 3);
        forEachLoop(pl -> {
            synchronized (h) {
                h.add(pl.hist);
            }
        });
        return h;
    }

    @Override
    public long targetDistinct() {
        return targetDistinct.sum();
    }

    @Override
    public long pid() {
        return ProcessHandle.current().pid();
    }

    @Override
    public void close() {
        try {
            loopGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    interface LoopTask {
        void run(PerLoop pl);
    }

    private void forEachLoop(LoopTask task) {
        List<io.netty.util.concurrent.Future<?>> fs = new ArrayList<>();
        for (PerLoop pl : loops) fs.add(pl.loop.submit(() -> task.run(pl)));
        for (io.netty.util.concurrent.Future<?> f : fs) f.syncUninterruptibly();
    }
}
