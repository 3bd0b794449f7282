/*
 * pushhub.js: the browser client of pushhub. No build step, no dependencies: load it with
 *   <script src="/pushhub.js"></script>            (defines window.PushHub)
 * or require() it in Node (module.exports). Types: /pushhub.d.ts. Guide: docs/js-client.md.
 *
 * What it does for the app: one logical connection that survives drops. It reconnects by itself (exponential backoff
 * with jitter, bounded), asks the token provider again on every attempt, resubscribes every topic, resumes each topic
 * from the last offset it saw (where the hub keeps history) and drops duplicates, falls back to Server-Sent Events
 * when a WebSocket cannot be opened and upgrades back later. Callbacks never see which transport is in use.
 */
(function (root, factory) {
  'use strict';
  const api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.PushHub = api;
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  const DEFAULTS = {
    url: null, // base URL of the hub, e.g. 'https://push.example.com/'; default: the page's origin
    token: null, // () => string | null | Promise<string | null>; called before every (re)connect
    // (topic) => string | null | Promise<string | null>: a subscribe token for a topic (docs/authorization.md), asked
    // before every (re)subscribe to it; null/undefined sends none. subscribe(topic, { token }) overrides it per topic.
    getSubscribeToken: null,
    transports: ['websocket', 'sse'], // tried in this order on every attempt
    // goingAwayJitter: after a close 1001 from the hub (server stop, node drain) the first attempt waits only up to this
    // long (ms), spread at random so a drained node's clients do not all arrive at once; later attempts back off.
    reconnect: { initialDelay: 500, maxDelay: 15000, factor: 2, jitter: 0.5, goingAwayJitter: 250 },
    upgradeAfter: 30000, // while on SSE, try a WebSocket again this often (ms); 0 = never
    openTimeout: 10000, // a transport that has not delivered its first frame by then counts as failed (ms)
    requestTimeout: 10000, // a command without a reply by then is rejected (ms)
    // Commands issued before they can be sent (while connecting or reconnecting, or a publish to a topic whose subscribe
    // is not acknowledged yet) wait in one queue, in order: at most queueSize of them, each at most queueTimeout ms.
    queueSize: 100,
    queueTimeout: 30000,
    dedupeWindow: 1000, // message ids remembered to drop a message that arrives twice
    // A message whose expiresAt (epoch ms, set by the push's ttl/expiresAt) has passed when it arrives is not handed to
    // the app but reported as an 'expired' event. Judged by this machine's clock: expiryGrace ms are allowed for a
    // clock that runs ahead of the hub's; dropExpired: false hands every message over.
    dropExpired: true,
    expiryGrace: 0,
    // A message frame with receipt: true (a push with delivery receipts, docs/receipts.md) is acknowledged with a
    // 'received' command once every 'message' handler returned; autoReceipt: false leaves it to the app
    // (client.received(messageId)).
    autoReceipt: true,
    WebSocket: null, // defaults to the global WebSocket (tests may inject one)
    EventSource: null, // defaults to the global EventSource
    fetch: null, // defaults to the global fetch
  };

  /**
   * Every error the client reports (rejected commands, 'error' events) is a PushHubError: `code` is always set (the
   * hub's code for error frames, else one of the client's: closed, connection_lost, timeout, queue_full, queue_timeout,
   * unsubscribed, no_transport, token_failed, network, http_<status>), `message` starts with it, and `frame` is the
   * hub's error frame when the hub sent one.
   */
  class PushHubError extends Error {
    constructor(code, message, frame) {
      super(code + ': ' + message);
      this.name = 'PushHubError';
      this.code = code;
      if (frame) this.frame = frame;
    }
  }
  const hubError = (f) => new PushHubError(f.code || 'error', f.message || 'error from the hub', f);

  /** Delay before reconnect attempt n (0-based): min(maxDelay, initialDelay * factor^n), minus up to jitter of it. */
  function backoff(n, r, random) {
    const base = Math.min(r.maxDelay, r.initialDelay * Math.pow(r.factor, n));
    return Math.round(base * (1 - r.jitter * (random === undefined ? Math.random() : random)));
  }

  class Emitter {
    constructor() { this._handlers = {}; }
    on(event, fn) {
      (this._handlers[event] = this._handlers[event] || []).push(fn);
      return () => this.off(event, fn);
    }
    off(event, fn) {
      const list = this._handlers[event];
      if (list) this._handlers[event] = list.filter((f) => f !== fn);
    }
    _emit(event, ...args) {
      for (const fn of this._handlers[event] || []) {
        // One failing app callback must not break the client or the other callbacks.
        try { fn(...args); } catch (e) { if (typeof console !== 'undefined') console.error('pushhub: ' + event + ' callback failed', e); }
      }
    }
  }

  /** One topic the app subscribed to; lives across reconnects until unsubscribe(). */
  class Subscription extends Emitter {
    constructor(client, topic) {
      super();
      this.client = client;
      this.topic = topic;
      // pending (waiting for a connection), subscribing (sent, no ack yet), subscribed, failed (the hub refused it; see
      // the error event), unsubscribed. Every change is a 'state' event (state, detail).
      this.state = 'pending';
      this.members = []; // presence topics: users in the room
      this.position = null; // {epoch, offset} of the last message seen, when the hub keeps history for the topic
      this.byServer = false; // true when the app's backend made this subscription (a 'subscribed' frame by server)
      this._resumeRace = false;
    }
    /** True while the current connection has acknowledged the subscription. */
    get subscribed() { return this.state === 'subscribed'; }
    _setState(state, detail) {
      if (this.state === state) return;
      this.state = state;
      this._emit('state', state, detail || {});
      this.client._flush(); // commands waiting for this subscription may go (or fail) now
    }
    unsubscribe() { return this.client._unsubscribe(this); }
    presence() { return this.members.slice(); }
    publish(data) { return this.client.publish(this.topic, data); }
  }

  class Client extends Emitter {
    constructor(options) {
      super();
      // Options left undefined keep their defaults.
      const defined = (obj) => Object.fromEntries(Object.entries(obj || {}).filter(([, v]) => v !== undefined));
      const o = Object.assign({}, DEFAULTS, defined(options));
      o.reconnect = Object.assign({}, DEFAULTS.reconnect, defined((options || {}).reconnect));
      this.options = o;
      if (typeof o.expiryGrace !== 'number' || !(o.expiryGrace >= 0) || o.expiryGrace === Infinity) {
        throw new PushHubError('bad_option', 'expiryGrace must be a number of ms >= 0; got ' + JSON.stringify(o.expiryGrace));
      }
      const loc = typeof location !== 'undefined' ? location : null;
      this.baseUrl = new URL(o.url || (loc ? loc.origin + '/' : 'http://localhost/'), loc ? loc.href : undefined);
      if (!this.baseUrl.pathname.endsWith('/')) this.baseUrl.pathname += '/';
      this.state = 'idle'; // idle, connecting, connected, reconnecting, disconnected
      this.transport = null; // 'websocket' | 'sse' while connected
      this.connectionId = null;
      this.userId = null;
      this.anonymous = null;
      this._subs = new Map();
      this._pending = new Map();
      this._queue = []; // commands not sent yet, in order: {frame, resolve, reject, gate (a Subscription), timer}
      this._seq = 0;
      this._attempt = 0;
      this._conn = null; // the current transport connection
      this._timer = null;
      this._upgradeTimer = null;
      this._seenIds = new Set();
      this._seenOrder = [];
      this._closed = false;
      this._sseMode = false; // true after a fallback: start with SSE until an upgrade works
      this._transports = this._usableTransports();
    }

    /**
     * The configured transports this environment can run. None is an immediate error: without it the client would
     * retry for ever without a word (Node 20 has no global WebSocket).
     */
    _usableTransports() {
      const o = this.options;
      const known = ['websocket', 'sse'];
      if (!Array.isArray(o.transports) || !o.transports.length || o.transports.some((k) => !known.includes(k))) {
        throw new PushHubError('bad_option', 'transports must be a non-empty array of ' + known.join(', ')
          + '; got ' + JSON.stringify(o.transports));
      }
      const has = {
        websocket: !!(o.WebSocket || typeof WebSocket !== 'undefined'),
        sse: !!((o.EventSource || typeof EventSource !== 'undefined') && (o.fetch || typeof fetch !== 'undefined')),
      };
      const usable = o.transports.filter((k) => has[k]);
      if (!usable.length) {
        throw new PushHubError('no_transport', 'this environment has no '
          + o.transports.map((k) => (k === 'websocket' ? 'WebSocket' : 'EventSource/fetch')).join(' and no ')
          + ' implementation. In Node.js < 22 pass one: PushHub.connect({ url, WebSocket: require(\'ws\') })');
      }
      return usable;
    }

    // ------------------------------------------------------------------ public API

    /** Starts connecting (called by PushHub.connect). */
    open() {
      if (this._conn || this._timer) return this;
      this._closed = false;
      this._refused = null;
      this._setState('connecting', { attempt: 0 });
      this._connect();
      return this;
    }

    /** Subscribes to a topic. handlers: {message, presence, subscribed, recovery, error}. Returns a Subscription. */
    subscribe(topic, handlers) {
      if (typeof topic !== 'string' || !topic) throw new TypeError('topic must be a non-empty string');
      let sub = this._subs.get(topic);
      const fresh = !sub;
      if (fresh) {
        sub = new Subscription(this, topic);
        this._subs.set(topic, sub);
      }
      const h = typeof handlers === 'function' ? { message: handlers } : handlers || {};
      for (const k of ['message', 'expired', 'presence', 'subscribed', 'server-subscribed', 'state', 'recovery', 'gap', 'error']) {
        if (h[k]) sub.on(k, h[k]);
      }
      if (h.token !== undefined) sub.token = h.token; // a string, or (topic) => string | Promise<string>
      if (fresh && this.state === 'connected') this._sendSubscribe(sub);
      return sub;
    }

    /**
     * Publishes to a topic clients may publish to (e.g. chat:*). Resolves with the ack, rejects with a PushHubError.
     * A publish to a topic subscribed through this client waits until the hub has acknowledged that subscription.
     */
    publish(topic, data) {
      return this._enqueue({ type: 'publish', topic, data }, this._subs.get(topic));
    }

    /** Users in a presence topic (from the subscribe ack and join/leave notices). */
    presence(topic) {
      const sub = this._subs.get(topic);
      return sub ? sub.presence() : [];
    }

    /**
     * Sends any command frame once it can (queued, in order, while not connected); resolves with the ack/pong, rejects
     * with a PushHubError (`frame` set on an error frame from the hub).
     */
    request(frame) {
      return this._enqueue(frame, null);
    }

    /** Queues an app command behind the others (and behind its topic's subscribe ack: gate), bounded in size and time. */
    _enqueue(frame, gate) {
      if (this._closed) return Promise.reject(new PushHubError('closed', frame.type + ' not sent: the client is closed'));
      if (this._queue.length >= this.options.queueSize) {
        return Promise.reject(new PushHubError('queue_full', frame.type + ' not sent: ' + this._queue.length
          + ' commands are already waiting for the connection (queueSize)'));
      }
      return new Promise((resolve, reject) => {
        const entry = { frame, resolve, reject, gate: gate || null };
        entry.timer = setTimeout(() => {
          const i = this._queue.indexOf(entry);
          if (i < 0) return;
          this._queue.splice(i, 1);
          const waitingFor = this.state !== 'connected' ? 'a connection (state ' + this.state + ')'
            : entry.gate && !entry.gate.subscribed ? 'the subscription to ' + entry.gate.topic
              : 'the commands queued before it';
          reject(new PushHubError('queue_timeout', frame.type + ' not sent within ' + this.options.queueTimeout
            + ' ms (queueTimeout): still waiting for ' + waitingFor));
          this._flush();
        }, this.options.queueTimeout);
        this._queue.push(entry);
        this._flush();
      });
    }

    /** Sends queued commands from the head while they can go; fails those whose subscription is gone. */
    _flush() {
      while (this._queue.length) {
        const e = this._queue[0];
        if (e.gate && (e.gate.state === 'failed' || e.gate.state === 'unsubscribed')) {
          this._queue.shift();
          clearTimeout(e.timer);
          e.reject(e.gate.state === 'failed' && e.gate.error ? e.gate.error
            : new PushHubError('unsubscribed', e.frame.type + ' not sent: ' + e.gate.topic + ' was unsubscribed'));
          continue;
        }
        if (this.state !== 'connected' || !this._conn || (e.gate && e.gate.state !== 'subscribed')) return;
        this._queue.shift();
        clearTimeout(e.timer);
        this._command(e.frame).then(e.resolve, e.reject);
      }
    }

    /**
     * Sends a command on the current connection now. onReply sees the reply synchronously, before frames that follow
     * it are handled.
     */
    _command(frame, onReply) {
      if (this.state !== 'connected' || !this._conn) {
        return Promise.reject(new PushHubError('connection_lost', frame.type + ' not sent: not connected (' + this.state + ')'));
      }
      const id = String(++this._seq);
      const f = Object.assign({}, frame, { id });
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          this._pending.delete(id);
          reject(new PushHubError('timeout', 'no reply to ' + f.type + ' within ' + this.options.requestTimeout + ' ms'));
        }, this.options.requestTimeout);
        this._pending.set(id, { resolve, reject, timer, frame: f, onReply });
        try {
          this._conn.send(f);
        } catch (e) { // a socket already closing: its close event follows
          this._pending.delete(id);
          clearTimeout(timer);
          reject(new PushHubError('connection_lost', f.type + ' not sent: ' + (e && e.message)));
        }
      });
    }

    /** Closes for good: no reconnect. */
    close() {
      this._closed = true;
      clearTimeout(this._timer);
      clearTimeout(this._upgradeTimer);
      this._timer = null;
      const conn = this._conn;
      this._conn = null;
      if (conn) conn.close();
      this._failPending('closed', 'client closed');
      for (const sub of this._subs.values()) sub._setState('pending', { reason: 'client closed' });
      for (const e of this._queue.splice(0)) {
        clearTimeout(e.timer);
        e.reject(new PushHubError('closed', e.frame.type + ' not sent: client closed'));
      }
      this._setState('disconnected', { reason: 'closed by the app' });
    }

    // ------------------------------------------------------------------ connecting

    async _token() {
      if (!this.options.token) return null;
      try {
        const t = await this.options.token();
        return t || null;
      } catch (e) {
        this._emit('error', new PushHubError('token_failed', 'token provider failed: ' + (e && e.message)));
        return null;
      }
    }

    async _connect() {
      this._timer = null;
      const token = await this._token();
      if (this._closed) return;
      // The hub refused this very token before and the provider has no other: asking again would only hammer the hub.
      if (this._refused && token && token === this._refused.token) { this._giveUp(this._refused); return; }
      // After a fallback, SSE first (the WebSocket is probably still blocked); the upgrade timer tries WebSocket.
      const preferred = this._sseMode ? ['sse', 'websocket'] : ['websocket', 'sse'];
      const order = preferred.filter((k) => this._transports.includes(k));
      let denied = null;
      for (const kind of order) {
        const result = await this._try(kind, token);
        if (this._closed) { if (result.conn) result.conn.close(); return; }
        if (result.denied) { denied = result.denied; break; } // the application's hook said no: no other transport
        if (result.conn) {
          if (kind === 'sse' && !this._sseMode && order.includes('websocket')) {
            this._sseMode = true;
            this._emit('fallback', { from: 'websocket', to: 'sse', reason: 'a WebSocket could not be opened' });
          } else if (kind === 'websocket') {
            this._sseMode = false;
          }
          this._adopt(result.conn, result.welcome);
          this._refused = null;
          return;
        }
      }
      // A browser tells a page nothing about a refused handshake; the hub's connect check says why, if it was refused.
      const refusal = denied || await this._whyRefused(token);
      if (this._closed) return;
      if (refusal) {
        const err = new PushHubError(refusal.code, refusal.message);
        err.status = refusal.status;
        // Permanent: this origin may not connect, or a token is needed and there is no provider to ask for one.
        // A refused token is retried only while the provider comes up with another one.
        err.fatal = refusal.code === 'origin_not_allowed' || !this.options.token;
        this._emit('error', err);
        if (err.fatal) { this._giveUp(refusal); return; }
        this._refused = Object.assign({ token }, refusal);
      }
      this._retryLater();
    }

    /** GET api/connect-check after a failed attempt: {code, message, status} if the hub refuses us, else null. */
    async _whyRefused(token) {
      const f = this.options.fetch || (typeof fetch !== 'undefined' ? fetch.bind(globalThis) : null);
      if (!f) return null;
      const abort = typeof AbortController === 'function' ? new AbortController() : null;
      let timer;
      const timeout = new Promise((resolve) => {
        timer = setTimeout(() => { if (abort) abort.abort(); resolve(null); }, this.options.openTimeout);
      });
      const ask = (async () => {
        const r = await f(new URL('api/connect-check', this.baseUrl).toString(), {
          headers: token ? { Authorization: 'Bearer ' + token } : {},
          credentials: 'omit',
          signal: abort ? abort.signal : undefined,
        });
        if (r.status !== 401 && r.status !== 403) return null;
        const body = await r.json();
        return body && typeof body.error === 'string'
          ? { code: body.error, message: String(body.message || body.error), status: r.status } : null;
      })();
      try {
        return await Promise.race([ask, timeout]);
      } catch (e) {
        return null; // hub unreachable (or no check there): an ordinary failed attempt
      } finally {
        clearTimeout(timer);
      }
    }

    /** Stops after a permanent refusal: no more attempts until the app calls open() again. */
    _giveUp(refusal) {
      this._closed = true;
      this._setState('disconnected', { refused: refusal.code, reason: refusal.message });
    }

    /** Opens one transport and waits for its welcome; resolves {conn, welcome} or {} on failure. */
    _try(kind, token) {
      return new Promise((resolve) => {
        let conn;
        let done = false;
        let denied = null; // the hub's authorization hook refused this connection (connection_denied, then close 4403)
        const finish = (ok, welcome) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          if (ok) resolve({ conn, welcome });
          else { try { conn && conn.close(); } catch (e) { /* already closed */ } resolve(denied ? { denied } : {}); }
        };
        const timer = setTimeout(() => finish(false), this.options.openTimeout);
        const hooks = {
          frame: (f) => {
            if (!done) {
              if (f.type === 'welcome') { conn._early = []; finish(true, f); }
              else if (f.type === 'error' && f.code === 'connection_denied') {
                denied = { code: f.code, message: String(f.message || f.code), status: 403 };
                finish(false);
              }
              return;
            }
            if (this._conn === conn) this._onFrame(f);
            // Frames right behind the welcome (a sticky server subscription; often in the same batch) arrive before
            // _adopt: kept for it, in order (bounded: only until the adoption a moment later, or never for a socket
            // that lost a race and is closed).
            else if (conn._early && conn._early.length < 1000) conn._early.push(f);
          },
          closed: (info) => {
            if (!done) { finish(false); return; }
            if (this._conn === conn) this._lost(info);
          },
          resumed: (f) => { if (this._conn === conn) this._emit('resumed', f); },
        };
        try {
          conn = kind === 'websocket' ? new WsTransport(this, token, hooks) : new SseTransport(this, token, hooks);
        } catch (e) {
          finish(false);
        }
      });
    }

    _adopt(conn, welcome) {
      this._conn = conn;
      this.transport = conn.kind;
      this.connectionId = welcome.connectionId;
      this.userId = welcome.userId;
      this.anonymous = welcome.anonymous;
      this._attempt = 0;
      this._emit('welcome', welcome);
      this._setState('connected', { transport: conn.kind, connectionId: welcome.connectionId });
      for (const sub of this._subs.values()) this._sendSubscribe(sub);
      const early = conn._early || [];
      conn._early = null;
      for (const f of early) if (this._conn === conn) this._onFrame(f);
      this._flush();
      if (conn.kind === 'sse') this._scheduleUpgrade();
    }

    _lost(info) {
      this._conn = null;
      this.transport = null;
      for (const sub of this._subs.values()) sub._setState('pending', { reason: 'connection lost' });
      this._failPending('connection_lost', 'connection lost');
      clearTimeout(this._upgradeTimer);
      if (this._closed) return;
      this._emit('disconnect', info || {});
      this._retryLater(info);
    }

    _retryLater(info) {
      const r = this.options.reconnect;
      const goingAway = info && info.code === 1001 && info.reason !== 'page hidden' && this._attempt === 0;
      const delay = goingAway
        ? Math.round(Math.random() * (r.goingAwayJitter === undefined ? 250 : r.goingAwayJitter))
        : backoff(this._attempt, r);
      this._attempt++;
      this._setState('reconnecting', Object.assign({ attempt: this._attempt, delay }, info || {}));
      this._timer = setTimeout(() => this._connect(), delay);
    }

    /** While on SSE: every upgradeAfter ms, open a WebSocket beside it; switch only once it works (make before break). */
    _scheduleUpgrade() {
      clearTimeout(this._upgradeTimer);
      if (!this.options.upgradeAfter || !this._transports.includes('websocket')) return;
      this._upgradeTimer = setTimeout(async () => {
        if (this._closed || !this._conn || this._conn.kind !== 'sse') return;
        const token = await this._token();
        const result = await this._try('websocket', token);
        if (!result.conn) { this._scheduleUpgrade(); return; }
        if (this._closed || !this._conn) { result.conn.close(); return; }
        const old = this._conn;
        this._conn = null; // frames still arriving on the old stream are ignored from here on
        this._sseMode = false;
        this._emit('upgrade', { from: 'sse', to: 'websocket' });
        for (const sub of this._subs.values()) sub._setState('pending', { reason: 'transport switched' });
        this._failPending('connection_lost', 'transport switched');
        this._adopt(result.conn, result.welcome);
        old.close();
      }, this.options.upgradeAfter);
    }

    _setState(state, detail) {
      if (this.state === state && state !== 'reconnecting') return;
      this.state = state;
      this._emit('state', state, detail || {});
      this._emit(state, detail || {});
    }

    _failPending(code, why) {
      for (const [id, p] of this._pending) {
        clearTimeout(p.timer);
        p.reject(new PushHubError(code, p.frame.type + ' not answered: ' + why));
        this._pending.delete(id);
      }
    }

    // ------------------------------------------------------------------ subscriptions and frames

    _sendSubscribe(sub) {
      const frame = { type: 'subscribe', topic: sub.topic };
      if (sub.position) frame.since = { offset: sub.position.offset, epoch: sub.position.epoch };
      sub._setState('subscribing');
      const source = sub.token !== undefined ? sub.token : this.options.getSubscribeToken;
      if (source === undefined || source === null) {
        this._subscribeWith(sub, frame);
        return;
      }
      // A subscribe token (fresh for every subscribe: they are short-lived) is fetched before the frame goes out.
      const conn = this._conn;
      Promise.resolve()
        .then(() => (typeof source === 'function' ? source(sub.topic) : source))
        .then((token) => {
          // The connection changed meanwhile (the next one subscribes again), or the app unsubscribed.
          if (this._conn !== conn || sub.state !== 'subscribing' || this._subs.get(sub.topic) !== sub) return;
          if (token !== null && token !== undefined) frame.token = String(token);
          this._subscribeWith(sub, frame);
        }, (e) => {
          if (this._subs.get(sub.topic) !== sub) return;
          const err = new PushHubError('token_failed', 'subscribe token for ' + sub.topic + ' failed: ' + (e && e.message));
          this._subs.delete(sub.topic);
          sub.error = err;
          sub._setState('failed', { error: err });
          sub._emit('error', err);
          this._emit('error', err);
        });
    }

    _subscribeWith(sub, frame) {
      // Handled synchronously: presence notices and replayed messages right behind the ack must see its state.
      this._command(frame, (ack) => {
        sub._resumeRace = false;
        if (ack.members) sub.members = ack.members.slice().sort();
        this._recovery(sub, ack.recovery);
        sub._setState('subscribed', { ack });
        sub._emit('subscribed', ack);
      }).catch((err) => {
        if (err.frame && this._subs.get(sub.topic) === sub) {
          // Refused by the hub (forbidden_topic, too_many_subscriptions, ...): not retried.
          this._subs.delete(sub.topic);
          sub.error = err;
          sub._setState('failed', { error: err });
          sub._emit('error', err);
          this._emit('error', err);
        } else if (sub.state === 'subscribing' && err.code === 'timeout') {
          sub._setState('pending', { reason: err.message }); // subscribed again on the next connection
        }
        // a lost connection: the next connection subscribes again
      });
    }

    _recovery(sub, r) {
      if (!r) return;
      // Over SSE the ack comes back as an HTTP response and may be read after live messages from the stream:
      // never move the position backwards within an epoch.
      const track = () => {
        if (r.epoch === undefined || r.offset === undefined) return;
        const pos = sub.position;
        if (!pos || pos.epoch !== r.epoch || r.offset > pos.offset) sub.position = { epoch: r.epoch, offset: r.offset };
      };
      if (r.recovered === false) {
        // Could not resume: tell the app what it missed, then track from the hub's current position.
        track();
        const info = { topic: sub.topic, reason: r.reason, missed: r.missed || null, epoch: r.epoch, offset: r.offset };
        sub._emit('recovery', info);
        this._emit('recovery', info);
      } else if (r.recovered === true) {
        // Replayed messages follow the ack and move the position themselves.
        if (r.replayed === 0) track();
      } else {
        track(); // first subscribe: start tracking
      }
    }

    async _unsubscribe(sub) {
      if (this._subs.get(sub.topic) !== sub) return;
      this._subs.delete(sub.topic);
      const wasSent = sub.state === 'subscribing' || sub.state === 'subscribed';
      sub._setState('unsubscribed');
      if (this.state === 'connected' && wasSent) {
        try { await this._command({ type: 'unsubscribe', topic: sub.topic }); } catch (e) { /* gone with the connection */ }
      }
    }

    /** Every frame from the current transport (and REST replies of the SSE transport). */
    _onFrame(f) {
      this._emit('frame', f);
      switch (f.type) {
        case 'ack':
        case 'pong':
        case 'error': {
          const p = f.id !== undefined && f.id !== null ? this._pending.get(String(f.id)) : null;
          if (p) {
            this._pending.delete(String(f.id));
            clearTimeout(p.timer);
            if (f.type === 'error') {
              p.reject(hubError(f));
            } else {
              if (p.onReply) {
                try { p.onReply(f); } catch (e) { if (typeof console !== 'undefined') console.error('pushhub: reply handler failed', e); }
              }
              p.resolve(f);
            }
          } else if (f.type === 'error') {
            this._emit('error', hubError(f));
          }
          break;
        }
        case 'message':
          this._message(f);
          break;
        case 'retract':
          // collapseOnAck: another connection of this user acknowledged the message; take it off this screen.
          this._emit('retract', f.messageId, f);
          break;
        case 'gap': {
          // Either the server dropped f.missed messages for this connection (slow consumer, policy drop-oldest), or,
          // with f.topic, offsets f.fromOffset..f.toOffset (toOffset absent: end unknown) of that topic will not
          // arrive (the node's cluster feed was cut and history could not be read): the subscription hears it too.
          const sub = f.topic !== undefined ? this._subs.get(f.topic) : null;
          if (sub) sub._emit('gap', f);
          this._emit('gap', f);
          break;
        }
        case 'subscribed':
          if (f.by === 'server') this._serverSubscribed(f);
          break;
        case 'unsubscribed':
          if (f.by === 'server') this._serverUnsubscribed(f);
          break;
        case 'presence': {
          const sub = this._subs.get(f.topic);
          if (sub) {
            const set = new Set(sub.members);
            if (f.event === 'join') set.add(f.userId);
            // While this connection is in the room its user is too, whatever another tab (or our own previous
            // connection, after a transport switch) did.
            else if (f.event === 'leave' && f.userId !== this.userId) set.delete(f.userId);
            sub.members = [...set].sort();
            sub._emit('presence', f);
          }
          this._emit('presence', f);
          break;
        }
        default:
          break;
      }
    }

    /**
     * The app's backend subscribed this connection (POST /api/users/{id}/subscriptions; a sticky one right after the
     * welcome). A topic new to the client becomes a Subscription like the app's own (byServer true): its messages go to
     * it, and a reconnect resubscribes it from its last position; the client's 'server-subscribed' (sub, frame) lets
     * the app attach handlers. Every such frame (also a sticky one again after a reconnect) is the Subscription's
     * 'server-subscribed' event.
     */
    _serverSubscribed(f) {
      let sub = this._subs.get(f.topic);
      if (!sub) {
        sub = new Subscription(this, f.topic);
        sub.byServer = true;
        this._subs.set(f.topic, sub);
        sub._setState('subscribed', { by: 'server' });
        this._emit('server-subscribed', sub, f); // only for a topic new to the client: attach handlers once
      } else if (sub.state === 'subscribing' && sub.position) {
        // A sticky subscription after a reconnect, while our own resume of the topic is on its way: live messages may
        // come before the replay of older ones. Until the ack they do not move the position (the replay, which repeats
        // them, is deduplicated by message id).
        sub._resumeRace = true;
      }
      sub._emit('server-subscribed', f);
    }

    /** The backend unsubscribed this connection: the Subscription ends (state 'unsubscribed', detail by 'server'). */
    _serverUnsubscribed(f) {
      const sub = this._subs.get(f.topic);
      if (sub) {
        this._subs.delete(f.topic);
        sub._setState('unsubscribed', { by: 'server' });
      }
      this._emit('server-unsubscribed', f.topic, f);
    }

    _message(f) {
      // The same push reaching us twice (two connections overlapping during a switch) has one messageId.
      if (f.messageId) {
        if (this._seenIds.has(f.messageId)) return;
        this._seenIds.add(f.messageId);
        this._seenOrder.push(f.messageId);
        if (this._seenOrder.length > this.options.dedupeWindow) this._seenIds.delete(this._seenOrder.shift());
      }
      const sub = f.topic !== undefined ? this._subs.get(f.topic) : null;
      if (sub && typeof f.offset === 'number' && !(sub._resumeRace && sub.state === 'subscribing')) {
        const pos = sub.position;
        if (pos && pos.epoch === f.epoch && f.offset <= pos.offset) return; // replayed twice: already delivered
        sub.position = { epoch: f.epoch, offset: f.offset };
      }
      // Late (a stalled connection, a slow machine) or judged so by a clock ahead of the hub's: see dropExpired. It
      // still counts as seen and as the topic's position, so a resume does not ask for it again.
      if (this.options.dropExpired && typeof f.expiresAt === 'number'
          && Date.now() > f.expiresAt + this.options.expiryGrace) {
        if (sub) sub._emit('expired', f);
        this._emit('expired', f);
        return;
      }
      if (sub) sub._emit('message', f.data, f);
      this._emit('message', f.data, f);
      if (f.receipt === true && this.options.autoReceipt) this.received(f.messageId);
    }

    /**
     * Acknowledges a message that asked for a receipt (its frame has receipt: true): the hub records it as acknowledged
     * by this connection and, for a collapseOnAck push, retracts it on the user's other connections. Done by itself
     * after the 'message' handlers unless autoReceipt is false. Fire and forget: no reply is awaited, nothing is queued
     * while disconnected (a message of a connection that is gone cannot be acknowledged by another one). Returns
     * whether it was sent.
     */
    received(messageId) {
      if (this.state !== 'connected' || !this._conn || typeof messageId !== 'string') return false;
      try {
        this._conn.send({ type: 'received', messageId });
        return true;
      } catch (e) { // a socket already closing
        return false;
      }
    }
  }

  // -------------------------------------------------------------------- transports

  /** The WebSocket transport: token as sub-protocol bearer.<jwt>, so it stays out of URLs and logs. */
  class WsTransport {
    constructor(client, token, hooks) {
      this.kind = 'websocket';
      const WS = client.options.WebSocket || (typeof WebSocket !== 'undefined' ? WebSocket : null);
      if (!WS) throw new Error('no WebSocket in this environment');
      const url = new URL('ws', client.baseUrl);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      const protocols = ['pushhub.v1'];
      if (token) protocols.push('bearer.' + token);
      this.ws = new WS(url.toString(), protocols);
      this.closedByUs = false;
      this.ws.onmessage = (e) => {
        let f;
        try { f = JSON.parse(e.data); } catch (err) { return; }
        // Queued frames may arrive as one batch frame (docs/protocol.md): each is handled as if it came alone.
        if (f.type === 'batch' && Array.isArray(f.messages)) f.messages.forEach((m) => hooks.frame(m));
        else hooks.frame(f);
      };
      this.ws.onclose = (e) => {
        if (!this.closedByUs) hooks.closed({ transport: 'websocket', code: e.code, reason: e.reason });
      };
      this.ws.onerror = () => { /* followed by close */ };
    }
    send(frame) { this.ws.send(JSON.stringify(frame)); }
    close() {
      this.closedByUs = true;
      try { this.ws.close(1000, 'bye'); } catch (e) { /* already closed */ }
    }
  }

  /**
   * The SSE transport: GET api/events for frames, POST api/events/{id}/commands for commands (the reply comes back
   * as the HTTP response and is handled like a frame). EventSource's own reconnect is not used: a broken stream is
   * reported like a closed WebSocket, and the client reconnects with a fresh token and its own backoff.
   */
  class SseTransport {
    constructor(client, token, hooks) {
      this.kind = 'sse';
      this.client = client;
      this.token = token;
      this.hooks = hooks;
      const ES = client.options.EventSource || (typeof EventSource !== 'undefined' ? EventSource : null);
      this.fetch = client.options.fetch || (typeof fetch !== 'undefined' ? fetch.bind(globalThis) : null);
      if (!ES || !this.fetch) throw new Error('no EventSource/fetch in this environment');
      const url = new URL('api/events', client.baseUrl);
      if (token) url.searchParams.set('access_token', token);
      this.es = new ES(url.toString(), { withCredentials: true });
      this.connectionId = null;
      this.closed = false;
      this.es.onmessage = (e) => {
        let f;
        try { f = JSON.parse(e.data); } catch (err) { return; }
        if (f.type === 'welcome') { this.connectionId = f.connectionId; this.commandKey = f.commandKey || null; }
        if (f.type === 'closed') { this._end({ transport: 'sse', code: f.code, reason: f.reason }); return; }
        if (f.type === 'resumed') { hooks.resumed(f); return; }
        hooks.frame(f);
      };
      this.es.onerror = () => this._end({ transport: 'sse', code: 1006, reason: 'stream broke' });
      // A WebSocket closes with its page; an SSE connection would linger in the hub (and its rooms) for the resume
      // window. Say goodbye when the page goes away; if it comes back (back/forward cache) the client reconnects.
      this._onPageHide = () => { this._goodbye(); this._end({ transport: 'sse', code: 1001, reason: 'page hidden' }); };
      if (typeof addEventListener === 'function') addEventListener('pagehide', this._onPageHide);
    }
    _end(info) {
      if (this.closed) return;
      this.closed = true;
      this.es.close();
      if (typeof removeEventListener === 'function') removeEventListener('pagehide', this._onPageHide);
      this.hooks.closed(info);
    }
    _commandUrl(suffix) {
      return new URL('api/events/' + encodeURIComponent(this.connectionId) + suffix, this.client.baseUrl).toString();
    }
    _headers() {
      const h = { 'Content-Type': 'application/json' };
      if (this.token) h.Authorization = 'Bearer ' + this.token;
      // The stream's own secret: proves this is its owner where the browser sends no cookie (a page of another site).
      if (this.commandKey) h['X-PushHub-Command-Key'] = this.commandKey;
      return h;
    }
    send(frame) {
      this.fetch(this._commandUrl('/commands'), {
        method: 'POST',
        credentials: 'include',
        headers: this._headers(),
        body: JSON.stringify(frame),
      }).then(async (r) => {
        let reply = null;
        try { reply = await r.json(); } catch (e) { /* not JSON */ }
        if (r.status === 403 && reply && reply.error === 'not_owner' && !this.token && !this.client._sseOwnerRetried) {
          // Only from a hub without command keys (older than this client): the browser's anonymous cookie is not the
          // one the stream was opened with. A new stream, with the cookie the browser has now, is this user's, and the
          // subscriptions are sent again there; a second not_owner goes to the app.
          this.client._sseOwnerRetried = true;
          this._end({ transport: 'sse', code: 1008, reason: 'anonymous cookie changed' });
          return;
        }
        if (r.ok) this.client._sseOwnerRetried = false;
        if (reply && reply.type) this.hooks.frame(reply);
        else {
          // A REST-level refusal (404 connection gone, 403 not owner, 504 no reply): answer the request with it.
          this.hooks.frame({ type: 'error', id: frame.id, code: (reply && reply.error) || 'http_' + r.status,
            message: (reply && reply.message) || 'HTTP ' + r.status });
        }
      }, (err) => {
        this.hooks.frame({ type: 'error', id: frame.id, code: 'network', message: String(err && err.message) });
      });
    }
    close() {
      if (this.closed) return;
      this.closed = true;
      this.es.close();
      if (typeof removeEventListener === 'function') removeEventListener('pagehide', this._onPageHide);
      this._goodbye();
    }
    /** Tells the hub the connection is over (what a WebSocket close frame does); else it waits out the resume window. */
    _goodbye() {
      if (!this.connectionId || this.saidGoodbye) return;
      this.saidGoodbye = true;
      this.fetch(this._commandUrl(''), { method: 'DELETE', credentials: 'include', headers: this._headers(), keepalive: true })
        .catch(() => { /* the hub retires it later */ });
    }
  }

  return {
    /** Creates a client and starts connecting. See docs/js-client.md. */
    connect(options) { return new Client(options).open(); },
    Client,
    PushHubError,
    backoff,
    version: '0.1.0',
  };
});
