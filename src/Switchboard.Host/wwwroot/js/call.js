/**
 * One person's side of a Switchboard call: the room, and a mesh of PeerLinks — one per other person.
 *
 * Signaling may drop and come back with a new peerId (and, after a server restart, without the room);
 * peer connections that still work are kept through all of it. Each page has a `session` id of its
 * own, sent with every signal, so that a peer can be recognised under its new peerId.
 * @module call
 */
import { PeerLink } from './peer.js';
import { SwitchboardError } from './switchboard.js';

const log = (...args) => console.info('[call]', ...args);

function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The longest name a person can choose, in characters (code points). */
export const maxNameLength = 40;
// Shown for someone whose name has not arrived yet: every page sends one as soon as it is in the room.
const unnamed = 'Guest';
// Control characters, and the bidirectional overrides that could make a name read as something else.
const unsafeInName = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * A name as it may be shown: text only, one line, at most {@link maxNameLength} characters. The other
 * side sends whatever it likes, so every name received goes through this too.
 * @param {unknown} value
 * @returns {string} '' when nothing usable is left
 */
export function cleanName(value) {
  if (typeof value !== 'string') {
    return '';
  }
  const text = value.replace(unsafeInName, ' ').replace(/\s+/gu, ' ').trim();
  return [...text].slice(0, maxNameLength).join('').trim();
}

/**
 * @typedef {'idle' | 'joining' | 'waiting' | 'connecting' | 'blocked' | 'connected' | 'ended'} CallState
 * waiting: in the room and alone; connecting: others are here but no media flows yet; blocked: others
 * are here, and the network keeps every connection to them from being made (see PeerLink.blocked).
 */

/**
 * Names: each page tells the room what to call it with a relayed `{ type: 'name', name }` — to
 * everyone when it enters a room or the person changes it, and to each newcomer when they join — so
 * everyone sees the name its owner chose. A name from the server's verified identity (authentication
 * on) wins over the one a page claims.
 *
 * Events (all `CustomEvent`s):
 * - `state` — detail `{ state }` ({@link CallState})
 * - `room` — detail `{ roomId, capacity, moved }`: the room this call is in (moved: a new room after
 *   the server lost the old one)
 * - `peeradded` / `peerchanged` / `peerremoved` — detail `{ link }`
 * - `renamed` — detail `{ link, from }`: someone changed their name (not sent for the first name heard)
 * - `chat` — detail `{ link, text }`
 * - `notice` — detail `{ text }`: something worth telling the person, not an error
 * - `problem` — detail `{ code, text }`: something went wrong with the room
 */
export class Call extends EventTarget {
  #client;
  #media;
  #session = randomId();
  #roomId = null;
  #capacity = 2;
  #joined = false;
  #roomLost = false;
  #ended = false;
  #pendingMove = null;
  /** @type {Set<PeerLink>} every link, including those whose peerId is not known right now */
  #links = new Set();
  /** @type {Map<string, PeerLink>} */
  #byPeerId = new Map();
  /** @type {Map<string, string>} the name each member's page sent, by peerId */
  #claimedNames = new Map();
  /** @type {Map<string, string>} the name in each member's verified identity, by peerId */
  #identityNames = new Map();
  #name;
  #state = 'idle';
  #connectTimeoutMs;

  /**
   * @param {import('./switchboard.js').SwitchboardClient} client
   * @param {import('./media.js').LocalMedia} media
   * @param {{ connectTimeoutMs?: number, name?: string }} [options] connectTimeoutMs: passed to each
   *   PeerLink; name: what the others see this person as
   */
  constructor(client, media, { connectTimeoutMs, name = '' } = {}) {
    super();
    this.#connectTimeoutMs = connectTimeoutMs;
    this.#client = client;
    this.#media = media;
    this.#name = cleanName(name) || unnamed;
    client.addEventListener('reconnecting', () => this.#onSignalingLost());
    client.addEventListener('rejoined', (e) => this.#onRejoined(e.detail));
    client.addEventListener('roomlost', (e) => this.#onRoomLost(e.detail));
    client.addEventListener('peerjoined', (e) => this.#onPeerJoined(e.detail));
    client.addEventListener('peerleft', (e) => this.#onPeerLeft(e.detail));
    client.addEventListener('message', (e) => this.#onRelayed(e.detail));
    client.addEventListener('iceservers', (e) => {
      for (const link of this.#links) {
        link.setIceServers(e.detail.iceServers);
      }
    });
  }

  /** @returns {string | null} */
  get roomId() {
    return this.#roomId;
  }

  /** @returns {number} */
  get capacity() {
    return this.#capacity;
  }

  /** @returns {string} this page's id, stable across signaling reconnects */
  get session() {
    return this.#session;
  }

  /** @returns {string} what the others see this person as */
  get name() {
    return this.#name;
  }

  /**
   * Changes what the others see this person as, and tells everyone in the room at once.
   * @param {string} value cleaned by {@link cleanName}; ignored when nothing is left of it
   */
  set name(value) {
    const name = cleanName(value);
    if (name === '' || name === this.#name) {
      return;
    }
    this.#name = name;
    this.#announceName();
  }

  /** @returns {CallState} */
  get state() {
    return this.#state;
  }

  /** @returns {PeerLink[]} */
  get links() {
    return [...this.#links];
  }

  /** @returns {PeerLink[]} the links the network keeps from connecting */
  get blockedLinks() {
    return this.links.filter((link) => link.blocked && !link.connected);
  }

  /** @returns {boolean} someone can receive a chat message */
  get canChat() {
    return this.links.some((link) => link.channelOpen);
  }

  /**
   * Creates a room and waits in it.
   * @param {number} capacity
   * @returns {Promise<string>} the room id
   */
  async create(capacity) {
    this.#startOver();
    this.#setState('joining');
    try {
      const room = await this.#client.createRoom({ capacity });
      this.#enter(room, false);
      return room.roomId;
    } catch (error) {
      this.#setState('idle');
      throw error;
    }
  }

  /**
   * Joins a room and offers a connection to everyone already there.
   * @param {string} roomId
   */
  async join(roomId) {
    this.#startOver();
    this.#setState('joining');
    let room;
    try {
      room = await this.#client.join(roomId);
    } catch (error) {
      this.#setState('idle');
      throw error;
    }
    this.#enter(room, false);
    // The protocol's rule for a newcomer: offer to each member, who wait for it.
    for (const peerId of room.peers) {
      if (!this.#byPeerId.has(peerId)) {
        this.#addLink(peerId, true);
      }
    }
  }

  /** Leaves the room and closes every connection. */
  hangUp() {
    if (this.#ended) {
      return;
    }
    this.#ended = true;
    for (const link of this.#links) {
      link.sendData({ t: 'bye' });
    }
    for (const link of [...this.#links]) {
      link.close();
    }
    if (this.#roomId !== null) {
      this.#client.leave(this.#roomId).catch(() => {});
    }
    this.#joined = false;
    this.#setState('ended');
  }

  /**
   * Sends a chat message to everyone connected.
   * @param {string} text
   * @returns {number} how many people it was sent to
   */
  sendChat(text) {
    let sent = 0;
    for (const link of this.#links) {
      if (link.sendData({ t: 'chat', text })) {
        sent++;
      }
    }
    return sent;
  }

  /**
   * Sends this video track (or none) to everyone (see PeerLink.setVideoTrack for when that renegotiates).
   * @param {MediaStreamTrack | null} track
   */
  async setVideoTrack(track) {
    await Promise.all(this.links.map((link) => link.setVideoTrack(track).catch((error) => console.warn('[call] video switch failed:', error?.message))));
  }

  /** @returns {object[]} a plain description of every link, for the test hook */
  describe() {
    return this.links.map((link) => link.describe());
  }

  // After a hang-up the same object joins again (Rejoin) as a new page would: a new session, so that a
  // member still holding the old connection to this page does not take the new one for it.
  #startOver() {
    if (!this.#ended) {
      return;
    }
    this.#ended = false;
    this.#roomId = null;
    this.#joined = false;
    this.#roomLost = false;
    this.#pendingMove = null;
    this.#session = randomId();
    this.#byPeerId.clear();
    this.#claimedNames.clear();
    this.#identityNames.clear();
  }

  #enter(room, moved) {
    this.#roomId = room.roomId;
    this.#capacity = room.capacity;
    this.#joined = true;
    this.#roomLost = false;
    this.#pendingMove = null;
    this.#takeIdentities(room.identities);
    this.dispatchEvent(new CustomEvent('room', { detail: { roomId: room.roomId, capacity: room.capacity, moved } }));
    this.#updateState();
    this.#announceName();
  }

  #onSignalingLost() {
    if (!this.#joined) {
      return;
    }
    // Signals wait in each link's outbox until the room is back. Peer ids are kept for now: if the
    // server gives the seat back (resume), every id is still right; a rejoin forgets them (#onRejoined).
    this.#joined = false;
    log('signaling lost; keeping', this.#links.size, 'peer connection(s)');
  }

  #onRejoined(room) {
    if (this.#ended || room.roomId !== this.#roomId) {
      return;
    }
    this.#joined = true;
    this.#takeIdentities(room.identities);
    if (room.resumed === true) {
      // The same seat: the others know this page under the same peerId, and what they sent meanwhile
      // follows. Nothing to re-identify; only what waited here goes out.
      log('seat resumed as', room.peerId);
      for (const link of this.#links) {
        if (link.peerId !== null) {
          this.#bind(link, link.peerId);
        }
      }
      this.#updateState();
      // The peerjoined of anyone who came in meanwhile fired before this, when nothing could be sent:
      // they have not heard this person's name yet.
      this.#announceName();
      return;
    }
    // A new peerId, and the others may have come back under new ids too: forget every id and learn
    // them again (hello, by session), but keep the peer connections (media does not need signaling).
    log('back in the room as', room.peerId);
    this.#forgetPeerIds();
    this.#updateState();
    this.#announceName();
    this.#greet(room.peers);
  }

  #forgetPeerIds() {
    this.#byPeerId.clear();
    this.#claimedNames.clear();
    for (const link of this.#links) {
      link.peerId = null;
    }
  }

  // Tells the room what to call this person; newcomers are told one by one (#onPeerJoined).
  #announceName(to) {
    if (this.#roomId !== null && this.#joined && !this.#ended) {
      this.#client.send(this.#roomId, 'name', to === undefined ? { name: this.#name } : { to, name: this.#name });
    }
  }

  #takeIdentities(identities) {
    for (const [peerId, identity] of Object.entries(identities ?? {})) {
      this.#takeIdentity(peerId, identity);
    }
  }

  #takeIdentity(peerId, identity) {
    const name = cleanName(identity?.name);
    if (name !== '') {
      this.#identityNames.set(peerId, name);
      this.#showName(peerId);
    }
  }

  /** @param {string} peerId @returns {string | undefined} the best name known for this member */
  #nameOf(peerId) {
    return this.#identityNames.get(peerId) ?? this.#claimedNames.get(peerId);
  }

  #showName(peerId) {
    const link = this.#byPeerId.get(peerId);
    const name = this.#nameOf(peerId);
    if (link !== undefined && name !== undefined) {
      this.#rename(link, name);
    }
  }

  // After a reconnect, existing links are re-identified by session rather than offered to again.
  #greet(peers) {
    for (const peerId of peers) {
      this.#client.send(this.#roomId, 'hello', { to: peerId, session: this.#session });
    }
  }

  #onRoomLost({ roomId, code }) {
    if (this.#ended || roomId !== this.#roomId) {
      return;
    }
    this.#forgetPeerIds();
    if (code !== 'room-not-found') {
      this.#emitProblem(code === 'room-full' ? 'room-full' : 'room-lost', code === 'room-full'
        ? 'The connection to the server dropped, and when it came back someone else had taken your place in the call, so the room is full. Hang up, and press Rejoin once someone has left.'
        : 'The connection to the server dropped, and the page could not get back into the call. Hang up and press Rejoin; if that fails too, create a new room and send the others its link.');
      this.#setState('idle');
      return;
    }
    // The server forgot the room (it restarted). The peers still connected agree, over their data
    // channels, on one of them to make a new room and tell the others its id.
    this.#roomLost = true;
    this.#moveRoom();
  }

  #moveRoom() {
    if (!this.#roomLost || this.#ended) {
      return;
    }
    if (this.#pendingMove !== null) {
      this.#joinMovedRoom(this.#pendingMove);
      return;
    }
    const others = this.links.filter((link) => link.channelOpen && link.session !== null).map((link) => link.session);
    if (others.some((session) => session < this.#session)) {
      log('waiting for the others to move the call to a new room');
      return;
    }
    this.#roomLost = false;
    this.#client.createRoom({ capacity: this.#capacity }).then(
      (room) => {
        log('moved the call to a new room', room.roomId);
        this.#enter(room, true);
        for (const link of this.#links) {
          link.sendData({ t: 'room', roomId: room.roomId });
        }
      },
      (error) => {
        this.#roomLost = true;
        this.#emitProblem(error.code ?? 'room-lost', 'The server restarted and lost this call\'s room, and a new one could not be made. '
          + 'Your video and chat with the others go on; to let anyone else in, hang up, create a new room and send them its link.');
      });
  }

  async #joinMovedRoom(roomId) {
    this.#roomLost = false;
    this.#pendingMove = null;
    this.#roomId = roomId;
    try {
      const room = await this.#client.join(roomId);
      log('followed the call to its new room', roomId);
      this.#enter(room, true);
      this.#greet(room.peers);
    } catch (error) {
      const code = error instanceof SwitchboardError ? error.code : 'room-lost';
      this.#emitProblem(code, 'The server restarted and the others moved the call to a new room, but this page could not join it. '
        + 'Ask them for the new link and open it here.');
    }
  }

  #onPeerJoined({ roomId, peerId, identity }) {
    if (roomId === this.#roomId && !this.#ended) {
      this.#takeIdentity(peerId, identity);
      this.#announceName(peerId);
      this.dispatchEvent(new CustomEvent('notice', { detail: { text: 'Someone is joining the call…' } }));
    }
  }

  #onPeerLeft({ roomId, peerId }) {
    if (roomId !== this.#roomId) {
      return;
    }
    this.#claimedNames.delete(peerId);
    this.#identityNames.delete(peerId);
    const link = this.#byPeerId.get(peerId);
    if (link === undefined) {
      return;
    }
    this.#byPeerId.delete(peerId);
    if (link.byeReceived || !link.connected) {
      link.close();
      return;
    }
    // Their signaling dropped but our connection to them works: they will be back under a new id.
    link.peerId = null;
    log(link.name, 'lost signaling; keeping the connection');
  }

  #onRelayed(message) {
    if (this.#ended || message.roomId !== this.#roomId || typeof message.from !== 'string') {
      return;
    }
    const from = message.from;
    const session = typeof message.session === 'string' ? message.session : null;
    if (message.type === 'name') {
      const name = cleanName(message.name);
      if (name !== '') {
        this.#claimedNames.set(from, name);
        this.#showName(from);
      }
      return;
    }
    let link = this.#find(from, session);
    switch (message.type) {
      case 'hello':
        if (message.reply !== true) {
          this.#client.send(this.#roomId, 'hello', { to: from, session: this.#session, reply: true });
        } else if (link === null) {
          // Someone we have no connection with: we are the newcomer to them, so we offer.
          link = this.#addLink(from, true);
          link.session = session;
        }
        return;
      case 'offer':
        if (link === null) {
          link = this.#addLink(from, false);
        }
        link.session ??= session;
        link.handleSignal(message);
        return;
      case 'answer':
      case 'candidate':
        if (link !== null) {
          link.handleSignal(message);
        } else {
          log(`ignored ${message.type} from unknown peer ${from}`);
        }
        return;
      default:
        log(`ignored a "${message.type}" message`);
    }
  }

  /** The link for a peerId, or the link whose page has this session (then known under this peerId). */
  #find(peerId, session) {
    const known = this.#byPeerId.get(peerId);
    if (known !== undefined) {
      // The side that made the first offer learns the other's session from their answer.
      known.session ??= session;
      return known;
    }
    if (session === null) {
      return null;
    }
    for (const link of this.#links) {
      if (link.session === session && !link.closed) {
        log(link.name, 'is now', peerId);
        this.#bind(link, peerId);
        return link;
      }
    }
    return null;
  }

  #bind(link, peerId) {
    if (link.peerId !== null && this.#byPeerId.get(link.peerId) === link) {
      this.#byPeerId.delete(link.peerId);
    }
    link.peerId = peerId;
    this.#byPeerId.set(peerId, link);
    const name = this.#nameOf(peerId);
    if (name !== undefined) {
      this.#rename(link, name);
    }
    const waiting = link.outbox.splice(0);
    for (const signal of waiting) {
      this.#sendSignal(link, signal);
    }
  }

  #rename(link, name) {
    const from = link.name;
    if (from === name) {
      return;
    }
    link.name = name;
    this.dispatchEvent(new CustomEvent('peerchanged', { detail: { link } }));
    if (from !== unnamed) {
      this.dispatchEvent(new CustomEvent('renamed', { detail: { link, from } }));
    }
  }

  #addLink(peerId, initiator) {
    const link = new PeerLink({
      name: this.#nameOf(peerId) ?? unnamed,
      initiator,
      iceServers: this.#client.iceServers,
      media: this.#media,
      connectTimeoutMs: this.#connectTimeoutMs,
    });
    this.#links.add(link);
    link.addEventListener('signal', (e) => this.#sendSignal(link, e.detail));
    link.addEventListener('statechange', () => {
      this.dispatchEvent(new CustomEvent('peerchanged', { detail: { link } }));
      this.#updateState();
    });
    link.addEventListener('media', () => this.dispatchEvent(new CustomEvent('peerchanged', { detail: { link } })));
    link.addEventListener('data', (e) => this.#onData(link, e.detail));
    link.addEventListener('closed', () => this.#removeLink(link));
    this.#bind(link, peerId);
    log(initiator ? 'calling' : 'answering', link.name, peerId);
    this.dispatchEvent(new CustomEvent('peeradded', { detail: { link } }));
    link.start();
    this.#updateState();
    return link;
  }

  #removeLink(link) {
    if (!this.#links.delete(link)) {
      return;
    }
    if (link.peerId !== null && this.#byPeerId.get(link.peerId) === link) {
      this.#byPeerId.delete(link.peerId);
    }
    if (!this.#ended) {
      this.dispatchEvent(new CustomEvent('notice', { detail: { text: `${link.name} left the call.` } }));
    }
    this.dispatchEvent(new CustomEvent('peerremoved', { detail: { link } }));
    this.#updateState();
    // Whoever was to make the new room may be the one who left.
    this.#moveRoom();
  }

  #sendSignal(link, signal) {
    const sent = link.peerId !== null && this.#joined
      && this.#client.send(this.#roomId, signal.type, { to: link.peerId, session: this.#session, payload: signal.payload });
    if (!sent) {
      link.outbox.push(signal);
    }
  }

  #onData(link, message) {
    switch (message.t) {
      case 'chat':
        if (typeof message.text === 'string') {
          this.dispatchEvent(new CustomEvent('chat', { detail: { link, text: message.text } }));
        }
        return;
      case 'bye':
        link.byeReceived = true;
        link.close();
        return;
      case 'room':
        if (typeof message.roomId !== 'string' || message.roomId === this.#roomId) {
          return;
        }
        if (this.#roomLost) {
          this.#joinMovedRoom(message.roomId);
        } else if (!this.#joined) {
          // Still reconnecting: the old room will turn out to be gone; follow this one then.
          this.#pendingMove = message.roomId;
        }
        return;
      default:
        log(`ignored a "${message.t}" data message from`, link.name);
    }
  }

  #updateState() {
    if (this.#ended) {
      this.#setState('ended');
    } else if (this.#roomId === null) {
      return;
    } else if (this.links.some((link) => link.connected)) {
      this.#setState('connected');
    } else if (this.#links.size > 0 && this.links.every((link) => link.blocked)) {
      this.#setState('blocked');
    } else if (this.#links.size > 0) {
      this.#setState('connecting');
    } else {
      this.#setState('waiting');
    }
  }

  #setState(state) {
    if (state !== this.#state) {
      this.#state = state;
      log('call', state);
      this.dispatchEvent(new CustomEvent('state', { detail: { state } }));
    }
  }

  #emitProblem(code, text) {
    this.dispatchEvent(new CustomEvent('problem', { detail: { code, text } }));
  }
}
