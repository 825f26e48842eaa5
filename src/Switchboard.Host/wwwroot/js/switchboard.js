/**
 * A small client for the Switchboard signaling protocol (docs/protocol.md) that any page can use:
 * connect, create or join rooms, relay messages to the other members, and stay connected across
 * network blips and server restarts. Documented in docs/switchboard-js.md.
 *
 * ```js
 * import { SwitchboardClient } from '/js/switchboard.js';
 * const client = new SwitchboardClient();
 * client.addEventListener('message', (e) => console.log(e.detail.from, e.detail));
 * client.connect();
 * const { roomId } = await client.createRoom({ capacity: 4 });
 * client.send(roomId, 'hello', { text: 'hi all' });
 * ```
 * @module switchboard
 */
import { SignalingSocket } from './signaling.js';
import { backoffDelay, defaultBackoff, defaultRestart } from './reconnect.js';

/** Types only the server may send; a client that sends one gets `bad-message`. */
export const reservedTypes = Object.freeze(['roomCreated', 'joined', 'left', 'peerJoined', 'peerLeft', 'pong', 'error', 'authenticated', 'resumed', 'peerDisconnected', 'peerReconnected']);

const requestTypes = new Set(['createRoom', 'join', 'leave', 'auth', 'iceServers', 'resume']);
// TURN credentials are asked for again at this share of their lifetime, so a new peer connection or an
// ICE restart late in a long call still gets a relay; never more often than the floor.
const iceRefreshShare = 0.5;
const iceRefreshFloorMs = 10_000;
// Errors that can answer createRoom/join/leave/resume. Relay errors (not-in-room, peer-not-found) never do,
// and the client only relays into rooms it has joined, so room-not-found cannot come from a relay.
// rate-limited can answer either; while a request waits, it is taken to answer that request.
const requestErrorCodes = new Set(['bad-message', 'room-not-found', 'room-full', 'too-many-rooms', 'not-in-room', 'rate-limited', 'unauthorized', 'resume-failed']);
// The server's close after a missing, invalid or expired token (docs/auth.md): retrying with the same token cannot help.
const unauthorizedClose = { code: 1008, reason: 'unauthorized' };
// Another connection resumed this client's seat (a second tab with the same token, or a connection the
// server still thought open): reconnecting would take the seat back and forth.
const replacedClose = 4001;
// Closes after which the server has already ended the seat (docs/protocol.md): a resume could only fail.
// 1012 among them: a restarted server has forgotten its seats, and a failed resume counts against the
// connection's look-ups.
const seatEndingCloses = new Set([1002, 1003, 1007, 1008, 1009, 1012, 4008]);
const rejoinAttempts = 5;

const log = (...args) => console.info('[switchboard]', ...args);

/**
 * The signaling address of the server this module was loaded from: `ws` beside the `js/` folder, so
 * `https://me.host/switchboard/js/switchboard.js` talks to `wss://me.host/switchboard/ws`. Taken from
 * the module's own URL rather than the page's, so it is right under a sub-path, from any page of the
 * server, and when another site imports the module by its full URL.
 * @param {string} [moduleUrl] defaults to this module's URL
 * @returns {string}
 */
export function defaultUrl(moduleUrl = import.meta.url) {
  const url = new URL('../ws', moduleUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  return url.href;
}

/** @returns {number | undefined} a `rate-limited` error's wait, when it carries a sensible one */
const retryAfter = (message) => (Number.isInteger(message.retryAfterMs) && message.retryAfterMs >= 0 ? message.retryAfterMs : undefined);

/** A request that the server refused, or that could not be answered. */
export class SwitchboardError extends Error {
  /**
   * @param {string} code the protocol's error code (`room-full`, `room-not-found`, …), or
   *   `disconnected` / `timeout` / `closed` for requests the connection could not finish
   * @param {string} message
   * @param {string} [roomId]
   * @param {number} [retryAfterMs] for `rate-limited`: how long until the server takes the request again
   */
  constructor(code, message, roomId, retryAfterMs) {
    super(message);
    this.name = 'SwitchboardError';
    this.code = code;
    this.roomId = roomId;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * @typedef {object} RoomInfo
 * @property {string} roomId
 * @property {string} peerId this connection's id; it changes on every reconnect
 * @property {number} capacity
 * @property {string[]} peers the other members when this answer was sent, oldest first
 * @property {Object<string, {sub?: string, name?: string}>} identities with authentication on, who those
 *   members are (by peerId), as their tokens say; empty otherwise
 * @property {RTCIceServer[]} iceServers
 * @property {boolean} [resumed] in a `rejoined` event: true when the seat was resumed (same peerId), false
 *   when the room was joined afresh (new peerId)
 */

/**
 * A connection to a Switchboard server.
 *
 * Events (all `CustomEvent`s):
 * - `open` — the first connection is up
 * - `reconnecting` — detail `{ attempt, delayMs, serverRestarting }`: the connection dropped (or never
 *   came up) and the next try is scheduled; the seat is resumed (or rooms rejoined) after it succeeds. serverRestarting:
 *   the server closed with 1012 (it is restarting), so the first try waits a random 1–5 s
 * - `reconnected` — the connection is up again (the seat is being resumed, or rooms rejoined)
 * - `resumed` — detail `{ peerId, rooms }` (rooms: {@link RoomInfo}[]): the server gave this client its
 *   seat back after a dropped connection: the same `peerId`, the same rooms, and the messages sent to it
 *   meanwhile (they follow as `message` events)
 * - `rejoined` — detail {@link RoomInfo}: back in a room after a reconnect; `resumed` true with the same
 *   `peerId` when the seat was resumed, false with a new one when the room was joined afresh
 * - `roomlost` — detail `{ roomId, code, message }`: a room could not be rejoined (it no longer exists
 *   because everyone left or the server restarted, or it stayed full)
 * - `peerjoined` / `peerleft` — detail `{ roomId, peerId }`
 * - `peerdisconnected` — detail `{ roomId, peerId }`: a member's connection dropped; the server keeps its
 *   seat for a while, and `peerreconnected` follows if it comes back (else `peerleft`)
 * - `peerreconnected` — detail `{ roomId, peerId }`: that member is back, with the same peerId
 * - `replaced` — detail `{ reason }`: another connection took this client's seat (close 4001); the client
 *   stops, since reconnecting would take it back
 * - `iceservers` — detail `{ iceServers, ttlMs }`: a new ICE server list (with fresh TURN credentials
 *   when the server mints them, `ttlMs` then their lifetime); hand it to existing RTCPeerConnections
 *   with `setConfiguration`. Asked for again at half of `ttlMs` while connected
 * - `message` — detail: a message relayed from another member, with the server's trusted `from`
 * - `servererror` — detail `{ code, message, roomId, retryAfterMs, peerId }`: an error that answers no request of
 *   this client (`rate-limited` for a relayed message the server refused: this page sent too much at once;
 *   `peer-unavailable` with the `peerId` of a disconnected member that cannot be kept more messages)
 * - `authenticated` — detail `{ exp, identity }`: the server took the token (docs/auth.md); exp in Unix seconds
 * - `unauthorized` — detail `{ message }`: the server refused the token (missing, invalid or expired) and
 *   closed the connection; the client stops reconnecting until {@link setToken} gives it another
 * - `closed` — {@link close} was called
 */
export class SwitchboardClient extends EventTarget {
  #socket;
  #requestTimeoutMs;
  #heartbeatMs;
  #rejoinBackoff;
  #autoRejoin;
  /** @type {Map<string, { capacity: number, peers: Set<string> }>} rooms joined on the current connection */
  #rooms = new Map();
  /** @type {Set<string>} rooms to rejoin once the connection is back */
  #toRejoin = new Set();
  /** @type {{ message: object, resolve: Function, reject: Function, timer: number, sent: boolean }[]} */
  #requests = [];
  #peerId = null;
  /** @type {string | null} the seat's latest resume token, from roomCreated/joined/resumed */
  #resumeToken = null;
  /** @type {Map<string, { capacity: number, peers: Set<string> }>} the rooms of a seat to resume, as last known */
  #away = new Map();
  #resumeEnabled;
  #replaced = false;
  /** @type {string | null} sent as the first message of every connection when the server wants one */
  #token = null;
  #unauthorized = null;
  #lastRefusal = null;
  /** @type {RTCIceServer[]} */
  #iceServers = [];
  #iceRefresh = 0;
  #heartbeat = 0;
  #awaitingAnswer = false;
  #reconnects = 0;
  #closed = false;
  #connected = null;
  #resolveConnected = () => {};

  /**
   * @param {object} [options]
   * @param {string} [options.url] defaults to {@link defaultUrl}
   * @param {import('./reconnect.js').BackoffPolicy} [options.backoff] reconnect timing
   * @param {import('./reconnect.js').RestartPolicy} [options.restart] the first reconnect's wait after
   *   the server closed with 1012 (service restart)
   * @param {number} [options.requestTimeoutMs] how long createRoom/join/leave wait for the answer
   * @param {number} [options.heartbeatMs] how often to check that the server still answers (0: never)
   * @param {boolean} [options.rejoin] rejoin rooms after a reconnect (default true)
   * @param {boolean} [options.resume] resume the seat after a dropped connection (same peerId, rooms and
   *   the messages sent meanwhile) when the server offers it (default true); rejoin when it cannot
   * @param {string} [options.token] a token from the application's backend, for a server with
   *   authentication on (docs/auth.md): sent as the first message of every connection
   */
  constructor({ url = defaultUrl(), backoff = defaultBackoff, restart = defaultRestart, requestTimeoutMs = 10_000, heartbeatMs = 15_000, rejoin = true, resume = true, token } = {}) {
    super();
    this.#resumeEnabled = resume;
    this.#token = token ?? null;
    this.#socket = new SignalingSocket(url, { backoff, restart });
    this.#requestTimeoutMs = requestTimeoutMs;
    this.#heartbeatMs = heartbeatMs;
    this.#rejoinBackoff = backoff;
    this.#autoRejoin = rejoin;
    this.#connected = new Promise((resolve) => {
      this.#resolveConnected = resolve;
    });
    this.#socket.addEventListener('open', (e) => this.#onOpen(e.detail.reconnected));
    this.#socket.addEventListener('close', (e) => this.#onClose(e.detail));
    this.#socket.addEventListener('retry', (e) => this.#dispatch('reconnecting', {
      attempt: e.detail.attempt,
      delayMs: e.detail.delayMs,
      serverRestarting: e.detail.serverRestarting,
    }));
    this.#socket.addEventListener('message', (e) => this.#onMessage(e.detail));
    globalThis.addEventListener?.('online', () => this.#socket.retryNow());
  }

  /** @returns {'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed'} */
  get state() {
    if (this.#closed || this.#replaced) {
      return 'closed';
    }
    const socket = this.#socket.state;
    return socket === 'waiting' ? 'reconnecting' : socket;
  }

  /** @returns {boolean} another connection took this client's seat (close 4001): it stopped for good */
  get replaced() {
    return this.#replaced;
  }

  /** @returns {string} the server's WebSocket address */
  get url() {
    return this.#socket.url;
  }

  /** @returns {boolean} the server closed the connection with 1012 (it is restarting) and is not back yet */
  get serverRestarting() {
    return this.#socket.serverRestarting;
  }

  /**
   * @returns {string | null} this client's peerId, known once a room was created or joined; kept across a
   *   resumed reconnect, new after a rejoin
   */
  get peerId() {
    return this.#peerId;
  }

  /** @returns {RTCIceServer[]} the server's ICE servers, from the latest roomCreated/joined/iceServers */
  get iceServers() {
    return this.#iceServers;
  }

  /** @returns {number} how many times the connection came back after dropping */
  get reconnects() {
    return this.#reconnects;
  }

  /** @returns {string[]} the rooms this client is in on the current connection */
  get rooms() {
    return [...this.#rooms.keys()];
  }

  /**
   * The members of a room besides this client, as far as this client has been told.
   * @param {string} roomId
   * @returns {string[]}
   */
  peersOf(roomId) {
    return [...(this.#rooms.get(roomId)?.peers ?? [])];
  }

  /**
   * Starts connecting (and reconnecting, until {@link close}).
   * @returns {Promise<void>} settles when the connection is first open; it keeps trying until then
   */
  connect() {
    if (this.#closed) {
      return Promise.reject(new SwitchboardError('closed', 'this client was closed'));
    }
    if (this.#replaced) {
      // Another connection has the seat; taking it back is a new client's decision, not a retry.
      return Promise.reject(new SwitchboardError('replaced', 'another connection took this client\'s seat'));
    }
    this.#socket.start();
    return this.#connected;
  }

  /**
   * Creates a room with this client as its first member.
   * @param {{ capacity?: number }} [options] 2 … the server's maximum; the server's default if left out
   * @returns {Promise<RoomInfo>}
   */
  createRoom({ capacity } = {}) {
    const message = capacity === undefined ? { type: 'createRoom' } : { type: 'createRoom', capacity };
    return this.#request(message);
  }

  /**
   * Joins a room; the other members are told `peerJoined`. Joining a room again is harmless.
   * @param {string} roomId
   * @returns {Promise<RoomInfo>} rejects with a {@link SwitchboardError} (`room-full`, `room-not-found`, …)
   */
  join(roomId) {
    return this.#request({ type: 'join', roomId });
  }

  /**
   * Leaves a room; the other members are told `peerLeft`, and it is not rejoined after a reconnect.
   * @param {string} roomId
   * @returns {Promise<void>}
   */
  async leave(roomId) {
    this.#toRejoin.delete(roomId);
    this.#away.delete(roomId);
    if (!this.#rooms.has(roomId)) {
      return;
    }
    try {
      await this.#request({ type: 'leave', roomId });
    } catch (error) {
      // Out of the room either way: the connection dropped (and the server let go of it) or it was gone.
      if (!(error instanceof SwitchboardError)) {
        throw error;
      }
    } finally {
      this.#rooms.delete(roomId);
    }
  }

  /**
   * Relays a message to the other members of a room: to one (`fields.to`, a peerId) or to all.
   * @param {string} roomId a room this client is in
   * @param {string} type any type but the protocol's own
   * @param {object} [fields] anything else to carry; the receiver also gets `from`
   * @returns {boolean} false when it could not be sent now (not connected, or not in that room yet)
   */
  send(roomId, type, fields = {}) {
    if (reservedTypes.includes(type) || requestTypes.has(type) || type === 'ping') {
      throw new TypeError(`"${type}" is not a message to relay`);
    }
    if (!this.#rooms.has(roomId)) {
      return false;
    }
    const message = { type, roomId, ...fields };
    message.type = type;
    message.roomId = roomId;
    delete message.from;
    return this.#socket.send(message);
  }

  /**
   * Gives the client a (fresh) token: sent now if connected, as a refresh before the old one's `exp`,
   * and on every later connection. After an `unauthorized` close it starts connecting again.
   * @param {string} token
   */
  setToken(token) {
    this.#token = token;
    if (this.#unauthorized !== null && !this.#closed) {
      this.#unauthorized = null;
      this.#socket.start();
    } else {
      this.#socket.send({ type: 'auth', token });
    }
  }

  /** @returns {string | null} why the server refused the token, while the client waits for another */
  get unauthorized() {
    return this.#unauthorized;
  }

  /**
   * Asks the server for its ICE servers with fresh TURN credentials; the answer comes as an `iceservers`
   * event. Done by itself at half of the credentials' lifetime.
   * @returns {boolean} false when not connected (the next room joined brings fresh ones anyway)
   */
  refreshIceServers() {
    return this.#socket.state === 'open' && this.#socket.send({ type: 'iceServers' });
  }

  /** Leaves nothing behind: closes the connection for good and fails requests still waiting. */
  close() {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    this.#stopHeartbeat();
    clearTimeout(this.#iceRefresh);
    this.#failRequests('closed', 'this client was closed');
    this.#rooms.clear();
    this.#toRejoin.clear();
    this.#away.clear();
    this.#resumeToken = null;
    this.#socket.stop();
    this.#dispatch('closed', {});
  }

  #request(message) {
    if (this.#closed) {
      return Promise.reject(new SwitchboardError('closed', 'this client was closed'));
    }
    if (this.#replaced) {
      return Promise.reject(new SwitchboardError('replaced', 'another connection took this client\'s seat'));
    }
    return new Promise((resolve, reject) => {
      this.#requests.push({ message, resolve, reject, timer: 0, sent: false });
      this.#pump();
    });
  }

  // One request in flight at a time: the server answers in order but its errors carry no request id,
  // so this is what lets an error be matched to the request it answers.
  #pump() {
    const head = this.#requests[0];
    if (head === undefined || head.sent || this.#socket.state !== 'open') {
      return;
    }
    head.sent = this.#socket.send(head.message);
    if (head.sent) {
      head.timer = setTimeout(() => this.#settle(head, new SwitchboardError('timeout', 'the server did not answer in time')), this.#requestTimeoutMs);
    }
  }

  #settle(request, result) {
    const index = this.#requests.indexOf(request);
    if (index < 0) {
      return;
    }
    this.#requests.splice(index, 1);
    clearTimeout(request.timer);
    if (result instanceof Error) {
      request.reject(result);
    } else {
      request.resolve(result);
    }
    this.#pump();
  }

  #failRequests(code, text, onlySent = false) {
    for (const request of [...this.#requests]) {
      if (!onlySent || request.sent) {
        this.#settle(request, new SwitchboardError(code, text, request.message.roomId));
      }
    }
  }

  #onOpen(reconnected) {
    if (this.#token !== null) {
      // First, before any request: the server answers in order, so what follows is judged by this token.
      this.#socket.send({ type: 'auth', token: this.#token });
    }
    this.#startHeartbeat();
    if (!reconnected) {
      this.#resolveConnected();
      this.#dispatch('open', {});
    } else {
      this.#reconnects++;
      this.#dispatch('reconnected', {});
      if (this.#resumeToken !== null && this.#away.size > 0) {
        this.#resume(this.#resumeToken);
      } else {
        this.#away.clear();
        this.#socket.discardStale();
        this.#rejoinAll();
      }
    }
    this.#pump();
  }

  #rejoinAll() {
    if (this.#autoRejoin) {
      for (const roomId of this.#toRejoin) {
        this.#rejoin(roomId);
      }
    }
  }

  // The resume goes before anything the page queued meanwhile: the server takes it only on a
  // connection that has joined nothing yet.
  async #resume(token) {
    try {
      await new Promise((resolve, reject) => {
        this.#requests.unshift({ message: { type: 'resume', token }, resolve, reject, timer: 0, sent: false });
        this.#pump();
      });
      this.#socket.discardStale();
    } catch (error) {
      if (!(error instanceof SwitchboardError) || error.code === 'disconnected' || error.code === 'closed' || error.code === 'replaced') {
        // Dropped before the answer: the next connection tries the same token (if the server had
        // already used it up, that one answers resume-failed and the rooms are joined afresh).
        return;
      }
      log('could not resume:', error.code, error.message);
      this.#socket.discardStale();
      this.#resumeToken = null;
      this.#away.clear();
      this.#peerId = null;
      this.#rejoinAll();
    }
  }

  // Runs when `resumed` arrives, before the messages the server kept for the seat are handled, so
  // they find the rooms in place.
  #takeResumed(message) {
    const before = this.#away;
    this.#away = new Map();
    this.#peerId = message.peerId;
    this.#resumeToken = typeof message.resumeToken === 'string' ? message.resumeToken : null;
    this.#takeIceServers(message);
    const rooms = [];
    const notices = [];
    for (const room of Array.isArray(message.rooms) ? message.rooms : []) {
      const peers = Array.isArray(room.peers) ? room.peers : [];
      const known = before.get(room.roomId);
      const identities = typeof room.identities === 'object' && room.identities !== null ? room.identities : {};
      const capacity = Number(room.capacity) || 2;
      this.#rooms.set(room.roomId, { capacity, peers: new Set(peers) });
      this.#toRejoin.delete(room.roomId);
      if (known === undefined) {
        // Left by the page while the connection was down: the seat was still in it.
        this.leave(room.roomId).catch(() => {});
        continue;
      }
      before.delete(room.roomId);
      for (const peerId of known.peers) {
        if (!peers.includes(peerId)) {
          notices.push(['peerleft', { roomId: room.roomId, peerId }]);
        }
      }
      for (const peerId of peers) {
        if (!known.peers.has(peerId)) {
          notices.push(['peerjoined', { roomId: room.roomId, peerId, identity: identities[peerId] ?? null }]);
        }
      }
      rooms.push({ roomId: room.roomId, peerId: message.peerId, capacity, peers: [...peers], identities, iceServers: this.#iceServers, resumed: true });
    }
    log('resumed as', message.peerId, 'in', rooms.map((room) => room.roomId).join(', ') || 'no room');
    for (const [type, detail] of notices) {
      this.#dispatch(type, detail);
    }
    for (const roomId of before.keys()) {
      this.#toRejoin.delete(roomId);
      this.#dispatch('roomlost', { roomId, code: 'room-not-found', message: 'the room was gone when the connection came back' });
    }
    for (const room of rooms) {
      this.#dispatch('rejoined', room);
    }
    this.#dispatch('resumed', { peerId: message.peerId, rooms });
    return message;
  }

  #onClose({ wasOpen, code, reason }) {
    this.#stopHeartbeat();
    // Credentials are minted for a connection's peerId; the next one's rooms bring their own.
    clearTimeout(this.#iceRefresh);
    if (code === unauthorizedClose.code && reason === unauthorizedClose.reason) {
      this.#unauthorized = this.#lastRefusal ?? 'the server did not accept the token';
      this.#socket.stop();
      this.#failRequests('unauthorized', this.#unauthorized);
      this.#dispatch('unauthorized', { message: this.#unauthorized });
    }
    if (wasOpen && code === replacedClose) {
      this.#replaced = true;
      this.#socket.stop();
      this.#failRequests('replaced', 'another connection took this client\'s seat');
      this.#rooms.clear();
      this.#toRejoin.clear();
      this.#away.clear();
      this.#resumeToken = null;
      this.#peerId = null;
      log('another connection took this seat: stopping');
      this.#dispatch('replaced', { reason: reason || 'replaced' });
      return;
    }
    if (!wasOpen) {
      return;
    }
    // The seat outlives a dropped connection for the server's grace period: the next connection resumes
    // it (same peerId, same rooms). Without a token, or when the server ended the seat, what was joined
    // must be joined again, by a connection with a new peerId.
    const resumable = this.#resumeEnabled && this.#resumeToken !== null && (this.#rooms.size > 0 || this.#away.size > 0) && !seatEndingCloses.has(code);
    if (resumable && this.#rooms.size > 0) {
      this.#away = new Map([...this.#rooms].map(([roomId, room]) => [roomId, { capacity: room.capacity, peers: new Set(room.peers) }]));
    } else if (!resumable) {
      this.#resumeToken = null;
      this.#away.clear();
      this.#peerId = null;
    }
    for (const roomId of this.#rooms.keys()) {
      this.#toRejoin.add(roomId);
    }
    this.#rooms.clear();
    this.#failRequests('disconnected', 'the connection to the server dropped', true);
  }

  async #rejoin(roomId) {
    for (let attempt = 0; attempt < rejoinAttempts; attempt++) {
      if (!this.#toRejoin.has(roomId) || this.#socket.state !== 'open') {
        return;
      }
      try {
        const info = await this.join(roomId);
        this.#toRejoin.delete(roomId);
        log('rejoined', roomId, 'as', info.peerId);
        this.#dispatch('rejoined', { ...info, resumed: false });
        return;
      } catch (error) {
        if (!(error instanceof SwitchboardError) || error.code === 'disconnected') {
          return;
        }
        // The server may not have noticed yet that the old connection is gone: it still fills a seat.
        if (error.code !== 'room-full' || attempt === rejoinAttempts - 1) {
          this.#toRejoin.delete(roomId);
          log('could not rejoin', roomId, error.code);
          this.#dispatch('roomlost', { roomId, code: error.code, message: error.message });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, this.#rejoinBackoff)));
      }
    }
  }

  #onMessage(message) {
    this.#awaitingAnswer = false;
    const head = this.#requests[0];
    const pending = head?.sent ? head.message : null;
    switch (message.type) {
      case 'roomCreated':
        if (pending?.type === 'createRoom') {
          this.#settle(head, this.#enter(message, []));
        }
        return;
      case 'joined':
        if (pending?.type === 'join' && pending.roomId === message.roomId) {
          this.#settle(head, this.#enter(message, Array.isArray(message.peers) ? message.peers : []));
        }
        return;
      case 'resumed':
        if (pending?.type === 'resume') {
          this.#settle(head, this.#takeResumed(message));
        }
        return;
      case 'peerDisconnected':
        if (this.#rooms.get(message.roomId)?.peers.has(message.peerId)) {
          this.#dispatch('peerdisconnected', { roomId: message.roomId, peerId: message.peerId });
        }
        return;
      case 'peerReconnected':
        if (this.#rooms.has(message.roomId)) {
          this.#rooms.get(message.roomId).peers.add(message.peerId);
          this.#dispatch('peerreconnected', { roomId: message.roomId, peerId: message.peerId });
        }
        return;
      case 'left':
        this.#rooms.delete(message.roomId);
        if (pending?.type === 'leave' && pending.roomId === message.roomId) {
          this.#settle(head, undefined);
        }
        return;
      case 'peerJoined':
        this.#rooms.get(message.roomId)?.peers.add(message.peerId);
        this.#dispatch('peerjoined', { roomId: message.roomId, peerId: message.peerId, identity: message.identity ?? null });
        return;
      case 'peerLeft':
        this.#rooms.get(message.roomId)?.peers.delete(message.peerId);
        this.#dispatch('peerleft', { roomId: message.roomId, peerId: message.peerId });
        return;
      case 'pong':
        return;
      case 'authenticated':
        this.#dispatch('authenticated', { exp: message.exp, identity: message.identity ?? null });
        return;
      case 'iceServers':
        this.#takeIceServers(message);
        return;
      case 'error': {
        if (message.code === 'unauthorized') {
          // Why, for the close 1008 that follows when it was the token itself that was refused.
          this.#lastRefusal = String(message.payload ?? 'unauthorized');
        }
        const answersPending = pending !== null && requestErrorCodes.has(message.code)
          && (message.roomId === undefined || message.roomId === pending.roomId)
          && (message.code !== 'not-in-room' || pending.type === 'leave');
        if (answersPending) {
          this.#settle(head, new SwitchboardError(message.code, String(message.payload ?? message.code), message.roomId ?? pending.roomId, retryAfter(message)));
        } else {
          // peerId: for peer-unavailable, the absent member whose kept messages are full.
          this.#dispatch('servererror', { code: message.code, message: String(message.payload ?? message.code), roomId: message.roomId, retryAfterMs: retryAfter(message), peerId: message.peerId });
        }
        return;
      }
      default:
        this.#dispatch('message', message);
    }
  }

  #enter(message, peers) {
    const capacity = Number(message.capacity) || 2;
    this.#peerId = message.peerId;
    if (typeof message.resumeToken === 'string') {
      this.#resumeToken = message.resumeToken;
    }
    this.#takeIceServers(message);
    this.#rooms.set(message.roomId, { capacity, peers: new Set(peers) });
    const identities = typeof message.identities === 'object' && message.identities !== null ? message.identities : {};
    return { roomId: message.roomId, peerId: message.peerId, capacity, peers: [...peers], identities, iceServers: this.#iceServers };
  }

  #takeIceServers(message) {
    this.#iceServers = Array.isArray(message.iceServers) ? message.iceServers : [];
    const ttlMs = Number(message.iceServersTtlMs) || 0;
    clearTimeout(this.#iceRefresh);
    this.#iceRefresh = 0;
    if (ttlMs > 0) {
      this.#iceRefresh = setTimeout(() => this.refreshIceServers(), Math.max(ttlMs * iceRefreshShare, iceRefreshFloorMs));
    }
    this.#dispatch('iceservers', { iceServers: this.#iceServers, ttlMs });
  }

  // The server's WebSocket pings keep the server informed; a page learns of a dead connection only by
  // asking, since browsers answer pings without telling the page.
  #startHeartbeat() {
    this.#stopHeartbeat();
    if (this.#heartbeatMs <= 0) {
      return;
    }
    this.#awaitingAnswer = false;
    this.#heartbeat = setInterval(() => {
      if (this.#awaitingAnswer) {
        log('no answer from the server: reconnecting');
        // With a seat to resume, no close frame: it would end the seat if it got through.
        this.#socket.drop({ keepOpen: this.#resumeEnabled && this.#resumeToken !== null && this.#rooms.size > 0 });
        return;
      }
      this.#awaitingAnswer = this.#socket.send({ type: 'ping' });
    }, this.#heartbeatMs);
  }

  #stopHeartbeat() {
    clearInterval(this.#heartbeat);
    this.#heartbeat = 0;
  }

  #dispatch(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
