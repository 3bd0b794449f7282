package pushhub.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.CharsetUtil;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * HTTP/1.1 keep-alive pusher: a small pool of Netty channels on ONE event loop (so the dispatch state needs
 * no locks). Each channel carries one request at a time; requests that find no free channel wait in a FIFO,
 * still carrying their intended send time, so a slow server shows up as latency, not as fewer samples.
 *
 * Fixed-rate mode: request i is intended for t0 + i/rate (epoch micros) and that time is stamped into the
 * pushed data as "t". Saturation mode: as many as possible with at most pool-size requests in flight and
 * (optionally) at most maxUndelivered pushes not yet fully delivered; t is then the actual send time.
 */
final class Pusher {
    final URI uri;
    final String hostHeader;
    final String auth;
    final String bodyPrefix; // e.g. {"users":["u1"],  or {
    final String pad;
    final EventLoopGroup group;
    final EventLoop loop;
    final List<Channel> channels = new ArrayList<>();
    final ArrayDeque<Channel> idle = new ArrayDeque<>();
    final ArrayDeque<long[]> pending = new ArrayDeque<>(); // {seq, intendedMicros}

    // results (loop thread only until done completes)
    final Histogram httpLatency = new Histogram(ConnGroup.MAX_LATENCY_US, 3); // response time - intended
    final Histogram sendLag = new Histogram(ConnGroup.MAX_LATENCY_US, 3); // actual send - intended
    long sent, okCount, errors, reachedSum, maxPending;
    /** Requests given up by {@link #awaitDone} (still unanswered, or never sent), also counted in errors. */
    long abandoned;
    /** "reached" of the latest answered push (-1: none yet). */
    long lastReached = -1;

    String firstError;
    int inFlight;

    // schedule
    long t0, endMicros, seqNext;
    double periodMicros;
    boolean saturation, stopped, fillScheduled;
    long maxUndelivered;
    LongSupplier deliveredPushes;
    final CompletableFuture<Pusher> done = new CompletableFuture<>();
    final Bootstrap bootstrap;
    final InetSocketAddress address;
    long reconnects;
    boolean closing;
    /** Only pushes intended at or after this time (epoch micros) are recorded in the histograms. */
    volatile long windowStart;

    static final long DEBUG_SLOW_US = Long.getLong("bench.debugSlowMs", 0) * 1000;
    String name = "pusher";

    Pusher(URI pushUri, String apiKey, String bodyPrefix, int payloadBytes, int pool) throws InterruptedException {
        Util.requireLoopback(pushUri.getHost());
        this.uri = pushUri;
        int port = pushUri.getPort() > 0 ? pushUri.getPort() : 80;
        this.hostHeader = pushUri.getHost() + ":" + port;
        this.auth = apiKey == null ? null : "Bearer " + apiKey;
        this.bodyPrefix = bodyPrefix;
        this.pad = payloadBytes > 0 ? ",\"p\":\"" + "x".repeat(payloadBytes) + "\"" : "";
        this.group = Util.group(1, "pusher");
        this.loop = group.next();
        Bootstrap b = this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(Util.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(
                                        new HttpClientCodec(),
                                        new HttpObjectAggregator(1 << 20),
                                        new ResponseHandler());
                    }
                });
        this.address = new InetSocketAddress(pushUri.getHost(), port);
        for (int i = 0; i < pool; i++) {
            Channel ch = b.connect(address).sync().channel();
            channels.add(ch);
        }
        loop.submit(() -> idle.addAll(channels)).sync();
    }

    /** Starts a fixed-rate schedule: pushes at t0 + i/rate until endMicros. */
    CompletableFuture<Pusher> startFixedRate(long t0Micros, double ratePerSec, long endMicros) {
        this.t0 = t0Micros;
        this.periodMicros = 1_000_000.0 / ratePerSec;
        this.endMicros = endMicros;
        loop.execute(this::tick);
        return done;
    }

    /** Moves the end of a running fixed-rate schedule earlier (no push intended at or after endMicros is sent). */
    void stopAt(long endMicros) {
        loop.execute(() -> this.endMicros = Math.min(this.endMicros, endMicros));
    }

    /** Saturation: keeps the pool busy until endMicros. deliveredPushes may be null (no delivery window). */
    CompletableFuture<Pusher> startSaturation(long endMicros, long maxUndelivered, LongSupplier deliveredPushes) {
        this.saturation = true;
        this.endMicros = endMicros;
        this.maxUndelivered = maxUndelivered;
        this.deliveredPushes = deliveredPushes;
        loop.execute(this::fill);
        return done;
    }

    private void tick() {
        long now = Util.nowMicros();
        long intended = t0 + (long) (seqNext * periodMicros);
        while (intended <= now && intended < endMicros) {
            submit(seqNext++, intended);
            intended = t0 + (long) (seqNext * periodMicros);
        }
        if (intended < endMicros) {
            loop.schedule(this::tick, Math.max(0, intended - Util.nowMicros()), TimeUnit.MICROSECONDS);
        } else {
            stopped = true;
            maybeDone();
        }
    }

    private void fill() {
        if (stopped) return;
        long now = Util.nowMicros();
        if (now >= endMicros) {
            stopped = true;
            maybeDone();
            return;
        }
        while (!idle.isEmpty()) {
            if (deliveredPushes != null && sent - deliveredPushes.getAsLong() >= maxUndelivered) {
                if (!fillScheduled) { // wait for the receivers to catch up
                    fillScheduled = true;
                    loop.schedule(
                            () -> {
                                fillScheduled = false;
                                fill();
                            },
                            200,
                            TimeUnit.MICROSECONDS);
                }
                return;
            }
            submit(seqNext++, Util.nowMicros());
        }
    }

    private void submit(long seq, long intended) {
        Channel ch = idle.pollFirst();
        if (ch == null) {
            pending.addLast(new long[] {seq, intended});
            maxPending = Math.max(maxPending, pending.size());
        } else {
            send(ch, seq, intended);
        }
    }

    private void send(Channel ch, long seq, long intended) {
        long now = Util.nowMicros();
        if (intended >= windowStart)
            sendLag.recordValue(Math.max(0, Math.min(now - intended, ConnGroup.MAX_LATENCY_US)));
        StringBuilder sb = new StringBuilder(64 + pad.length());
        sb.append(bodyPrefix)
                .append("\"data\":{\"seq\":")
                .append(seq)
                .append(",\"t\":")
                .append(intended)
                .append(pad)
                .append("}}");
        ByteBuf body = ch.alloc().buffer(sb.length());
        ByteBufUtil.writeAscii(body, sb);
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri.getRawPath(), body);
        req.headers()
                .set(HttpHeaderNames.HOST, hostHeader)
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (auth != null) req.headers().set(HttpHeaderNames.AUTHORIZATION, auth);
        ch.attr(ResponseHandler.INTENDED).set(intended);
        ch.attr(ResponseHandler.SENT).set(now);
        inFlight++;
        sent++;
        ch.writeAndFlush(req).addListener(f -> {
            if (!f.isSuccess()) fail(ch, "write failed: " + f.cause());
        });
    }

    private void release(Channel ch) {
        inFlight--;
        offerIdle(ch);
        maybeDone();
    }

    private void offerIdle(Channel ch) {
        if (!ch.isActive()) return;
        if (saturation) {
            idle.addLast(ch);
            fill();
        } else {
            long[] p = pending.pollFirst();
            if (p != null) send(ch, p[0], p[1]);
            else idle.addLast(ch);
        }
    }

    /** The server closed a keep-alive connection (e.g. a max-requests-per-connection limit): open a new one. */
    private void replace(Channel dead) {
        channels.remove(dead);
        idle.remove(dead);
        if (closing || reconnects > 100_000) {
            maybeDone();
            return;
        }
        reconnects++;
        bootstrap.connect(address).addListener((io.netty.channel.ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                channels.add(f.channel());
                offerIdle(f.channel());
            } else {
                if (firstError == null) firstError = "reconnect failed: " + f.cause();
                if (!closing) loop.schedule(() -> replace(f.channel()), 100, TimeUnit.MILLISECONDS);
            }
            maybeDone();
        });
    }

    private void fail(Channel ch, String why) {
        errors++;
        if (firstError == null) firstError = why;
        inFlight--;
        ch.attr(ResponseHandler.INTENDED).set(null);
        maybeDone();
    }

    private void maybeDone() {
        if (stopped && inFlight == 0 && (pending.isEmpty() || channels.isEmpty())) {
            if (!pending.isEmpty()) {
                errors += pending.size();
                pending.clear();
            }
            done.complete(this);
        }
    }

    /** Waits for the outstanding responses at most this long, then gives up on them. */
    void awaitDone(long timeoutMs) {
        try {
            done.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            loop.submit(() -> {
                        if (firstError == null)
                            firstError = "responses still outstanding after " + timeoutMs + " ms: " + inFlight;
                        errors += inFlight + pending.size();
                        abandoned += inFlight + pending.size();
                        pending.clear();
                        inFlight = 0;
                    })
                    .syncUninterruptibly();
        }
    }

    void close() {
        loop.submit(() -> {
                    closing = true;
                    for (Channel ch : new ArrayList<>(channels)) ch.close();
                })
                .syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        static final io.netty.util.AttributeKey<Long> INTENDED = io.netty.util.AttributeKey.valueOf("intended");
        static final io.netty.util.AttributeKey<Long> SENT = io.netty.util.AttributeKey.valueOf("sent");

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
            Long intended = ctx.channel().attr(INTENDED).getAndSet(null);
            if (intended == null) return;
            long now = Util.nowMicros();
            long lat = now - intended;
            if (intended >= windowStart) httpLatency.recordValue(Math.max(0, Math.min(lat, ConnGroup.MAX_LATENCY_US)));
            if (DEBUG_SLOW_US > 0 && lat > DEBUG_SLOW_US) {
                Long sent = ctx.channel().attr(SENT).get();
                System.err.printf(
                        "%s slow response: intended %d, sent +%d us, answered +%d us, %s, window %s%n",
                        name,
                        intended,
                        sent == null ? -1 : sent - intended,
                        lat,
                        ctx.channel().localAddress(),
                        intended >= windowStart ? "in" : "warm-up");
            }
            if (res.status().code() == 200) {
                okCount++;
                long r = Scan.longField(res.content(), "reached");
                if (r > 0) reachedSum += r;
                if (r >= 0) lastReached = r;
            } else {
                errors++;
                if (firstError == null)
                    firstError = "HTTP " + res.status() + ": " + res.content().toString(CharsetUtil.UTF_8);
            }
            if (!io.netty.handler.codec.http.HttpUtil.isKeepAlive(res)) {
                // server is closing this keep-alive connection: do not reuse it; channelInactive replaces it
                inFlight--;
                ctx.close();
                maybeDone();
                return;
            }
            release(ctx.channel());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel().attr(INTENDED).get() != null) fail(ctx.channel(), "connection closed by server");
            replace(ctx.channel());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (firstError == null) firstError = cause.toString();
            ctx.close();
        }
    }
}
