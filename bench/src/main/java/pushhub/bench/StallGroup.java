package pushhub.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One wave of the {@code waves} scenario: S WebSocket clients, all bound to one source address (so {@code ss} can
 * tell the wave's sockets apart), that complete the handshake, subscribe to one topic, get the {@code ack} and then
 * stop reading (autoRead off, small receive buffer). All on one event loop thread, so no locks.
 */
final class StallGroup {
    final URI ws;
    final String srcIp, topic;
    final int count, concurrency;
    final long timeoutMs;
    final EventLoopGroup loopGroup;
    final List<Client> clients = new ArrayList<>();
    final CompletableFuture<StallGroup> ready = new CompletableFuture<>();
    int started, subscribed, failed, settled;
    String firstError;
    boolean closing;
    Bootstrap bootstrap;

    StallGroup(URI ws, String srcIp, String topic, int count, int concurrency, long timeoutMs) {
        Util.requireLoopback(ws.getHost());
        Util.expandIps(srcIp); // loopback check
        this.ws = ws;
        this.srcIp = srcIp;
        this.topic = topic;
        this.count = count;
        this.concurrency = Math.max(1, concurrency);
        this.timeoutMs = timeoutMs;
        this.loopGroup = Util.group(1, "stalled");
    }

    /** Connects, subscribes and stalls every client; completes when each one is stalled or has failed. */
    CompletableFuture<StallGroup> connect() {
        int port = ws.getPort() > 0 ? ws.getPort() : 80;
        bootstrap = new Bootstrap()
                .group(loopGroup)
                .channel(Util.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_RCVBUF, 4096)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 15_000)
                .remoteAddress(ws.getHost(), port);
        loopGroup.execute(() -> {
            if (count == 0) ready.complete(this);
            for (int i = 0; i < Math.min(concurrency, count); i++) startOne();
        });
        loopGroup.schedule(
                () -> {
                    for (Client c : clients) if (!c.done) c.result(false, "not stalled within " + timeoutMs + " ms");
                    ready.complete(this);
                },
                timeoutMs,
                TimeUnit.MILLISECONDS);
        return ready;
    }

    private void startOne() {
        if (started >= count || closing) return;
        started++;
        Client c = new Client();
        clients.add(c);
        ChannelFuture f = bootstrap
                .clone()
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ConnGroup.webSocketPipeline(ch, ws, timeoutMs, c);
                    }
                })
                .connect(bootstrap.config().remoteAddress(), new InetSocketAddress(srcIp, 0));
        c.ch = f.channel();
        f.addListener(cf -> {
            if (!cf.isSuccess()) c.result(false, String.valueOf(cf.cause()));
        });
    }

    /** One client: welcome, then subscribe, then ack, then it never reads again. */
    final class Client extends ChannelInboundHandlerAdapter {
        Channel ch;
        boolean welcomed, done, stalled, inactive, closedByUs;

        void result(boolean ok, String err) {
            if (done) return;
            done = true;
            if (ok) subscribed++;
            else {
                failed++;
                if (firstError == null) firstError = err;
                if (ch != null) ch.close();
            }
            if (subscribed + failed >= count) ready.complete(StallGroup.this);
            else startOne();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (stalled || !(msg instanceof TextWebSocketFrame)) return; // frames already read before stalling
                String s = ((TextWebSocketFrame) msg).content().toString(StandardCharsets.UTF_8);
                if (!welcomed) {
                    if (!s.contains("\"welcome\"")) return;
                    welcomed = true;
                    ctx.writeAndFlush(new TextWebSocketFrame(
                            "{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"id\":\"s1\"}"));
                    return;
                }
                if (s.length() < 4096 && s.contains("\"type\":\"ack\"")) { // the only command sent is the subscribe
                    stalled = true;
                    ctx.channel().config().setAutoRead(false);
                    result(true, null);
                } else if (s.contains("\"error\"") && s.contains("\"s1\"") && s.length() < 2048) {
                    result(false, "subscribe refused: " + s);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            inactive = true;
            result(false, "closed before the subscribe ack");
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (firstError == null) firstError = cause.toString();
            ctx.close();
        }
    }

    /** Clients whose connection the client side saw closed (RST or processed close) before we closed it. */
    int closedByServerSeen() throws Exception {
        return loopGroup
                .submit(() -> {
                    int n = 0;
                    for (Client c : clients) if (c.stalled && c.inactive && !c.closedByUs) n++;
                    return n;
                })
                .get();
    }

    /**
     * Ends the wave from the client side. rst: SO_LINGER 0 + close (an abortive close, like a client that vanished
     * with data unread); close: plain close (Linux sends RST too when unread data is queued); fin: only shut the
     * output down (FIN; the socket stays open and unread until {@link #close()}); keep: nothing (the server has to
     * close the socket by itself).
     */
    void end(String mode) throws Exception {
        loopGroup
                .submit(() -> {
                    closing = true;
                    for (Client c : clients) {
                        if (c.ch == null || !c.ch.isOpen()) continue;
                        c.closedByUs = true;
                        switch (mode) {
                            case "rst":
                                c.ch.config().setOption(ChannelOption.SO_LINGER, 0);
                                c.ch.close();
                                break;
                            case "close":
                                c.ch.close();
                                break;
                            case "fin":
                                if (c.ch instanceof DuplexChannel) ((DuplexChannel) c.ch).shutdownOutput();
                                else c.ch.close();
                                break;
                            default: // keep
                                c.closedByUs = false;
                        }
                    }
                })
                .get();
    }

    /** Closes every socket (abortively) and stops the event loop. */
    void close() {
        try {
            loopGroup
                    .submit(() -> {
                        closing = true;
                        for (Client c : clients) {
                            if (c.ch != null && c.ch.isOpen()) {
                                c.closedByUs = true;
                                c.ch.config().setOption(ChannelOption.SO_LINGER, 0);
                                c.ch.close();
                            }
                        }
                    })
                    .get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // shutting down anyway
        }
        try {
            loopGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
