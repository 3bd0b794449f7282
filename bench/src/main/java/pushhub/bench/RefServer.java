package pushhub.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.AttributeKey;
import io.netty.util.CharsetUtil;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bare Netty broadcast reference server: the "near-physical-limit" baseline for pushhub.
 * Speaks the subset of the hub protocol the benchmark uses: /ws (welcome, subscribe/unsubscribe/ping)
 * and POST /api/push (everyone, topic, topics, users, connections).
 *
 * Lean by design: one event loop group; every connection is owned by its event loop, and all of a loop's
 * connection indexes (all / by topic / by user / by id) are touched only by that loop's thread, so no locks.
 * A push is serialized once into one ByteBuf; one task per event loop writes a retained duplicate of that
 * single TextWebSocketFrame to each target channel of the loop.
 *
 * Slow consumers: by default a channel whose outbound buffer is above the high water mark is skipped
 * (the message is dropped for that channel and not counted in "reached"); --slow queue disables that.
 */
public final class RefServer {
    static final AttributeKey<Sess> SESS = AttributeKey.valueOf("sess");

    final int port;
    final String host;
    final String apiKey;
    final boolean dropSlow;
    /** --coalesce: messages queued for a connection while its loop is busy go out as one batch frame. */
    final boolean coalesce;

    final int batchMax;
    static final ByteBuf BATCH_OPEN = Unpooled.unreleasableBuffer(Unpooled.directBuffer()
                    .writeBytes("{\"type\":\"batch\",\"messages\":[".getBytes(CharsetUtil.US_ASCII)))
            .asReadOnly();
    static final ByteBuf COMMA =
            Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeByte(',')).asReadOnly();
    static final ByteBuf BATCH_CLOSE = Unpooled.unreleasableBuffer(
                    Unpooled.directBuffer().writeBytes("]}".getBytes(CharsetUtil.US_ASCII)))
            .asReadOnly();
    final int highWater;
    final EventLoopGroup group;
    final Map<EventLoop, LoopState> loops = new IdentityHashMap<>();
    final List<LoopState> loopList = new ArrayList<>();
    final AtomicLong msgCounter = new AtomicLong();
    final String idPrefix = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
    final AtomicLong connCounter = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final int maxKeepAliveRequests;

    RefServer(Util.Args a) {
        port = a.integer("port", 9180);
        host = a.str("host", "127.0.0.1");
        Util.requireLoopback(host);
        apiKey = a.str("api-key", null);
        dropSlow = !"queue".equals(a.str("slow", "drop"));
        coalesce = a.flag("coalesce");
        batchMax = a.integer("batch-max", 64);
        highWater = a.integer("high-water", 1 << 20);
        maxKeepAliveRequests = a.integer("max-keepalive-requests", 0); // 0 = unlimited (testing aid)
        int threads = a.integer("threads", Runtime.getRuntime().availableProcessors());
        group = Util.group(threads, "ref");
        for (EventExecutor e : group) {
            LoopState ls = new LoopState((EventLoop) e);
            loops.put((EventLoop) e, ls);
            loopList.add(ls);
        }
    }

    public static void main(String[] args) throws Exception {
        Util.Args a = new Util.Args(args, 0);
        RefServer s = new RefServer(a);
        s.start();
        long maxSec = a.lng("max-seconds", 3600);
        System.out.println("READY pid=" + ProcessHandle.current().pid() + " port=" + s.port + " transport="
                + (Util.EPOLL ? "epoll" : "nio"));
        System.out.flush();
        // bounded lifetime: stops by itself after --max-seconds
        Thread.sleep(TimeUnit.SECONDS.toMillis(maxSec));
        System.err.println("ref server: --max-seconds reached, exiting");
        s.group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        System.exit(0);
    }

    void start() throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(Util.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(highWater / 2, highWater))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        p.addLast(new HttpServerCodec());
                        p.addLast(new HttpObjectAggregator(1 << 20));
                        p.addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                .websocketPath("/ws")
                                .checkStartsWith(true)
                                .maxFramePayloadLength(1 << 16)
                                .handshakeTimeoutMillis(30_000)
                                .build()));
                        p.addLast("api", new ApiHandler());
                        p.addLast(new WsHandler());
                    }
                });
        b.bind(host, port).sync();
    }

    // ------------------------------------------------------------------ per-connection and per-loop state

    static final class Sess {
        final Channel ch;
        final String id;
        final String user;
        int idx = -1;
        Set<String> topics;
        ArrayList<ByteBuf> pending; // --coalesce only: message bodies waiting for this loop's flush task
        boolean dirty;

        Sess(Channel ch, String id, String user) {
            this.ch = ch;
            this.id = id;
            this.user = user;
        }
    }

    /** Everything here is touched only from {@link #loop}'s thread. */
    final class LoopState {
        final EventLoop loop;
        final ArrayList<Sess> all = new ArrayList<>();
        final HashMap<String, LinkedHashSet<Sess>> byTopic = new HashMap<>();
        final HashMap<String, ArrayList<Sess>> byUser = new HashMap<>();
        final HashMap<String, Sess> byId = new HashMap<>();
        final ArrayList<Sess> dirty = new ArrayList<>();
        boolean flushScheduled;

        LoopState(EventLoop loop) {
            this.loop = loop;
        }

        void add(Sess s) {
            s.idx = all.size();
            all.add(s);
            byUser.computeIfAbsent(s.user, k -> new ArrayList<>(1)).add(s);
            byId.put(s.id, s);
        }

        void remove(Sess s) {
            if (s.idx < 0) return;
            Sess last = all.remove(all.size() - 1);
            if (last != s) {
                all.set(s.idx, last);
                last.idx = s.idx;
            }
            s.idx = -1;
            ArrayList<Sess> u = byUser.get(s.user);
            if (u != null) {
                u.remove(s);
                if (u.isEmpty()) byUser.remove(s.user);
            }
            byId.remove(s.id);
            if (s.topics != null) for (String t : s.topics) unsubscribe(s, t);
        }

        void subscribe(Sess s, String topic) {
            if (s.topics == null) s.topics = new HashSet<>();
            if (s.topics.add(topic))
                byTopic.computeIfAbsent(topic, k -> new LinkedHashSet<>()).add(s);
        }

        void unsubscribe(Sess s, String topic) {
            LinkedHashSet<Sess> set = byTopic.get(topic);
            if (set != null) {
                set.remove(s);
                if (set.isEmpty()) byTopic.remove(topic);
            }
        }

        /** Writes the shared frame to this loop's targets; returns how many channels it was written to. */
        int deliver(TextWebSocketFrame frame, Target t) {
            int n = 0;
            switch (t.kind) {
                case ALL:
                    for (int i = 0, size = all.size(); i < size; i++) n += send(all.get(i), frame);
                    break;
                case TOPICS:
                    if (t.values.size() == 1) {
                        LinkedHashSet<Sess> set = byTopic.get(t.values.get(0));
                        if (set != null) for (Sess s : set) n += send(s, frame);
                    } else {
                        Set<Sess> seen = new HashSet<>();
                        for (String topic : t.values) {
                            LinkedHashSet<Sess> set = byTopic.get(topic);
                            if (set != null) for (Sess s : set) if (seen.add(s)) n += send(s, frame);
                        }
                    }
                    break;
                case USERS:
                    for (String u : t.values) {
                        ArrayList<Sess> list = byUser.get(u);
                        if (list != null) for (Sess s : list) n += send(s, frame);
                    }
                    break;
                case CONNECTIONS:
                    for (String id : t.values) {
                        Sess s = byId.get(id);
                        if (s != null) n += send(s, frame);
                    }
                    break;
            }
            return n;
        }

        private int send(Sess s, TextWebSocketFrame frame) {
            Channel ch = s.ch;
            if (dropSlow && !ch.isWritable()) {
                dropped.incrementAndGet();
                return 0;
            }
            if (!coalesce) {
                ch.writeAndFlush(frame.retainedDuplicate(), ch.voidPromise());
                return 1;
            }
            if (s.pending == null) s.pending = new ArrayList<>(4);
            s.pending.add(frame.content().retainedDuplicate());
            if (!s.dirty) {
                s.dirty = true;
                dirty.add(s);
            }
            if (!flushScheduled) {
                // runs after the tasks already queued on this loop (e.g. further pushes): those coalesce
                flushScheduled = true;
                loop.execute(this::flushDirty);
            }
            return 1;
        }

        /** --coalesce: one frame per connection; a batch frame when several messages are waiting. */
        void flushDirty() {
            flushScheduled = false;
            for (int i = 0, n = dirty.size(); i < n; i++) {
                Sess s = dirty.get(i);
                s.dirty = false;
                ArrayList<ByteBuf> p = s.pending;
                if (!s.ch.isActive()) {
                    for (ByteBuf b : p) b.release();
                } else {
                    for (int from = 0; from < p.size(); from += batchMax) {
                        int to = Math.min(p.size(), from + batchMax);
                        ByteBuf payload;
                        if (to - from == 1) {
                            payload = p.get(from);
                        } else {
                            io.netty.buffer.CompositeByteBuf c =
                                    s.ch.alloc().compositeDirectBuffer(2 * (to - from) + 1);
                            c.addComponent(true, BATCH_OPEN.duplicate());
                            for (int k = from; k < to; k++) {
                                if (k > from) c.addComponent(true, COMMA.duplicate());
                                c.addComponent(true, p.get(k));
                            }
                            c.addComponent(true, BATCH_CLOSE.duplicate());
                            payload = c;
                        }
                        s.ch.write(new TextWebSocketFrame(payload), s.ch.voidPromise());
                    }
                    s.ch.flush();
                }
                p.clear();
            }
            dirty.clear();
        }
    }

    enum Kind {
        ALL,
        TOPICS,
        USERS,
        CONNECTIONS
    }

    static final class Target {
        final Kind kind;
        final List<String> values;
        final String scope;

        Target(Kind kind, List<String> values, String scope) {
            this.kind = kind;
            this.values = values;
            this.scope = scope;
        }
    }

    // ------------------------------------------------------------------ WebSocket side

    final class WsHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                ctx.pipeline().remove("api");
                long n = connCounter.incrementAndGet();
                String cid = "c-" + idPrefix + Long.toHexString(n);
                String uid = "anon-" + idPrefix + Long.toHexString(n);
                Sess s = new Sess(ctx.channel(), cid, uid);
                ctx.channel().attr(SESS).set(s);
                loops.get(ctx.channel().eventLoop()).add(s);
                ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"welcome\",\"connectionId\":\"" + cid
                        + "\",\"userId\":\"" + uid + "\",\"anonymous\":true}"));
            } else {
                super.userEventTriggered(ctx, evt);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            Sess s = ctx.channel().attr(SESS).get();
            if (s != null) loops.get(ctx.channel().eventLoop()).remove(s);
            super.channelInactive(ctx);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (!(frame instanceof TextWebSocketFrame)) return;
            Sess s = ctx.channel().attr(SESS).get();
            if (s == null) return;
            String text = ((TextWebSocketFrame) frame).text();
            Map<String, String> m;
            try {
                m = MiniJson.object(text);
            } catch (RuntimeException e) {
                ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"error\",\"error\":\"bad json\"}"));
                return;
            }
            String type = MiniJson.str(m.get("type"));
            String id = m.get("id"); // raw, echoed back as given
            String idPart = id == null ? "" : ",\"id\":" + id;
            LoopState ls = loops.get(ctx.channel().eventLoop());
            if ("subscribe".equals(type) || "unsubscribe".equals(type)) {
                String topic = MiniJson.str(m.get("topic"));
                if (topic == null) {
                    ctx.writeAndFlush(
                            new TextWebSocketFrame("{\"type\":\"error\"" + idPart + ",\"error\":\"topic required\"}"));
                    return;
                }
                if ("subscribe".equals(type)) ls.subscribe(s, topic);
                else if (s.topics != null && s.topics.remove(topic)) ls.unsubscribe(s, topic);
                ctx.writeAndFlush(new TextWebSocketFrame(
                        "{\"type\":\"ack\"" + idPart + ",\"for\":\"" + type + "\",\"topic\":" + m.get("topic") + "}"));
            } else if ("ping".equals(type)) {
                ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"pong\"" + idPart + "}"));
            } else {
                ctx.writeAndFlush(
                        new TextWebSocketFrame("{\"type\":\"error\"" + idPart + ",\"error\":\"unknown type\"}"));
            }
        }
    }

    // ------------------------------------------------------------------ REST side

    final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        int requests;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String uri = req.uri();
            boolean keepAlive =
                    HttpUtil.isKeepAlive(req) && (maxKeepAliveRequests <= 0 || ++requests < maxKeepAliveRequests);
            if (uri.startsWith("/health")) {
                respond(ctx, keepAlive, HttpResponseStatus.OK, "{\"status\":\"UP\",\"dropped\":" + dropped.get() + "}");
                return;
            }
            if (!uri.startsWith("/api/push")) {
                respond(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "{\"error\":\"not found\"}");
                return;
            }
            if (req.method() != HttpMethod.POST) {
                respond(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, "{\"error\":\"POST only\"}");
                return;
            }
            if (apiKey != null) {
                String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
                if (auth == null || !auth.equals("Bearer " + apiKey)) {
                    respond(ctx, keepAlive, HttpResponseStatus.UNAUTHORIZED, "{\"error\":\"unauthorized\"}");
                    return;
                }
            }
            Map<String, String> body;
            Target target;
            try {
                body = MiniJson.object(req.content().toString(CharsetUtil.UTF_8));
                target = target(body);
            } catch (RuntimeException e) {
                respond(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, "{\"error\":\"bad request\"}");
                return;
            }
            String data = body.get("data");
            if (data == null) {
                respond(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, "{\"error\":\"data required\"}");
                return;
            }
            String messageId = "m-" + idPrefix + Long.toHexString(msgCounter.incrementAndGet());
            StringBuilder sb = new StringBuilder(96 + data.length());
            sb.append("{\"type\":\"message\",\"messageId\":\"")
                    .append(messageId)
                    .append("\",\"scope\":\"")
                    .append(target.scope)
                    .append('"');
            if (target.kind == Kind.TOPICS) {
                if (target.values.size() == 1)
                    sb.append(",\"topic\":")
                            .append(body.get("topic") != null ? body.get("topic") : quote(target.values.get(0)));
                else sb.append(",\"topics\":").append(body.get("topics"));
            }
            sb.append(",\"time\":")
                    .append(System.currentTimeMillis())
                    .append(",\"data\":")
                    .append(data)
                    .append('}');
            ByteBuf buf = ctx.alloc().directBuffer(ByteBufUtil.utf8MaxBytes(sb));
            ByteBufUtil.writeUtf8(buf, sb);
            TextWebSocketFrame frame = new TextWebSocketFrame(buf); // serialized once, shared by every target

            AtomicInteger remaining = new AtomicInteger(loopList.size());
            AtomicInteger reached = new AtomicInteger();
            for (LoopState ls : loopList) {
                ls.loop.execute(() -> {
                    reached.addAndGet(ls.deliver(frame, target));
                    if (remaining.decrementAndGet() == 0) {
                        frame.release();
                        respond(
                                ctx,
                                keepAlive,
                                HttpResponseStatus.OK,
                                "{\"messageId\":\"" + messageId + "\",\"reached\":" + reached.get() + "}");
                    }
                });
            }
        }

        private Target target(Map<String, String> body) {
            if (body.containsKey("connections"))
                return new Target(Kind.CONNECTIONS, MiniJson.strings(body.get("connections")), "connection");
            if (body.containsKey("users")) return new Target(Kind.USERS, MiniJson.strings(body.get("users")), "user");
            if (body.containsKey("topics"))
                return new Target(Kind.TOPICS, MiniJson.strings(body.get("topics")), "topic");
            if (body.containsKey("topic"))
                return new Target(Kind.TOPICS, List.of(MiniJson.str(body.get("topic"))), "topic");
            return new Target(Kind.ALL, List.of(), "all");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static void respond(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String json) {
        FullHttpResponse res = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(json, CharsetUtil.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
        if (keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(res);
        } else {
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
