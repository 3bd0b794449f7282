// Types of pushhub.js (served by the hub at /pushhub.js and /pushhub.d.ts). Guide: docs/js-client.md.

export type State = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected';
export type TransportKind = 'websocket' | 'sse';

export interface ReconnectOptions {
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

export interface Options {
  /** Base URL of the hub, e.g. 'https://push.example.com/'. Default: the page's origin. */
  url?: string;
  /** Called before every (re)connect; return a JWT, or null to connect anonymously. May be async. */
  token?: () => string | null | undefined | Promise<string | null | undefined>;
  /** Transports to try, in order (default ['websocket', 'sse']). */
  transports?: TransportKind[];
  reconnect?: ReconnectOptions;
  /** While on the SSE fallback, try a WebSocket again this often in ms (default 30000; 0 = never). */
  upgradeAfter?: number;
  /** A transport without a welcome frame by then counts as failed, in ms (default 10000). */
  openTimeout?: number;
  /** A command without a reply by then is rejected, in ms (default 10000). */
  requestTimeout?: number;
  /** How many message ids are remembered to drop duplicates (default 1000). */
  dedupeWindow?: number;
  /** Injectable implementations (tests, non-browser environments). */
  WebSocket?: unknown;
  EventSource?: unknown;
  fetch?: typeof fetch;
}

export interface Welcome {
  type: 'welcome';
  connectionId: string;
  userId: string;
  anonymous: boolean;
  limits: { maxFrameBytes: number; maxSubscriptions: number; ratePerSecond: number; rateBurst: number };
}

export interface MessageFrame<T = unknown> {
  type: 'message';
  messageId: string;
  scope: 'all' | 'user' | 'connection' | 'topic';
  topic?: string;
  from?: string;
  time: number;
  /** Position in the topic's history, when the hub keeps one for the topic. */
  offset?: number;
  epoch?: string;
  data: T;
}

export interface PresenceFrame {
  type: 'presence';
  topic: string;
  event: 'join' | 'leave';
  userId: string;
  connectionId: string;
  time: number;
}

export interface Recovery {
  recovered?: boolean;
  replayed?: number;
  reason?: 'trimmed' | 'expired' | 'epoch_changed' | string;
  missed?: { fromOffset: number; toOffset: number };
  epoch?: string;
  offset?: number;
}

export interface Ack {
  type: 'ack';
  id: string;
  for: 'subscribe' | 'unsubscribe' | 'publish' | 'echo';
  topic?: string;
  members?: string[];
  messageId?: string;
  recovery?: Recovery;
  data?: unknown;
}

/** Told to the app when a topic could not be resumed after a reconnect: it missed messages. */
export interface RecoveryFailure {
  topic: string;
  reason: string;
  missed: { fromOffset: number; toOffset: number } | null;
  epoch?: string;
  offset?: number;
}

/** Why the hub refuses to connect this page (GET /api/connect-check), as `HubError.code`. */
export type RefusalCode = 'origin_not_allowed' | 'token_expired' | 'token_invalid' | 'token_required';

/**
 * An error frame turned into an Error; `frame` has the hub's code and message. A refused connection (the client's
 * `error` event) has instead `code` (a RefusalCode), `status` (401/403), `message` (e.g. 'origin not allowed',
 * 'token invalid: expired') and `fatal`: true when the client stopped retrying (state 'disconnected').
 */
export interface HubError extends Error {
  frame?: { type: 'error'; id?: string; code: string; message: string };
  code?: RefusalCode | string;
  status?: number;
  fatal?: boolean;
}

export interface SubscriptionHandlers<T = unknown> {
  message?: (data: T, frame: MessageFrame<T>) => void;
  presence?: (frame: PresenceFrame) => void;
  subscribed?: (ack: Ack) => void;
  recovery?: (info: RecoveryFailure) => void;
  /** Offsets of this topic that will not arrive (see GapFrame). */
  gap?: (frame: TopicGapFrame) => void;
  error?: (error: HubError) => void;
}

/** Messages dropped for this connection because it read too slowly (policy drop-oldest). */
export interface DroppedGapFrame {
  type: 'gap';
  missed: number;
}

/**
 * Offsets of a history topic this connection missed and will not get (its node's cluster feed was cut and the history
 * could not be read, or no longer keeps them). `toOffset` is absent when the end is unknown.
 */
export interface TopicGapFrame {
  type: 'gap';
  topic: string;
  fromOffset: number;
  toOffset?: number;
  epoch: string;
  reason: 'unavailable' | 'trimmed' | string;
  message?: string;
}

export type GapFrame = DroppedGapFrame | TopicGapFrame;

export interface Subscription<T = unknown> {
  readonly topic: string;
  /** True while the current connection has acknowledged the subscription. */
  readonly subscribed: boolean;
  on<K extends keyof SubscriptionHandlers<T>>(event: K, fn: NonNullable<SubscriptionHandlers<T>[K]>): () => void;
  unsubscribe(): Promise<void>;
  /** Users in the room (presence topics). */
  presence(): string[];
  publish(data: unknown): Promise<Ack>;
}

export interface StateDetail {
  transport?: TransportKind;
  connectionId?: string;
  attempt?: number;
  /** ms until the next attempt (reconnecting). */
  delay?: number;
  code?: number;
  reason?: string;
  /** 'disconnected' after a permanent refusal: why (see HubError.code); open() tries again. */
  refused?: RefusalCode | string;
}

export interface ClientEvents {
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
  presence: (frame: PresenceFrame) => void;
  recovery: (info: RecoveryFailure) => void;
  /**
   * Something will not arrive: `{missed}` messages dropped because this client read too slowly (policy drop-oldest),
   * or, with `topic`, offsets `fromOffset..toOffset` of that topic (see TopicGapFrame).
   */
  gap: (frame: GapFrame) => void;
  error: (error: HubError) => void;
  /** Every frame received, for debugging consoles. */
  frame: (frame: { type: string; [k: string]: unknown }) => void;
}

export interface Client {
  readonly state: State;
  readonly transport: TransportKind | null;
  readonly connectionId: string | null;
  readonly userId: string | null;
  readonly anonymous: boolean | null;
  on<K extends keyof ClientEvents>(event: K, fn: ClientEvents[K]): () => void;
  off<K extends keyof ClientEvents>(event: K, fn: ClientEvents[K]): void;
  subscribe<T = unknown>(topic: string, handlers?: SubscriptionHandlers<T> | ((data: T, frame: MessageFrame<T>) => void)): Subscription<T>;
  publish(topic: string, data: unknown): Promise<Ack>;
  presence(topic: string): string[];
  /** Any command frame (ping, echo, ...): resolves with the ack/pong, rejects with a HubError. */
  request(frame: { type: string; [k: string]: unknown }): Promise<Ack | { type: 'pong'; id: string; time: number }>;
  /** Closes for good (no reconnect). */
  close(): void;
}

export interface PushHubStatic {
  connect(options?: Options): Client;
  /** Delay before reconnect attempt n (0-based), for a random number in [0, 1). */
  backoff(n: number, reconnect: Required<ReconnectOptions>, random?: number): number;
  version: string;
}

declare const PushHub: PushHubStatic;
export default PushHub;
declare global {
  interface Window {
    PushHub: PushHubStatic;
  }
}
