// Unit tests of pushhub.js's refusal path: after a failed attempt the client asks the hub's connect check why
// (GET api/connect-check), tells the app with an error event carrying the reason's code, and stops retrying when the
// refusal is permanent. In-memory fakes of WebSocket, EventSource and fetch; the real thing is
// src/test/browser/cross-origin.test.mjs. Run by JsClientTest during `mvn test`; by hand: node --test src/test/js/
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const PushHub = require('../../main/webapp/pushhub.js');

/**
 * A hub whose handshakes fail as a browser reports a refused one (socket closed 1006 before it opened, stream broken
 * at once) while refuse is true, and whose connect check answers check(init).
 */
function refusingHub(check) {
  const hub = { sockets: [], streams: [], checks: [], refuse: true, check };
  hub.WebSocket = class {
    constructor(url, protocols) {
      this.protocols = protocols;
      this.sent = [];
      hub.sockets.push(this);
      const refuse = hub.refuse; // decided when the attempt starts
      setTimeout(() => {
        if (refuse) this.onclose({ code: 1006, reason: '' });
        else this.open = true;
      }, 1);
    }
    send(text) { this.sent.push(JSON.parse(text)); }
    close() { this.open = false; }
    deliver(frame) { this.onmessage({ data: JSON.stringify(frame) }); }
  };
  hub.EventSource = class {
    constructor(url) {
      hub.streams.push(this);
      const refuse = hub.refuse;
      setTimeout(() => { if (refuse && this.onerror) this.onerror({}); }, 1);
    }
    close() { this.closed = true; }
  };
  hub.fetch = async (url, init) => {
    assert.ok(url.endsWith('/api/connect-check'), 'only the check is fetched here: ' + url);
    hub.checks.push({ url, init });
    const r = hub.check(init);
    return { status: r.status, json: async () => r.body };
  };
  hub.until = (what, cond) => new Promise((resolve, reject) => {
    const deadline = Date.now() + 5000;
    const poll = () => {
      const v = cond();
      if (v) resolve(v);
      else if (Date.now() > deadline) reject(new Error('timed out waiting for ' + what));
      else setTimeout(poll, 2);
    };
    poll();
  });
  return hub;
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

const expired = { status: 401, body: { status: 401, error: 'token_expired', message: 'token invalid: expired' } };
const allowed = { status: 200, body: { allowed: true } };

test('a refused origin reaches the app as an error event with its reason, and the client stops retrying', async () => {
  const hub = refusingHub(() => ({ status: 403,
    body: { status: 403, error: 'origin_not_allowed', message: 'origin not allowed' } }));
  const c = client(hub);
  after(() => c.close());
  const errors = [];
  const states = [];
  c.on('error', (e) => errors.push(e));
  c.on('state', (s, d) => states.push([s, d]));
  await hub.until('the error event', () => errors.length === 1);
  assert.equal(errors[0].code, 'origin_not_allowed');
  assert.equal(errors[0].message, 'origin_not_allowed: origin not allowed');
  assert.equal(errors[0].name, 'PushHubError');
  assert.equal(errors[0].status, 403);
  assert.equal(errors[0].fatal, true);
  assert.equal(c.state, 'disconnected');
  assert.deepEqual(states.at(-1), ['disconnected', { refused: 'origin_not_allowed', reason: 'origin not allowed' }]);
  assert.equal(hub.sockets.length, 1, 'one WebSocket attempt');
  assert.equal(hub.streams.length, 1, 'then one SSE attempt, then the check');
  assert.equal(hub.checks[0].url, 'http://hub.test/api/connect-check');
  assert.equal(hub.checks[0].init.credentials, 'omit', 'the check carries no cookies');
  await new Promise((r) => setTimeout(r, 150)); // reconnect delays here are 5-20 ms
  assert.equal(hub.sockets.length + hub.streams.length, 2, 'no attempt after a permanent refusal');
  assert.equal(errors.length, 1);
  assert.ok(!states.some(([s]) => s === 'reconnecting'), 'never "reconnecting" after the refusal');

  // open() tries again (e.g. after the operator allowed the origin).
  hub.refuse = false;
  c.open();
  const ws = await hub.until('a socket that opens', () => hub.sockets.find((s) => s.open));
  ws.deliver({ type: 'welcome', connectionId: 'c-1', userId: 'u1', anonymous: true, limits: {} });
  await hub.until('connected', () => c.state === 'connected');
  c.close();
});

test('a refused token is reported with its reason and not sent again when the provider has no other', async () => {
  const hub = refusingHub((init) => (init.headers.Authorization === 'Bearer stale' ? expired : allowed));
  const c = client(hub, { token: () => 'stale' });
  after(() => c.close());
  const errors = [];
  c.on('error', (e) => errors.push(e));
  await hub.until('the error event', () => errors.length === 1);
  assert.equal(errors[0].code, 'token_expired');
  assert.equal(errors[0].message, 'token_expired: token invalid: expired');
  assert.equal(errors[0].fatal, false, 'a token provider may come up with a fresh token');
  await hub.until('giving up on the same token', () => c.state === 'disconnected');
  assert.equal(hub.sockets.length, 1, 'the refused token is not sent again');
  assert.equal(hub.checks.length, 1);
  assert.equal(errors.length, 1);
});

test('a provider with a fresh token after a refusal connects with it', async () => {
  const hub = refusingHub((init) => (init.headers.Authorization === 'Bearer t1' ? expired : allowed));
  let n = 0;
  const c = client(hub, { token: () => 't' + (++n), transports: ['websocket'] });
  after(() => c.close());
  const errors = [];
  c.on('error', (e) => errors.push(e));
  await hub.until('a second attempt', () => hub.sockets.length >= 2);
  hub.refuse = false;
  const ws = await hub.until('a socket that opens', () => hub.sockets.find((s) => s.open));
  assert.notDeepEqual(ws.protocols, ['pushhub.v1', 'bearer.t1']);
  ws.deliver({ type: 'welcome', connectionId: 'c-1', userId: 'alice', anonymous: false, limits: {} });
  await hub.until('connected', () => c.state === 'connected');
  assert.equal(errors.length, 1);
  assert.equal(errors[0].code, 'token_expired');
  c.close();
});

test('a failed attempt the hub did not refuse (server down) keeps reconnecting without an error', async () => {
  const hub = refusingHub(() => { throw new TypeError('fetch failed'); });
  const c = client(hub);
  after(() => c.close());
  const errors = [];
  c.on('error', (e) => errors.push(e));
  await hub.until('three attempts', () => hub.sockets.length >= 3);
  assert.equal(c.state, 'reconnecting');
  assert.deepEqual(errors, []);
  c.close();
});

test('over SSE, a command refused as not_owner (the anonymous cookie changed) reopens the stream once', async () => {
  const hub = refusingHub(() => allowed);
  hub.refuse = false;
  const replies = [];
  let neverOwner = false;
  hub.fetch = async (url, init) => {
    const frame = JSON.parse(init.body);
    replies.push(frame);
    // The first stream's commands: another user's cookie. The second stream's: the owner.
    if (hub.streams.length === 1 || neverOwner) {
      return { status: 403, ok: false, json: async () => ({ status: 403, error: 'not_owner', message: 'another user' }) };
    }
    return { status: 200, ok: true, json: async () => ({ type: 'ack', id: frame.id, for: 'subscribe', topic: frame.topic }) };
  };
  const c = client(hub, { transports: ['sse'] });
  after(() => c.close());
  const errors = [];
  c.on('error', (e) => errors.push(e));
  const sub = c.subscribe('news');
  const welcomeOn = (es, id) => es.onmessage({ data: JSON.stringify({ type: 'welcome', connectionId: id, userId: 'anon-1', anonymous: true, limits: {} }) });
  welcomeOn(await hub.until('a stream', () => hub.streams[0]), 'c-1');
  const second = await hub.until('a second stream', () => hub.streams[1]);
  assert.ok(hub.streams[0].closed, 'the first stream was closed');
  welcomeOn(second, 'c-2');
  await hub.until('subscribed on the second stream', () => sub.subscribed);
  assert.equal(replies.length, 2);
  assert.deepEqual(errors, []);

  // A browser that never sends the cookie: the second not_owner in a row reaches the app instead of a loop.
  hub.streams.length = 0;
  const c2 = client(hub, { transports: ['sse'] });
  after(() => c2.close());
  const subErrors = [];
  c2.subscribe('news', { error: (e) => subErrors.push(e) });
  welcomeOn(await hub.until('a stream', () => hub.streams[0]), 'c-3');
  const again = await hub.until('a second stream', () => hub.streams[1]);
  neverOwner = true;
  welcomeOn(again, 'c-4');
  await hub.until('the error', () => subErrors.length === 1);
  assert.equal(subErrors[0].frame.code, 'not_owner');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(hub.streams.length, 2, 'no further streams');
});

test('a connection the application\'s hook denies reaches the app as connection_denied; without a token provider the client stops', async () => {
  const hub = refusingHub(() => { throw new Error('the connect check is not asked: the hub already said why'); });
  hub.refuse = false; // the handshake succeeds; the hub's authorization hook then refuses the connection
  const c = client(hub, { transports: ['websocket', 'sse'] });
  after(() => c.close());
  const errors = [];
  c.on('error', (e) => errors.push(e));
  const ws = await hub.until('socket open', () => hub.sockets[0] && hub.sockets[0].open && hub.sockets[0]);
  ws.deliver({ type: 'error', code: 'connection_denied', message: 'connection denied: account suspended' });
  ws.onclose({ code: 4403, reason: 'forbidden: account suspended' });
  await hub.until('gave up', () => c.state === 'disconnected');
  assert.equal(errors.length, 1, 'one error event');
  assert.equal(errors[0].code, 'connection_denied');
  assert.match(errors[0].message, /account suspended/);
  assert.equal(hub.sockets.length, 1, 'no retry, no SSE attempt');
  assert.equal(hub.streams.length, 0);
  assert.equal(hub.checks.length, 0);
});
