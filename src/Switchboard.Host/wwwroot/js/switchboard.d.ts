/**
 * Types for switchboard.js, the Switchboard signaling client (docs/switchboard-js.md): rooms, relayed
 * messages, and a connection that reconnects and resumes its seat by itself.
 */
import type { BackoffPolicy, RestartPolicy } from './reconnect.js';

export type { BackoffPolicy, RestartPolicy } from './reconnect.js';

/** The message types only the server may send. */
export type ReservedType =
  | 'roomCreated' | 'joined' | 'left' | 'peerJoined' | 'peerLeft' | 'pong' | 'error' | 'authenticated'
  | 'resumed' | 'peerDisconnected' | 'peerReconnected';

/** The types the client sends itself (requests and its heartbeat): none of them can be relayed. */
export type ProtocolType = ReservedType | 'createRoom' | 'join' | 'leave' | 'auth' | 'iceServers' | 'resume' | 'ping';

/** Types only the server may send; a client that sends one gets `bad-message`. */
export declare const reservedTypes: readonly ReservedType[];

/**
 * The signaling address of the server a module URL belongs to: `ws` beside the `js/` folder, as
 * `ws:` or `wss:`.
 * @param moduleUrl defaults to switchboard.js's own URL
 */
export declare function defaultUrl(moduleUrl?: string): string;

/** The protocol's error codes, and the client's own (`timeout`, `disconnected`, `closed`, `replaced`). */
export type SwitchboardErrorCode =
  | 'room-full' | 'room-not-found' | 'too-many-rooms' | 'bad-message' | 'not-in-room' | 'peer-not-found'
  | 'peer-unavailable' | 'rate-limited' | 'unauthorized' | 'resume-failed'
  | 'timeout' | 'disconnected' | 'closed' | 'replaced'
  | (string & {});

/** A request that the server refused, or that could not be answered. */
export declare class SwitchboardError extends Error {
  constructor(code: SwitchboardErrorCode, message: string, roomId?: string, retryAfterMs?: number);
  readonly name: 'SwitchboardError';
  readonly code: SwitchboardErrorCode;
  readonly roomId: string | undefined;
  /** For `rate-limited`: how long until the server takes the request again. */
  readonly retryAfterMs: number | undefined;
}

/** Who a member is, as its token says (with authentication on). */
export interface Identity {
  sub?: string;
  name?: string;
}

/** A room as the server described it when this client entered it. */
export interface RoomInfo {
  roomId: string;
  /** This client's id: kept when the seat is resumed, new when the room is joined afresh. */
  peerId: string;
  capacity: number;
  /** The other members when this answer was sent, oldest first. */
  peers: string[];
  /** With authentication on, who those members are, by peerId; empty otherwise. */
  identities: Record<string, Identity>;
  iceServers: RTCIceServer[];
  /** In a `rejoined` event: true when the seat was resumed (same peerId), false when joined afresh. */
  resumed?: boolean;
}

/** A message another member relayed: the sender's fields plus the server's trusted `from`. */
export interface RelayedMessage {
  type: string;
  roomId: string;
  /** The sender's peerId, set by the server. */
  from: string;
  /** Set when the message was sent to this client alone. */
  to?: string;
  [field: string]: unknown;
}

/** What {@link SwitchboardClient.send} carries besides its type and room. */
export interface RelayFields {
  /** A peerId: send to that member alone instead of to all. */
  to?: string;
  [field: string]: unknown;
}

export interface PeerDetail {
  roomId: string;
  peerId: string;
}

/** What a {@link SwitchboardClient} dispatches, by event name; each is a `CustomEvent` with this `detail`. */
export interface SwitchboardClientEventMap {
  /** The first connection is up. */
  open: CustomEvent<Record<string, never>>;
  /** The connection dropped (or could not be made) and the next try is scheduled. */
  reconnecting: CustomEvent<{ attempt: number; delayMs: number; serverRestarting: boolean }>;
  /** The connection is up again; the seat is being resumed, or the rooms rejoined. */
  reconnected: CustomEvent<Record<string, never>>;
  /** The server gave the seat back: same peerId, same rooms; the messages kept for it follow as `message` events. */
  resumed: CustomEvent<{ peerId: string; rooms: RoomInfo[] }>;
  /** Back in a room after a reconnect, by a resume (same peerId) or a fresh join (new peerId). */
  rejoined: CustomEvent<RoomInfo>;
  /** A room could not be rejoined: it no longer exists, or stayed full. */
  roomlost: CustomEvent<{ roomId: string; code: SwitchboardErrorCode; message: string }>;
  /** Another member joined. */
  peerjoined: CustomEvent<PeerDetail & { identity: Identity | null }>;
  /** A member left, closed its connection, was found dead, or did not come back in time. */
  peerleft: CustomEvent<PeerDetail>;
  /** A member's connection dropped; the server keeps its seat for a while. */
  peerdisconnected: CustomEvent<PeerDetail>;
  /** That member is back, with the same peerId. */
  peerreconnected: CustomEvent<PeerDetail>;
  /** A new ICE server list; `ttlMs` is its TURN credentials' lifetime, 0 without them. */
  iceservers: CustomEvent<{ iceServers: RTCIceServer[]; ttlMs: number }>;
  /** A message another member relayed. */
  message: CustomEvent<RelayedMessage>;
  /** An error that answers none of this client's requests. */
  servererror: CustomEvent<{ code: SwitchboardErrorCode; message: string; roomId: string | undefined; retryAfterMs: number | undefined; peerId: string | undefined }>;
  /** The server took the token; `exp` in Unix seconds. */
  authenticated: CustomEvent<{ exp: number; identity: Identity | null }>;
  /** The server refused the token and closed; no reconnect until {@link SwitchboardClient.setToken}. */
  unauthorized: CustomEvent<{ message: string }>;
  /** Another connection took this client's seat (close 4001); the client stopped for good. */
  replaced: CustomEvent<{ reason: string }>;
  /** {@link SwitchboardClient.close} was called. */
  closed: CustomEvent<Record<string, never>>;
}

export interface SwitchboardClientOptions {
  /** The server's WebSocket address; {@link defaultUrl} by default. */
  url?: string;
  /** Reconnect timing. */
  backoff?: BackoffPolicy;
  /** The first reconnect's wait after the server closed with 1012. */
  restart?: RestartPolicy;
  /** How long createRoom, join and leave wait for the answer (10 000 by default). */
  requestTimeoutMs?: number;
  /** How often to check that the server still answers; 0 turns it off (15 000 by default). */
  heartbeatMs?: number;
  /** Rejoin rooms after a reconnect the seat could not be resumed on (true by default). */
  rejoin?: boolean;
  /** Resume the seat after a dropped connection when the server offers it (true by default). */
  resume?: boolean;
  /** A token from the application's backend, for a server with authentication on. */
  token?: string;
}

/** A connection to a Switchboard server. */
export declare class SwitchboardClient extends EventTarget {
  constructor(options?: SwitchboardClientOptions);
  readonly state: 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';
  readonly url: string;
  /** The server closed with 1012 (it is restarting) and has not been reached since. */
  readonly serverRestarting: boolean;
  /** This client's peerId, once a room was created or joined; kept across a resume. */
  readonly peerId: string | null;
  readonly iceServers: RTCIceServer[];
  /** How many times the connection came back after dropping. */
  readonly reconnects: number;
  /** The rooms this client is in on the current connection. */
  readonly rooms: string[];
  /** Why the server refused the token, while the client waits for another. */
  readonly unauthorized: string | null;
  /** Another connection took this client's seat (close 4001). */
  readonly replaced: boolean;

  /** The other members of a room, as far as this client has been told. */
  peersOf(roomId: string): string[];
  /** Starts connecting; settles when the connection is first open. */
  connect(): Promise<void>;
  /** Creates a room with this client as its first member. */
  createRoom(options?: { capacity?: number }): Promise<RoomInfo>;
  /** Joins a room; rejects with a {@link SwitchboardError}. */
  join(roomId: string): Promise<RoomInfo>;
  /** Leaves a room; it is not rejoined after a reconnect. */
  leave(roomId: string): Promise<void>;
  /**
   * Relays `{ type, roomId, ...fields }` to the other members (or to `fields.to` alone).
   * @returns false when it could not be sent now; nothing is queued
   */
  send<T extends string>(roomId: string, type: T extends ProtocolType ? never : T, fields?: RelayFields): boolean;
  /** A fresh token: sent at once as a refresh, and on every later connection. */
  setToken(token: string): void;
  /** Asks for fresh ICE servers; the answer is an `iceservers` event. False when not connected. */
  refreshIceServers(): boolean;
  /** Closes the connection for good; waiting requests fail with code `closed`. */
  close(): void;

  addEventListener<K extends keyof SwitchboardClientEventMap>(type: K, listener: (this: SwitchboardClient, event: SwitchboardClientEventMap[K]) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof SwitchboardClientEventMap>(type: K, listener: (this: SwitchboardClient, event: SwitchboardClientEventMap[K]) => void, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}
