/** One WebSocket to a Switchboard server, kept open, with a reconnect loop (signaling.js). */
import type { BackoffPolicy, RestartPolicy } from './reconnect.js';

/** What a {@link SignalingSocket} dispatches, by event name; each is a `CustomEvent` with this `detail`. */
export interface SignalingSocketEventMap {
  /** The socket opened; `reconnected` is true when it had opened before. */
  open: CustomEvent<{ reconnected: boolean }>;
  /** A JSON object arrived. */
  message: CustomEvent<{ type: string; [field: string]: unknown }>;
  /** The socket closed (or was given up on: code 4000). */
  close: CustomEvent<{ code: number; reason: string; wasOpen: boolean }>;
  /** The next attempt is scheduled. */
  retry: CustomEvent<{ attempt: number; delayMs: number; everOpened: boolean; serverRestarting: boolean }>;
}

export interface SignalingSocketOptions {
  backoff?: BackoffPolicy;
  restart?: RestartPolicy;
  /** A stand-in for the browser's WebSocket, for tests. */
  WebSocketImpl?: typeof WebSocket;
}

export declare class SignalingSocket extends EventTarget {
  /** @param url a ws: or wss: address, e.g. `ws://host/ws` */
  constructor(url: string, options?: SignalingSocketOptions);
  readonly url: string;
  /** `waiting`: between a failure and the next attempt. */
  readonly state: 'idle' | 'connecting' | 'open' | 'waiting';
  /** The server closed with 1012 (service restart) and has not been reached since. */
  readonly serverRestarting: boolean;
  /** Starts connecting, and keeps reconnecting until {@link stop}. */
  start(): void;
  /** Closes the socket for good; no reconnect follows. */
  stop(): void;
  /** Skips the rest of the backoff wait. */
  retryNow(): void;
  /**
   * Gives up on the current socket at once and reconnects; `keepOpen` leaves the old one open, unheard
   * (no close frame to end the seat), until {@link discardStale}.
   */
  drop(options?: { keepOpen?: boolean }): void;
  /** Closes the sockets {@link drop} left open. */
  discardStale(): void;
  /** Sends one JSON text frame; false when the socket is not open (nothing is queued). */
  send(message: object): boolean;

  addEventListener<K extends keyof SignalingSocketEventMap>(type: K, listener: (this: SignalingSocket, event: SignalingSocketEventMap[K]) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof SignalingSocketEventMap>(type: K, listener: (this: SignalingSocket, event: SignalingSocketEventMap[K]) => void, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}
