// Types of pushhub.js: one file for every way of loading it (TypeScript's UMD pattern).
//   import PushHub from 'pushhub-client'            (ESM: the package's pushhub.d.mts re-exports this file)
//   import PushHub = require('pushhub-client')      (CommonJS: const PushHub = require('pushhub-client'))
//   <script src="/pushhub.js">                      (the global PushHub: /// <reference types="pushhub-client" />
//                                                    or /// <reference path="pushhub.d.ts" />, served at /pushhub.d.ts)
// In a module file that relies on the script tag, use window.PushHub (or enable allowUmdGlobalAccess).
// Guide: docs/js-client.md. Checked by tsc in src/test/js/package.test.mjs.

export = PushHub;
export as namespace PushHub;

declare namespace PushHub {
  /** Creates a client and starts connecting. Throws a PushHubError (`no_transport`, `bad_option`) at once. */
  function connect(options?: Options): Client;
  /** Delay before reconnect attempt n (0-based), for a random number in [0, 1). */
  function backoff(n: number, reconnect: Required<Omit<ReconnectOptions, 'goingAwayJitter'>>, random?: number): number;
  const version: string;

  type State = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected';
  type TransportKind = 'websocket' | 'sse';

  interface ReconnectOptions {
    /** First delay in ms (default 500). */
    initialDelay?: number;
    /** Upper bound in ms (default 15000). */
    maxDelay?: number;
    /** Growth per failed attempt (default 2). */
    factor?: number;
    /** Up to this fraction of each delay is taken off at random (default 0.5), so clients do not reconnect in step. */
    jitter?: number;
    /**
     * After a close 1001 from the hub (server stop, node drain), the first attempt waits only up to this many ms, spread
     * at random (default 250); later attempts back off as usual.
     */
    goingAwayJitter?: number;
  }

  interface Options {
    /** Base URL of the hub, e.g. 'https://push.example.com/'. Default: the page's origin. */
    url?: string;
    /** Called before every (re)connect; return a JWT, or null to connect anonymously. May be async. */
    token?: () => string | null | undefined | Promise<string | null | undefined>;
    /**
     * A subscribe token for a topic (a JWT the backend signs for this user and topic, docs/authorization.md), asked
     * before every (re)subscribe; null/undefined sends none. May be async. `subscribe(topic, { token })` overrides it.
     */
    getSubscribeToken?: (topic: string) => string | null | undefined | Promise<string | null | undefined>;
    /** Transports to try, in order (default ['websocket', 'sse']). */
    transports?: TransportKind[];
    reconnect?: ReconnectOptions;
    /** While on the SSE fallback, try a WebSocket again this often in ms (default 30000; 0 = never). */
    upgradeAfter?: number;
    /** A transport without a welcome frame by then counts as failed, in ms (default 10000). */
    openTimeout?: number;
    /** A command without a reply by then is rejected with code `timeout`, in ms (default 10000). */
    requestTimeout?: number;
    /**
     * Commands issued before they can be sent (while connecting or reconnecting, or a publish to a topic whose subscribe
     * is not acknowledged yet) wait in one queue, sent in order: at most this many (default 100; more: `queue_full`).
     */
    queueSize?: number;
    /** A queued command not sent within this many ms is rejected with code `queue_timeout` (default 30000). */
    queueTimeout?: number;
    /** How many message ids are remembered to drop duplicates (default 1000). */
    dedupeWindow?: number;
    /**
     * Drop a message whose `expiresAt` has passed when it arrives (a stalled connection, a slow machine) instead of
     * handing it to `message` handlers; it is reported as an `expired` event (default true). Judged by this machine's
     * clock: see expiryGrace.
     */
    dropExpired?: boolean;
    /**
     * Acknowledge a message whose frame has `receipt: true` (a push with delivery receipts) with a `received` command
     * once every `message` handler returned (default true); false: the app calls `received(messageId)` itself.
     */
    autoReceipt?: boolean;
    /**
     * Milliseconds a message may arrive after its `expiresAt` and still be handed over, for a client clock that runs
     * ahead of the hub's (default 0). A number >= 0, else connect() throws `bad_option`.
     */
    expiryGrace?: number;
    /**
     * The WebSocket implementation; default the global one. Node.js < 22 has none: pass `require('ws')` (npm ws). With
     * neither this nor an EventSource, connect() throws a PushHubError with code `no_transport`.
     */
    WebSocket?: new (url: string, protocols: string[]) => object;
    /** The EventSource implementation for the SSE fallback; default the global one. */
    EventSource?: new (url: string, init?: { withCredentials?: boolean }) => object;
    fetch?: typeof fetch;
  }

  interface Welcome {
    type: 'welcome';
    connectionId: string;
    userId: string;
    anonymous: boolean;
    limits: { maxFrameBytes: number; maxSubscriptions: number; ratePerSecond: number; rateBurst: number };
    /** Only over SSE: the secret the client's commands send in X-PushHub-Command-Key (proves the stream's owner). */
    commandKey?: string;
  }

  interface MessageFrame<T = unknown> {
    type: 'message';
    messageId: string;
    scope: 'all' | 'user' | 'connection' | 'topic';
    topic?: string;
    from?: string;
    time: number;
    /**
     * Epoch ms after which the hub delivers this message no more (the push had a ttl or expiresAt); absent: never
     * expires. A message written just before may still arrive a moment after: the client drops one that arrives after
     * it by its own clock and emits `expired` instead of `message` (options dropExpired, expiryGrace).
     */
    expiresAt?: number;
    /** Position in the topic's history, when the hub keeps one for the topic. */
    offset?: number;
    epoch?: string;
    /** true when the push asked for delivery receipts: the client acknowledges it (see autoReceipt). */
    receipt?: true;
    data: T;
  }

  interface PresenceFrame {
    type: 'presence';
    topic: string;
    event: 'join' | 'leave';
    userId: string;
    connectionId: string;
    time: number;
  }

  interface Recovery {
    recovered?: boolean;
    replayed?: number;
    /** Missed messages the replay skipped because they had expired (absent when none). */
    expired?: number;
    reason?: 'trimmed' | 'expired' | 'epoch_changed' | string;
    missed?: { fromOffset: number; toOffset: number };
    epoch?: string;
    offset?: number;
  }

  interface Ack {
    type: 'ack';
    id: string;
    for: 'subscribe' | 'unsubscribe' | 'publish' | 'echo';
    topic?: string;
    members?: string[];
    messageId?: string;
    recovery?: Recovery;
    data?: unknown;
  }

  /**
   * The app's backend (POST/DELETE /api/users/{id}/subscriptions) subscribed or unsubscribed this connection
   * (docs/protocol.md#subscriptions-made-by-the-server).
   */
  interface ServerSubscriptionFrame {
    type: 'subscribed' | 'unsubscribed';
    topic: string;
    by: 'server';
  }

  /** Told to the app when a topic could not be resumed after a reconnect: it missed messages. */
  interface RecoveryFailure {
    topic: string;
    reason: string;
    missed: { fromOffset: number; toOffset: number } | null;
    epoch?: string;
    offset?: number;
  }

  /** An `error` frame of the hub (docs/protocol.md#errors), or an HTTP refusal of an SSE command turned into one. */
  interface ErrorFrame {
    type: 'error';
    id?: string;
    code: string;
    message: string;
  }

  /**
   * The client's own codes; errors from the hub carry the hub's (`not_subscribed`, `publish_not_allowed`,
   * `forbidden_topic`, `rate_limited`, ...: docs/protocol.md#errors).
   */
  type ClientErrorCode =
    | 'closed' // the client was closed before the command was sent or answered
    | 'connection_lost' // the connection ended before the reply (the hub may or may not have acted on it)
    | 'timeout' // no reply within requestTimeout
    | 'queue_full' // queueSize commands already waiting
    | 'queue_timeout' // not sent within queueTimeout
    | 'unsubscribed' // the topic was unsubscribed while the publish waited for it
    | 'no_transport' // this environment has no WebSocket (nor EventSource): thrown by connect()
    | 'bad_option' // an option is invalid: thrown by connect()
    | 'token_failed' // the token provider threw or rejected (an 'error' event; the client connects without a token)
    | 'network' // an SSE command could not be posted
    | RefusalCode; // the hub refuses this page: an 'error' event with status and fatal (docs/js-client.md)

  /** Why the hub refuses to connect this page (GET /api/connect-check), as a refusal's `code`. */
  type RefusalCode = 'origin_not_allowed' | 'token_expired' | 'token_invalid' | 'token_required' | 'connection_denied';

  /** Every error the client reports: rejected commands, `error` events, connect() throwing. */
  class PushHubError extends Error {
    constructor(code: string, message: string, frame?: ErrorFrame);
    readonly name: 'PushHubError';
    /** Always set: the hub's code, one of ClientErrorCode, or `http_<status>` (an SSE command refused over HTTP). */
    readonly code: ClientErrorCode | (string & {});
    /** Starts with the code: `not_subscribed: ...`. */
    readonly message: string;
    /** The hub's error frame, only when the hub sent one. */
    readonly frame?: ErrorFrame;
    /** A refused connection (the client's `error` event, code a RefusalCode): the connect check's HTTP status, 401/403. */
    readonly status?: number;
    /** A refused connection: true when the client stopped retrying (state 'disconnected'; open() tries again). */
    readonly fatal?: boolean;
  }

  /** The former name of PushHubError. */
  type HubError = PushHubError;

  interface SubscriptionHandlers<T = unknown> {
    message?: (data: T, frame: MessageFrame<T>) => void;
    /** A message of this topic that arrived after its expiresAt and was not given to `message` (see dropExpired). */
    expired?: (frame: MessageFrame<T>) => void;
    presence?: (frame: PresenceFrame) => void;
    subscribed?: (ack: Ack) => void;
    /** The app's backend subscribed this connection to the topic (also again after a reconnect, for a sticky one). */
    'server-subscribed'?: (frame: ServerSubscriptionFrame) => void;
    /** Every change of the subscription's state. */
    state?: (state: SubscriptionState, detail: SubscriptionStateDetail) => void;
    recovery?: (info: RecoveryFailure) => void;
    /** Offsets of this topic that will not arrive (see GapFrame). */
    gap?: (frame: TopicGapFrame) => void;
    error?: (error: HubError) => void;
    /** A subscribe token for this topic, or a function returning one (asked before every resubscribe); see getSubscribeToken. */
    token?: string | ((topic: string) => string | null | undefined | Promise<string | null | undefined>);
  }

  /** Messages dropped for this connection because it read too slowly (policy drop-oldest). */
  interface DroppedGapFrame {
    type: 'gap';
    missed: number;
  }

  /**
   * Offsets of a history topic this connection missed and will not get (its node's cluster feed was cut and the history
   * could not be read, or no longer keeps them). `toOffset` is absent when the end is unknown.
   */
  interface TopicGapFrame {
    type: 'gap';
    topic: string;
    fromOffset: number;
    toOffset?: number;
    epoch: string;
    reason: 'unavailable' | 'trimmed' | string;
    message?: string;
  }

  type GapFrame = DroppedGapFrame | TopicGapFrame;

  /**
   * pending: waiting for a connection; subscribing: sent, not acknowledged yet; subscribed; failed: the hub refused it
   * (see `error`; not retried); unsubscribed: by the app, or by its backend (detail.by 'server'). A lost connection moves subscribed back to pending.
   */
  type SubscriptionState = 'pending' | 'subscribing' | 'subscribed' | 'failed' | 'unsubscribed';

  interface SubscriptionStateDetail {
    /** subscribed: the hub's ack. */
    ack?: Ack;
    /** failed: why. */
    error?: PushHubError;
    /** pending: why (connection lost, transport switched, client closed). */
    reason?: string;
    /** subscribed / unsubscribed: 'server' when the app's backend did it. */
    by?: 'server';
  }

  interface Subscription<T = unknown> {
    readonly topic: string;
    readonly state: SubscriptionState;
    /** failed: the hub's refusal. */
    readonly error?: PushHubError;
    /** True while the current connection has acknowledged the subscription (state 'subscribed'). */
    readonly subscribed: boolean;
    /** True when the app's backend made it (a `subscribed` frame by server), not subscribe(). */
    readonly byServer: boolean;
    on<K extends keyof SubscriptionHandlers<T>>(event: K, fn: NonNullable<SubscriptionHandlers<T>[K]>): () => void;
    unsubscribe(): Promise<void>;
    /** Users in the room (presence topics). */
    presence(): string[];
    /** Waits for this subscription's ack (queued), then publishes; rejects with a PushHubError. */
    publish(data: unknown): Promise<Ack>;
  }

  interface StateDetail {
    transport?: TransportKind;
    connectionId?: string;
    attempt?: number;
    /** ms until the next attempt (reconnecting). */
    delay?: number;
    code?: number;
    reason?: string;
    /** 'disconnected' after a permanent refusal: why (a RefusalCode); open() tries again. */
    refused?: RefusalCode | (string & {});
  }

  interface ClientEvents {
    state: (state: State, detail: StateDetail) => void;
    connecting: (detail: StateDetail) => void;
    connected: (detail: StateDetail) => void;
    reconnecting: (detail: StateDetail) => void;
    disconnected: (detail: StateDetail) => void;
    disconnect: (detail: StateDetail) => void;
    fallback: (info: { from: 'websocket'; to: 'sse'; reason: string }) => void;
    upgrade: (info: { from: 'sse'; to: 'websocket' }) => void;
    welcome: (welcome: Welcome) => void;
    resumed: (info: { connectionId: string; replayed: number }) => void;
    /** Every message: topic ones (also given to their subscription) and those pushed to the user, connection or all. */
    message: (data: unknown, frame: MessageFrame) => void;
    /** A message that arrived after its expiresAt, by this machine's clock, and was dropped (see dropExpired). */
    expired: (frame: MessageFrame) => void;
    /**
     * A push with collapseOnAck was acknowledged on another connection of this user: take message `messageId` off
     * this screen (docs/receipts.md).
     */
    retract: (messageId: string, frame: { type: 'retract'; messageId: string }) => void;
    presence: (frame: PresenceFrame) => void;
    recovery: (info: RecoveryFailure) => void;
    /**
     * Something will not arrive: `{missed}` messages dropped because this client read too slowly (policy drop-oldest),
     * or, with `topic`, offsets `fromOffset..toOffset` of that topic (see TopicGapFrame).
     */
    gap: (frame: GapFrame) => void;
    error: (error: HubError) => void;
    /**
     * The app's backend subscribed this client to a topic it had no Subscription for (POST /api/users/{id}/subscriptions,
     * or a sticky one right after the welcome): `sub` is the new Subscription (byServer true); attach handlers to it.
     * Once per topic: after a reconnect the client resumes it itself, and the Subscription's own `server-subscribed`
     * event tells of every frame.
     */
    'server-subscribed': (sub: Subscription, frame: ServerSubscriptionFrame) => void;
    /** The app's backend unsubscribed this connection from a topic; its Subscription, if any, is now 'unsubscribed'. */
    'server-unsubscribed': (topic: string, frame: ServerSubscriptionFrame) => void;
    /** Every frame received, for debugging consoles. */
    frame: (frame: { type: string; [k: string]: unknown }) => void;
  }

  class Client {
    /** Creates a client without connecting; connect(options) is `new Client(options).open()`. */
    constructor(options?: Options);
    /** Starts connecting (again, after close()). */
    open(): this;
    readonly state: State;
    readonly transport: TransportKind | null;
    readonly connectionId: string | null;
    readonly userId: string | null;
    readonly anonymous: boolean | null;
    on<K extends keyof ClientEvents>(event: K, fn: ClientEvents[K]): () => void;
    off<K extends keyof ClientEvents>(event: K, fn: ClientEvents[K]): void;
    /**
     * Subscribes (or adds handlers to the existing subscription); sent once connected. T, the type of the messages'
     * data, is inferred from a typed handler or given: subscribe<Chat>('chat:lobby', ...).
     */
    subscribe<T = unknown>(topic: string, handlers?: SubscriptionHandlers<T> | ((data: T, frame: MessageFrame<T>) => void)): Subscription<T>;
    /**
     * Resolves with the ack, rejects with a PushHubError. Queued while not connected (queueSize, queueTimeout); a publish
     * to a topic subscribed through this client waits for that subscription's ack.
     */
    publish(topic: string, data: unknown): Promise<Ack>;
    presence(topic: string): string[];
    /** Any command frame (ping, echo, ...), queued like publish: resolves with the ack/pong, rejects with a PushHubError. */
    request(frame: { type: string; [k: string]: unknown }): Promise<Ack | { type: 'pong'; id: string; time: number }>;
    /** Closes for good (no reconnect). */
    close(): void;
    /**
     * Acknowledges a message that asked for a receipt (done by itself unless autoReceipt is false); false when not
     * connected.
     */
    received(messageId: string): boolean;
  }

  /** What the script tag defines as window.PushHub. */
  type PushHubStatic = typeof PushHub;
}

declare global {
  interface Window {
    PushHub: typeof PushHub;
  }
}
