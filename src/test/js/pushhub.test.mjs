// Unit tests of pushhub.js's reconnect, resume and fallback logic, with in-memory fakes of WebSocket, EventSource and
// fetch that speak the hub's wire protocol (docs/protocol.md), including the history contract (offset/epoch/since).
// Run by JsClientTest during `mvn test`; by hand: node --test src/test/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const PushHub = require('../../main/webapp/pushhub.js');

/** A fake hub: hands out fake sockets and lets the test script what the server says. */
function fakeHub({ wsWorks = true } = {}) {
  const hub = { sockets: [], streams: [], commands: [], wsWorks, waiters: [] };
  const notify = () => { const w = hub.waiters; hub.waiters = []; w.forEach((f) => f()); };
  hub.WebSocket = class {
    constructor(url, protocols) {
      this.url = url;
      this.protocols = protocols;
      this.sent = [];
      hub.sockets.push(this);
      setTimeout(() => {
        if (!hub.wsWorks) { this.onclose && this.onclose({ code: 1006, reason: '' }); return; }
        this.open = true;
        notify();
      }, 1);
    }
    send(text) { this.sent.push(JSON.parse(text)); notify(); }
    close() { this.open = false; }
    // test side
    deliver(frame) { this.onmessage({ data: JSON.stringify(frame) }); }
    drop(code = 1012) { this.open = false; this.onclose({ code, reason: 'dropped' }); }
  };
  hub.EventSource = class {
    constructor(url) { this.url = url; hub.streams.push(this); setTimeout(notify, 1); }
    close() { this.closed = true; }
    deliver(frame) { this.onmessage({ data: JSON.stringify(frame) }); }
  };
  hub.fetch = async (url, init) => {
    const frame = init.body ? JSON.parse(init.body) : null;
    hub.commands.push({ url, method: init.method, frame, headers: init.headers });
    notify();
    const reply = await new Promise((resolve) => { hub.commands[hub.commands.length - 1].reply = resolve; });
    return { status: 200, json: async () => reply };
  };
  /** Resolves once cond() holds (polled; the client reacts in promise callbacks), or fails after 5 s. */
  hub.until = (what, cond) => new Promise((resolve, reject) => {
    const deadline = Date.now() + 5000;
    const check = () => {
      const v = cond();
      if (v) resolve(v);
      else if (Date.now() > deadline) reject(new Error('timed out waiting for ' + what));
      else setTimeout(check, 2);
    };
    check();
  });
  return hub;
}

function welcome(id) {
  return { type: 'welcome', connectionId: id, userId: 'u1', anonymous: true, limits: {} };
}

function msg(topic, offset, text, epoch = 'e1') {
  const f = { type: 'message', messageId: 'm-' + epoch + '-' + offset, scope: 'topic', topic, time: 1, data: { text } };
  if (offset !== null) { f.offset = offset; f.epoch = epoch; }
  return f;
}

function client(hub, extra = {}) {
  return PushHub.connect(Object.assign({
    url: 'http://hub.test/',
    WebSocket: hub.WebSocket,
    EventSource: hub.EventSource,
    fetch: hub.fetch,
    reconnect: { initialDelay: 5, maxDelay: 20 },
    upgradeAfter: 0,
  }, extra));
}

test('resumes each topic from its last offset after a drop and drops replayed duplicates', async () => {
  const hub = fakeHub();
  let tokens = 0;
  const c = client(hub, { token: async () => 'jwt-' + (++tokens) });
  const got = [];
  c.subscribe('news', (data) => got.push(data.text));

  const ws1 = await hub.until('first socket open', () => hub.sockets[0] && hub.sockets[0].open && hub.sockets[0]);
  assert.deepEqual(ws1.protocols, ['pushhub.v1', 'bearer.jwt-1'], 'token as sub-protocol');
  ws1.deliver(welcome('c-1'));
  const sub1 = await hub.until('subscribe', () => ws1.sent.find((f) => f.type === 'subscribe'));
  assert.equal(sub1.since, undefined, 'nothing to resume from yet');
  ws1.deliver({ type: 'ack', id: sub1.id, for: 'subscribe', topic: 'news', recovery: { epoch: 'e1', offset: 16 } });
  ws1.deliver(msg('news', 17, 'a'));
  await hub.until('connected', () => c.state === 'connected' && got.length === 1);

  const states = [];
  c.on('state', (s) => states.push(s));
  ws1.drop();
  assert.equal(c.state, 'reconnecting', 'the drop is reported at once');
  const ws2 = await hub.until('second socket open', () => hub.sockets[1] && hub.sockets[1].open && hub.sockets[1]);
  assert.deepEqual(ws2.protocols, ['pushhub.v1', 'bearer.jwt-2'], 'the token provider is asked again on reconnect');
  ws2.deliver(welcome('c-2'));
  const sub2 = await hub.until('resubscribe', () => ws2.sent.find((f) => f.type === 'subscribe'));
  assert.deepEqual(sub2.since, { offset: 17, epoch: 'e1' }, 'resume from the last offset seen');
  assert.equal(sub2.topic, 'news');
  ws2.deliver({ type: 'ack', id: sub2.id, for: 'subscribe', topic: 'news',
    recovery: { recovered: true, replayed: 3, epoch: 'e1', offset: 20 } });
  // A replay overlapping what we saw must be dropped by (topic, offset), even under another message id.
  ws2.deliver(Object.assign(msg('news', 17, 'a'), { messageId: 'm-replayed-17' }));
  ws2.deliver(msg('news', 18, 'b'));
  ws2.deliver(msg('news', 19, 'c'));
  ws2.deliver(msg('news', 20, 'd'));
  ws2.deliver(Object.assign(msg('news', 19, 'c'), { messageId: 'm-again-19' })); // (topic, offset) already delivered
  ws2.deliver(msg('news', 21, 'e'));
  await hub.until('five messages', () => got.length >= 5);
  assert.deepEqual(got, ['a', 'b', 'c', 'd', 'e'], 'once each, in order');
  assert.deepEqual(states, ['reconnecting', 'connected']);
  c.close();
  assert.equal(c.state, 'disconnected');
});

test('a topic that cannot be recovered is surfaced to the app with what was missed', async () => {
  const hub = fakeHub();
  const c = client(hub);
  const failures = [];
  const got = [];
  c.subscribe('news', { message: (d) => got.push(d.text), recovery: (r) => failures.push(r) });
  const ws1 = await hub.until('socket', () => hub.sockets[0] && hub.sockets[0].open && hub.sockets[0]);
  ws1.deliver(welcome('c-1'));
  const s1 = await hub.until('subscribe', () => ws1.sent.find((f) => f.type === 'subscribe'));
  ws1.deliver({ type: 'ack', id: s1.id, for: 'subscribe', topic: 'news', recovery: { epoch: 'e1', offset: 17 } });
  ws1.drop();
  const ws2 = await hub.until('socket 2', () => hub.sockets[1] && hub.sockets[1].open && hub.sockets[1]);
  ws2.deliver(welcome('c-2'));
  const s2 = await hub.until('resubscribe', () => ws2.sent.find((f) => f.type === 'subscribe'));
  assert.deepEqual(s2.since, { offset: 17, epoch: 'e1' });
  // A live message read before the ack (as over SSE, where the ack is an HTTP response): the ack must not move
  // the position back behind it.
  ws2.deliver(msg('news', 26, 'live'));
  await hub.until('live message', () => got.length === 1);
  ws2.deliver({ type: 'ack', id: s2.id, for: 'subscribe', topic: 'news', recovery: {
    recovered: false, reason: 'trimmed', missed: { fromOffset: 18, toOffset: 25 }, epoch: 'e1', offset: 25 } });
  await hub.until('the recovery failure', () => failures.length === 1);
  assert.equal(failures[0].reason, 'trimmed');
  assert.deepEqual(failures[0].missed, { fromOffset: 18, toOffset: 25 });
  assert.deepEqual(got, ['live'], 'live messages after the gap still arrive');
  // The next resume starts from where the hub said it is now.
  ws2.drop();
  const ws3 = await hub.until('socket 3', () => hub.sockets[2] && hub.sockets[2].open && hub.sockets[2]);
  ws3.deliver(welcome('c-3'));
  const s3 = await hub.until('resubscribe 3', () => ws3.sent.find((f) => f.type === 'subscribe'));
  assert.deepEqual(s3.since, { offset: 26, epoch: 'e1' });
  c.close();
});

test('without offsets from the hub it plainly resubscribes and drops a message that arrives twice', async () => {
  const hub = fakeHub();
  const c = client(hub);
  const got = [];
  c.subscribe('news', (d) => got.push(d.text));
  const ws1 = await hub.until('socket', () => hub.sockets[0] && hub.sockets[0].open && hub.sockets[0]);
  ws1.deliver(welcome('c-1'));
  const s1 = await hub.until('subscribe', () => ws1.sent.find((f) => f.type === 'subscribe'));
  ws1.deliver({ type: 'ack', id: s1.id, for: 'subscribe', topic: 'news' });
  ws1.deliver(msg('news', null, 'x'));
  ws1.drop(1006);
  const ws2 = await hub.until('socket 2', () => hub.sockets[1] && hub.sockets[1].open && hub.sockets[1]);
  ws2.deliver(welcome('c-2'));
  const s2 = await hub.until('resubscribe', () => ws2.sent.find((f) => f.type === 'subscribe'));
  assert.equal(s2.since, undefined, 'no since without offsets');
  ws2.deliver({ type: 'ack', id: s2.id, for: 'subscribe', topic: 'news' });
  ws2.deliver(msg('news', null, 'x')); // same messageId
  ws2.deliver(msg('news', null, 'y', 'e2'));
  await hub.until('two messages', () => got.length >= 2);
  assert.deepEqual(got, ['x', 'y']);
  c.close();
});

test('falls back to SSE when no WebSocket can be opened; commands go over REST; callbacks see no difference', async () => {
  const hub = fakeHub({ wsWorks: false });
  const c = client(hub, { token: () => 'tok' });
  const events = [];
  c.on('fallback', (f) => events.push(f));
  const got = [];
  c.subscribe('chat:lobby', { message: (d) => got.push(d.text) });
  const es = await hub.until('event source', () => hub.streams[0]);
  assert.equal(es.url, 'http://hub.test/api/events?access_token=tok');
  es.deliver(welcome('c-sse'));
  await hub.until('connected over SSE', () => c.state === 'connected');
  assert.equal(c.transport, 'sse');
  assert.equal(events.length, 1);
  const cmd = await hub.until('subscribe command', () => hub.commands.find((x) => x.frame && x.frame.type === 'subscribe'));
  assert.equal(cmd.url, 'http://hub.test/api/events/c-sse/commands');
  assert.equal(cmd.headers.Authorization, 'Bearer tok');
  cmd.reply({ type: 'ack', id: cmd.frame.id, for: 'subscribe', topic: 'chat:lobby', members: ['u1'] });
  await hub.until('subscribed', () => c.presence('chat:lobby').length === 1);
  es.deliver({ type: 'presence', topic: 'chat:lobby', event: 'join', userId: 'u2', connectionId: 'c-x', time: 1 });
  assert.deepEqual(c.presence('chat:lobby'), ['u1', 'u2']);
  const published = c.publish('chat:lobby', { text: 'hi' });
  const pub = await hub.until('publish command', () => hub.commands.find((x) => x.frame && x.frame.type === 'publish'));
  pub.reply({ type: 'ack', id: pub.frame.id, for: 'publish', topic: 'chat:lobby', messageId: 'm-1' });
  assert.equal((await published).messageId, 'm-1');
  es.deliver({ type: 'message', messageId: 'm-1', scope: 'topic', topic: 'chat:lobby', from: 'u1', time: 1, data: { text: 'hi' } });
  assert.deepEqual(got, ['hi']);

  const refused = c.publish('chat:lobby', { text: 'again' });
  const pub2 = await hub.until('second publish', () => hub.commands.filter((x) => x.frame && x.frame.type === 'publish')[1]);
  pub2.reply({ type: 'error', id: pub2.frame.id, code: 'rate_limited', message: 'slow down' });
  await assert.rejects(refused, (e) => e.frame.code === 'rate_limited');

  c.close();
  const bye = await hub.until('DELETE on close', () => hub.commands.find((x) => x.method === 'DELETE'));
  assert.equal(bye.url, 'http://hub.test/api/events/c-sse');
  bye.reply(null);
});

test('on SSE it upgrades back to a WebSocket once one can be opened, make before break', async () => {
  const hub = fakeHub({ wsWorks: false });
  const c = client(hub, { upgradeAfter: 20 });
  const upgrades = [];
  c.on('upgrade', (u) => upgrades.push(u));
  const got = [];
  const room = c.subscribe('chat:lobby', (d) => got.push(d.text));
  const es = await hub.until('event source', () => hub.streams[0]);
  es.deliver(welcome('c-sse'));
  const cmd = await hub.until('subscribe over REST', () => hub.commands.find((x) => x.frame && x.frame.type === 'subscribe'));
  cmd.reply({ type: 'ack', id: cmd.frame.id, for: 'subscribe', topic: 'chat:lobby', members: ['u1'] });
  es.deliver({ type: 'message', messageId: 'm-a', scope: 'topic', topic: 'chat:lobby', time: 1, data: { text: 'a' } });

  hub.wsWorks = true; // the proxy lets WebSockets through again
  const ws = await hub.until('upgrade socket', () => hub.sockets.find((s) => s.open));
  ws.deliver(welcome('c-ws'));
  const sub = await hub.until('resubscribe over the WebSocket', () => ws.sent.find((f) => f.type === 'subscribe'));
  ws.deliver({ type: 'ack', id: sub.id, for: 'subscribe', topic: 'chat:lobby', members: ['u1'] });
  await hub.until('upgraded', () => c.transport === 'websocket' && upgrades.length === 1);
  assert.equal(es.closed, true, 'the SSE stream is closed after the switch');
  const bye = await hub.until('DELETE of the SSE connection', () => hub.commands.find((x) => x.method === 'DELETE'));
  assert.equal(bye.url, 'http://hub.test/api/events/c-sse');
  bye.reply(null);
  // The old connection's leave reaches the new one too: we are still in the room.
  ws.deliver({ type: 'presence', topic: 'chat:lobby', event: 'leave', userId: 'u1', connectionId: 'c-sse', time: 1 });
  ws.deliver({ type: 'message', messageId: 'm-a', scope: 'topic', topic: 'chat:lobby', time: 1, data: { text: 'a' } });
  ws.deliver({ type: 'message', messageId: 'm-b', scope: 'topic', topic: 'chat:lobby', time: 1, data: { text: 'b' } });
  await hub.until('b', () => got.length >= 2);
  assert.deepEqual(got, ['a', 'b'], 'the push seen on both connections is delivered once');
  assert.deepEqual(room.presence(), ['u1']);
  c.close();
});

test('a join right behind the subscribe ack is kept in the presence list', async () => {
  const hub = fakeHub();
  const c = client(hub);
  const room = c.subscribe('chat:lobby');
  const ws = await hub.until('socket', () => hub.sockets[0] && hub.sockets[0].open && hub.sockets[0]);
  ws.deliver(welcome('c-1'));
  const s1 = await hub.until('subscribe', () => ws.sent.find((f) => f.type === 'subscribe'));
  ws.deliver({ type: 'ack', id: s1.id, for: 'subscribe', topic: 'chat:lobby', members: ['u1', 'u2'] });
  ws.deliver({ type: 'presence', topic: 'chat:lobby', event: 'join', userId: 'u3', connectionId: 'c-3', time: 1 });
  await hub.until('subscribed', () => room.subscribed);
  assert.deepEqual(room.presence(), ['u1', 'u2', 'u3']);
  c.close();
});

test('backoff grows exponentially, is bounded, and is jittered', () => {
  const r = { initialDelay: 500, maxDelay: 15000, factor: 2, jitter: 0.5 };
  assert.equal(PushHub.backoff(0, r, 0), 500);
  assert.equal(PushHub.backoff(3, r, 0), 4000);
  assert.equal(PushHub.backoff(10, r, 0), 15000, 'bounded by maxDelay');
  assert.equal(PushHub.backoff(10, r, 0.9), 8250, 'jitter takes off up to half');
  for (let n = 0; n < 50; n++) {
    const d = PushHub.backoff(n, r);
    assert.ok(d >= 250 && d <= 15000, 'delay ' + d);
  }
});

test('a topic gap notice reaches the app and that topic\'s subscription', async () => {
  const hub = fakeHub();
  const c = client(hub);
  const clientGaps = [];
  const subGaps = [];
  c.subscribe('news', { message: () => {}, gap: (f) => subGaps.push([f.fromOffset, f.toOffset, f.reason]) });
  c.subscribe('other', { gap: () => assert.fail('a gap of news is not a gap of other') });
  c.on('gap', (f) => clientGaps.push(f.topic || f.missed));
  const ws = await hub.until('socket open', () => hub.sockets[0] && hub.sockets[0].open && hub.sockets[0]);
  ws.deliver(welcome('c-1'));
  await hub.until('subscribes', () => ws.sent.filter((f) => f.type === 'subscribe').length === 2);
  ws.deliver({ type: 'gap', topic: 'news', fromOffset: 5, toOffset: 9, epoch: 'e1', reason: 'unavailable' });
  ws.deliver({ type: 'gap', missed: 3 });
  await hub.until('both notices', () => clientGaps.length === 2);
  assert.deepEqual(clientGaps, ['news', 3]);
  assert.deepEqual(subGaps, [[5, 9, 'unavailable']]);
  c.close();
});

test('a batch frame is handled as its frames in order, and a gap is reported to the app', async () => {
  const hub = fakeHub();
  const c = client(hub);
  const got = [];
  const gaps = [];
  c.subscribe('ticks', (data) => got.push(data.text));
  c.on('gap', (f) => gaps.push(f.missed));
  const ws = await hub.until('socket open', () => hub.sockets[0] && hub.sockets[0].open && hub.sockets[0]);
  ws.deliver(welcome('c-1'));
  const sub = await hub.until('subscribe', () => ws.sent.find((f) => f.type === 'subscribe'));
  // The ack and the first messages queued behind it arrive as one batch frame.
  ws.deliver({ type: 'batch', messages: [
    { type: 'ack', id: sub.id, for: 'subscribe', topic: 'ticks' },
    Object.assign(msg('ticks', null, 'one'), { messageId: 'm-b1' }),
    Object.assign(msg('ticks', null, 'two'), { messageId: 'm-b2' }),
  ] });
  ws.deliver({ type: 'batch', messages: [{ type: 'gap', missed: 7 }, Object.assign(msg('ticks', null, 'ten'), { messageId: 'm-b10' })] });
  await hub.until('three messages', () => got.length >= 3);
  assert.deepEqual(got, ['one', 'two', 'ten']);
  assert.deepEqual(gaps, [7]);
  assert.equal(c.state, 'connected', 'the ack inside the batch completed the subscribe');
  c.close();
});

test('a close 1001 from the hub (server stop, node drain) reconnects at once; other closes back off', async () => {
  const hub = fakeHub();
  // A long backoff: an attempt within goingAwayJitter can only be the going-away fast path.
  const c = client(hub, { reconnect: { initialDelay: 3000, maxDelay: 3000, jitter: 0, goingAwayJitter: 50 } });
  const delays = [];
  c.on('state', (s, info) => { if (s === 'reconnecting') delays.push(info.delay); });
  const ws1 = await hub.until('first socket', () => hub.sockets[0] && hub.sockets[0].open && hub.sockets[0]);
  ws1.deliver(welcome('c-1'));
  await hub.until('connected', () => c.state === 'connected');
  const dropped = Date.now();
  ws1.drop(1001);
  const ws2 = await hub.until('second socket', () => hub.sockets[1] && hub.sockets[1].open && hub.sockets[1]);
  assert.ok(Date.now() - dropped < 1000, 'reconnected at once after 1001, not after the 3 s backoff');
  assert.ok(delays[0] <= 50, 'first delay within goingAwayJitter: ' + delays);
  ws2.deliver(welcome('c-2'));
  await hub.until('connected again', () => c.state === 'connected');
  ws2.drop(1012);
  await hub.until('reconnecting', () => c.state === 'reconnecting');
  assert.equal(delays[1], 3000, 'an operator close (1012) backs off as before');
  c.close();
});

// ---------------------------------------------------------------------------------------------- the forgiving client

test('commands issued while connecting are queued and sent in order once connected, after the subscribes', async () => {
  const hub = fakeHub();
  const c = client(hub);
  const room = c.subscribe('chat:lobby');
  // The obvious code: publish at once, before any connection exists.
  const first = c.publish('chat:lobby', { text: 'one' });
  const ping = c.request({ type: 'ping' });
  const second = room.publish({ text: 'two' });
  assert.equal(room.state, 'pending');
  const ws = await hub.until('socket', () => hub.sockets[0] && hub.sockets[0].open && hub.sockets[0]);
  assert.deepEqual(ws.sent, [], 'nothing is sent before the welcome');
  ws.deliver(welcome('c-1'));
  const sub = await hub.until('subscribe', () => ws.sent.find((f) => f.type === 'subscribe'));
  assert.deepEqual(ws.sent.map((f) => f.type), ['subscribe'], 'the publishes wait for the room\'s subscribe ack');
  assert.equal(room.state, 'subscribing');
  ws.deliver({ type: 'ack', id: sub.id, for: 'subscribe', topic: 'chat:lobby', members: ['u1'] });
  await hub.until('three commands', () => ws.sent.length === 4);
  assert.deepEqual(ws.sent.map((f) => f.type + (f.data ? ':' + f.data.text : '')),
    ['subscribe', 'publish:one', 'ping', 'publish:two'], 'in the order the app issued them');
  for (const f of ws.sent.slice(1)) {
    ws.deliver(f.type === 'ping' ? { type: 'pong', id: f.id, time: 5 }
      : { type: 'ack', id: f.id, for: 'publish', topic: 'chat:lobby', messageId: 'm-' + f.data.text });
  }
  assert.equal((await first).messageId, 'm-one');
  assert.equal((await ping).time, 5);
  assert.equal((await second).messageId, 'm-two');
  c.close();
});

test('a publish from the connected handler waits for the resubscribe instead of failing with not_subscribed', async () => {
  const hub = fakeHub();
  const c = client(hub);
  const room = c.subscribe('chat:lobby');
  const acks = [];
  c.on('connected', () => { room.publish({ text: 'hi' }).then((a) => acks.push(a.messageId)); });
  const ws = await hub.until('socket', () => hub.sockets[0] && hub.sockets[0].open && hub.sockets[0]);
  ws.deliver(welcome('c-1'));
  const sub = await hub.until('subscribe', () => ws.sent.find((f) => f.type === 'subscribe'));
  assert.equal(ws.sent.length, 1, 'the publish is not sent ahead of the subscribe');
  ws.deliver({ type: 'ack', id: sub.id, for: 'subscribe', topic: 'chat:lobby' });
  const pub = await hub.until('publish', () => ws.sent.find((f) => f.type === 'publish'));
  ws.deliver({ type: 'ack', id: pub.id, for: 'publish', topic: 'chat:lobby', messageId: 'm-1' });
  await hub.until('the ack', () => acks.length === 1);
  c.close();
});

test('the queue is bounded in size and time, and every error carries a code', async () => {
  const hub = fakeHub({ wsWorks: false });
  const c = client(hub, { transports: ['websocket'], queueSize: 2, queueTimeout: 60 });
  const a = c.publish('chat:lobby', 1);
  const b = c.request({ type: 'ping' });
  await assert.rejects(c.publish('chat:lobby', 3), (e) => e.code === 'queue_full' && /^queue_full: /.test(e.message)
    && e.frame === undefined && e instanceof PushHub.PushHubError && e instanceof Error);
  await assert.rejects(a, (e) => e.code === 'queue_timeout' && /waiting for a connection/.test(e.message));
  await assert.rejects(b, { code: 'queue_timeout' });
  const later = c.request({ type: 'ping' });
  c.close();
  await assert.rejects(later, { code: 'closed' });
  await assert.rejects(c.publish('chat:lobby', 4), { code: 'closed' });
});

test('hub errors keep their frame; a lost connection rejects what was in flight with connection_lost', async () => {
  const hub = fakeHub();
  const c = client(hub);
  const ws = await hub.until('socket', () => hub.sockets[0] && hub.sockets[0].open && hub.sockets[0]);
  ws.deliver(welcome('c-1'));
  await hub.until('connected', () => c.state === 'connected');
  const refused = c.publish('news', 'x');
  const pub = await hub.until('publish', () => ws.sent.find((f) => f.type === 'publish'));
  ws.deliver({ type: 'error', id: pub.id, code: 'publish_not_allowed', message: 'clients may not publish to news' });
  await assert.rejects(refused, (e) => e.code === 'publish_not_allowed' && e.frame.code === 'publish_not_allowed'
    && e.message === 'publish_not_allowed: clients may not publish to news');
  const inFlight = c.request({ type: 'ping' });
  await hub.until('ping sent', () => ws.sent.find((f) => f.type === 'ping'));
  ws.drop(1006);
  await assert.rejects(inFlight, (e) => e.code === 'connection_lost' && e.frame === undefined);
  const errors = [];
  c.on('error', (e) => errors.push(e.code));
  const ws2 = await hub.until('socket 2', () => hub.sockets[1] && hub.sockets[1].open && hub.sockets[1]);
  ws2.deliver(welcome('c-2'));
  await hub.until('connected again', () => c.state === 'connected');
  ws2.deliver({ type: 'error', code: 'rate_limited', message: 'slow down' }); // unsolicited
  assert.deepEqual(errors, ['rate_limited']);
  c.close();
});

test('subscription state is explicit, with events; publishes waiting for a refused subscription fail with its error', async () => {
  const hub = fakeHub();
  const c = client(hub);
  const states = [];
  const news = c.subscribe('news', { state: (s) => states.push(s) });
  const bad = c.subscribe('internal:x');
  const waiting = assert.rejects(bad.publish('never'), { code: 'forbidden_topic' }, 'fails with the subscription\'s error');
  const ws = await hub.until('socket', () => hub.sockets[0] && hub.sockets[0].open && hub.sockets[0]);
  ws.deliver(welcome('c-1'));
  const [s1, s2] = await hub.until('subscribes', () => {
    const subs = ws.sent.filter((f) => f.type === 'subscribe');
    return subs.length === 2 && subs;
  });
  ws.deliver({ type: 'ack', id: s1.id, for: 'subscribe', topic: 'news' });
  ws.deliver({ type: 'error', id: s2.id, code: 'forbidden_topic', message: 'internal:x may not be subscribed' });
  await hub.until('refused', () => bad.state === 'failed');
  assert.equal(news.state, 'subscribed');
  assert.equal(news.subscribed, true);
  await waiting;
  ws.drop(1006);
  assert.equal(news.state, 'pending');
  const ws2 = await hub.until('socket 2', () => hub.sockets[1] && hub.sockets[1].open && hub.sockets[1]);
  ws2.deliver(welcome('c-2'));
  const again = await hub.until('resubscribe', () => ws2.sent.find((f) => f.type === 'subscribe'));
  assert.equal(again.topic, 'news', 'a refused topic is not subscribed again');
  assert.equal(ws2.sent.filter((f) => f.type === 'subscribe').length, 1);
  ws2.deliver({ type: 'ack', id: again.id, for: 'subscribe', topic: 'news' });
  news.unsubscribe();
  assert.equal(news.state, 'unsubscribed');
  assert.deepEqual(states, ['subscribing', 'subscribed', 'pending', 'subscribing', 'subscribed', 'unsubscribed']);
  // A publish still waiting for its room's ack when the app leaves the room is not sent.
  const room = c.subscribe('chat:x');
  const unsent = room.publish('hello');
  room.unsubscribe();
  await assert.rejects(unsent, { code: 'unsubscribed' });
  assert.equal(ws2.sent.filter((f) => f.type === 'publish').length, 0);
  c.close();
});

test('without any WebSocket implementation connect() fails at once with a clear error instead of retrying silently', () => {
  const saved = globalThis.WebSocket;
  delete globalThis.WebSocket; // Node 20 has none; Node 22+ has one
  try {
    assert.throws(() => PushHub.connect({ url: 'http://hub.test/' }), (e) => e.code === 'no_transport'
      && /no WebSocket and no EventSource\/fetch implementation/.test(e.message) && /require\('ws'\)/.test(e.message));
    assert.throws(() => PushHub.connect({ url: 'http://hub.test/', transports: ['carrier-pigeon'] }), { code: 'bad_option' });
  } finally {
    if (saved) globalThis.WebSocket = saved;
  }
});

test('a message whose expiresAt has passed when it arrives is dropped and reported as expired, by the client clock', async () => {
  const hub = fakeHub();
  const c = client(hub);
  const got = [];
  const expired = [];
  const expiredOnClient = [];
  const sub = c.subscribe('otp', { message: (d) => got.push(d.text), expired: (f) => expired.push(f.data.text) });
  c.on('expired', (f) => expiredOnClient.push(f.messageId));
  const direct = [];
  c.on('message', (d, f) => { if (f.scope === 'user') direct.push(d.text); });
  const ws = await hub.until('socket', () => hub.sockets[0] && hub.sockets[0].open && hub.sockets[0]);
  ws.deliver(welcome('c-1'));
  const s = await hub.until('subscribe', () => ws.sent.find((f) => f.type === 'subscribe'));
  ws.deliver({ type: 'ack', id: s.id, for: 'subscribe', topic: 'otp', recovery: { epoch: 'e1', offset: 0 } });

  const late = Object.assign(msg('otp', 1, 'late code'), { expiresAt: Date.now() - 1000 });
  const fresh = Object.assign(msg('otp', 2, 'fresh code'), { expiresAt: Date.now() + 60000 });
  const forever = msg('otp', 3, 'no expiry');
  ws.deliver(late);
  ws.deliver(fresh);
  ws.deliver(forever);
  // Not on a topic: to the user, expired as well.
  ws.deliver({ type: 'message', messageId: 'm-u1', scope: 'user', time: 1, expiresAt: Date.now() - 5, data: { text: 'stale' } });
  ws.deliver({ type: 'message', messageId: 'm-u2', scope: 'user', time: 1, expiresAt: Date.now() + 60000, data: { text: 'ok' } });
  await hub.until('messages', () => got.length >= 2 && direct.length >= 1);
  assert.deepEqual(got, ['fresh code', 'no expiry'], 'the late one never reaches the message handler');
  assert.deepEqual(expired, ['late code'], 'the subscription reports it');
  assert.deepEqual(expiredOnClient, [late.messageId, 'm-u1'], 'the client reports every expired message');
  assert.deepEqual(direct, ['ok']);
  assert.deepEqual(sub.position, { epoch: 'e1', offset: 3 }, 'a dropped message still advances the position');

  // The same late message arriving again (a replay) is a duplicate, not a second expired event.
  ws.deliver(late);
  ws.deliver(msg('otp', 4, 'after'));
  await hub.until('after', () => got.length >= 3);
  assert.deepEqual(expired, ['late code']);
  c.close();
});

test('expiryGrace allows for a client clock ahead of the hub; dropExpired: false hands every message over', async () => {
  for (const [extra, wantGot, wantExpired] of [
    [{}, [''], ['5 s late', '1 min late']],
    [{ expiryGrace: 10000 }, ['5 s late', ''], ['1 min late']],
    [{ dropExpired: false }, ['5 s late', '1 min late', ''], []],
  ]) {
    const hub = fakeHub();
    const c = client(hub, extra);
    const got = [];
    const expired = [];
    c.on('message', (d) => got.push(d.text));
    c.on('expired', (f) => expired.push(f.data.text));
    const ws = await hub.until('socket', () => hub.sockets[0] && hub.sockets[0].open && hub.sockets[0]);
    ws.deliver(welcome('c-1'));
    await hub.until('connected', () => c.state === 'connected');
    ws.deliver({ type: 'message', messageId: 'a', scope: 'all', time: 1, expiresAt: Date.now() - 5000, data: { text: '5 s late' } });
    ws.deliver({ type: 'message', messageId: 'b', scope: 'all', time: 1, expiresAt: Date.now() - 60000, data: { text: '1 min late' } });
    ws.deliver({ type: 'message', messageId: 'c', scope: 'all', time: 1, data: { text: '' } });
    await hub.until('the last message', () => got.includes(''));
    assert.deepEqual(got, wantGot, JSON.stringify(extra));
    assert.deepEqual(expired, wantExpired, JSON.stringify(extra));
    c.close();
  }
  assert.throws(() => PushHub.connect({ url: 'http://hub.test/', expiryGrace: -1 }), { code: 'bad_option' });
  assert.throws(() => PushHub.connect({ url: 'http://hub.test/', expiryGrace: '5' }), { code: 'bad_option' });
});

test('a subscription made by the server becomes a Subscription, gets its messages, is resumed and can be ended', async () => {
  const hub = fakeHub();
  const c = client(hub);
  const told = [];
  const got = [];
  c.on('server-subscribed', (sub, f) => {
    told.push(f.topic);
    sub.on('message', (d) => got.push(d.text));
  });
  const ended = [];
  c.on('server-unsubscribed', (topic) => ended.push(topic));
  const ws1 = await hub.until('socket', () => hub.sockets[0] && hub.sockets[0].open && hub.sockets[0]);
  ws1.deliver(welcome('c-1'));
  ws1.deliver({ type: 'subscribed', topic: 'room:42', by: 'server' });
  await hub.until('told', () => told.length === 1);
  const sub = c.subscribe('room:42');
  assert.equal(sub.byServer, true, 'the same Subscription, made by the server');
  assert.equal(sub.state, 'subscribed');
  assert.equal(ws1.sent.filter((f) => f.type === 'subscribe').length, 0, 'nothing to ask: the hub did it');
  ws1.deliver(msg('room:42', 5, 'a'));
  await hub.until('message', () => got.length === 1);

  ws1.drop();
  const ws2 = await hub.until('socket 2', () => hub.sockets[1] && hub.sockets[1].open && hub.sockets[1]);
  ws2.deliver(welcome('c-2'));
  const s2 = await hub.until('resubscribe', () => ws2.sent.find((f) => f.type === 'subscribe'));
  assert.deepEqual(s2.since, { offset: 5, epoch: 'e1' }, 'resumed like the app\'s own subscriptions');
  // A sticky subscription: the hub subscribes the new connection right after the welcome, and a live message
  // may arrive before the ack of our resume and its replay of older ones.
  ws2.deliver({ type: 'subscribed', topic: 'room:42', by: 'server' });
  ws2.deliver(msg('room:42', 7, 'c'));
  ws2.deliver({ type: 'ack', id: s2.id, for: 'subscribe', topic: 'room:42',
    recovery: { recovered: true, replayed: 2, epoch: 'e1', offset: 7 } });
  ws2.deliver(msg('room:42', 6, 'b'));
  ws2.deliver(msg('room:42', 7, 'c'));
  ws2.deliver(msg('room:42', 8, 'd'));
  await hub.until('four messages', () => got.length >= 4);
  assert.deepEqual(got, ['a', 'c', 'b', 'd'], 'the missed one is not lost, the repeated one not shown twice');
  assert.deepEqual(sub.position, { epoch: 'e1', offset: 8 });
  assert.deepEqual(told, ['room:42'], 'the client event is for a topic new to the client only');

  const states = [];
  sub.on('state', (s, d) => states.push([s, d.by]));
  ws2.deliver({ type: 'unsubscribed', topic: 'room:42', by: 'server' });
  await hub.until('ended', () => ended.length === 1);
  assert.deepEqual(states, [['unsubscribed', 'server']]);
  assert.equal(sub.state, 'unsubscribed');
  ws2.drop();
  const ws3 = await hub.until('socket 3', () => hub.sockets[2] && hub.sockets[2].open && hub.sockets[2]);
  ws3.deliver(welcome('c-3'));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(ws3.sent.filter((f) => f.type === 'subscribe').length, 0, 'not resubscribed after the server ended it');
  c.close();
});

test('a subscribe token is fetched for every (re)subscribe and sent in the frame; a failing provider fails the topic', async () => {
  const hub = fakeHub();
  const asked = [];
  const c = client(hub, {
    getSubscribeToken: async (topic) => { asked.push(topic); return 'sub-' + topic + '-' + asked.length; },
  });
  c.subscribe('orders:1', () => {});
  c.subscribe('orders:2', { token: 'fixed-token' });
  const failed = [];
  c.subscribe('orders:3', { token: () => { throw new Error('backend said no'); }, error: (e) => failed.push(e) });
  const ws1 = await hub.until('socket', () => hub.sockets[0] && hub.sockets[0].open && hub.sockets[0]);
  ws1.deliver(welcome('c-1'));
  const s1 = await hub.until('subscribe 1', () => ws1.sent.find((f) => f.topic === 'orders:1'));
  const s2 = await hub.until('subscribe 2', () => ws1.sent.find((f) => f.topic === 'orders:2'));
  assert.equal(s1.token, 'sub-orders:1-1', 'from getSubscribeToken');
  assert.equal(s2.token, 'fixed-token', 'the per-topic token wins');
  await hub.until('orders:3 failed', () => failed.length === 1);
  assert.equal(failed[0].code, 'token_failed');
  assert.ok(!ws1.sent.some((f) => f.topic === 'orders:3'), 'no subscribe without its token');
  ws1.deliver({ type: 'ack', id: s1.id, for: 'subscribe', topic: 'orders:1' });
  ws1.drop();
  const ws2 = await hub.until('second socket', () => hub.sockets[1] && hub.sockets[1].open && hub.sockets[1]);
  ws2.deliver(welcome('c-2'));
  const again = await hub.until('resubscribe', () => ws2.sent.find((f) => f.topic === 'orders:1'));
  assert.equal(again.token, 'sub-orders:1-2', 'a fresh token for the resubscribe');
  c.close();
});

test('a receipt message is acknowledged after the handlers ran, only once and never when expired; retract is an event', async () => {
  const hub = fakeHub();
  const c = client(hub);
  const order = [];
  const retracted = [];
  c.on('message', (d, f) => order.push('handler ' + f.messageId));
  c.on('retract', (id, f) => retracted.push([id, f.type]));
  const ws = await hub.until('socket', () => hub.sockets[0] && hub.sockets[0].open && hub.sockets[0]);
  ws.deliver(welcome('c-1'));
  await hub.until('connected', () => c.state === 'connected');
  const sentReceipts = () => ws.sent.filter((f) => f.type === 'received');
  const realSend = ws.send.bind(ws);
  ws.send = (text) => { order.push('sent ' + JSON.parse(text).type); realSend(text); };

  ws.deliver({ type: 'message', messageId: 'm-r1', scope: 'user', time: 1, receipt: true, data: 1 });
  ws.deliver({ type: 'message', messageId: 'm-plain', scope: 'user', time: 1, data: 2 });
  ws.deliver({ type: 'message', messageId: 'm-r1', scope: 'user', time: 1, receipt: true, data: 1 }); // a duplicate
  ws.deliver({ type: 'message', messageId: 'm-late', scope: 'user', time: 1, receipt: true, expiresAt: Date.now() - 1000, data: 3 });
  ws.deliver({ type: 'retract', messageId: 'm-other' });
  await hub.until('retract', () => retracted.length === 1);
  assert.deepEqual(sentReceipts(), [{ type: 'received', messageId: 'm-r1' }], 'one ack, no id, only for the receipt message');
  assert.deepEqual(order.slice(0, 2), ['handler m-r1', 'sent received'], 'after the handler ran');
  assert.deepEqual(retracted, [['m-other', 'retract']]);

  const manual = client(fakeHub(), { autoReceipt: false });
  assert.equal(manual.received('m-x'), false, 'not connected: not sent');
  c.close();
  manual.close();
});
