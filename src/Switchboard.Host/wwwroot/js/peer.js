/**
 * One RTCPeerConnection to one other person, negotiated with Perfect Negotiation
 * (polite/impolite, makingOffer, ignoreOffer): either side may renegotiate at any time — starting to
 * send video after joining without a camera, restarting ICE, or both sides at once — and offer glare
 * resolves itself.
 * @module peer
 */

/**
 * How long a connection may stay in `new`/`connecting` after the offer and answer were exchanged before
 * the page says that the network is blocking it. Over the internet, with a TURN relay when one is
 * needed, a call connects in a few seconds; one that has not in 15 s almost never will by itself
 * (Chromium declares ICE `failed` 15–30 s after the exchange when no pair answers, and never when no
 * candidate pair could be formed at all).
 * The link keeps trying: the message goes away when it connects.
 */
export const defaultConnectTimeoutMs = 15_000;

// A link that worked, failed, and whose person has also dropped out of the room is given this long to
// come back (an ICE restart, or their page reconnecting) before it counts as them having left.
const goneAfterMs = 20_000;

/**
 * Events (all `CustomEvent`s):
 * - `signal` — detail `{ type: 'offer' | 'answer' | 'candidate', payload }`: send it to the other side
 * - `statechange` — connection, chat channel or {@link PeerLink#blocked} state changed
 * - `media` — the remote tracks changed (a track arrived, muted, unmuted or ended)
 * - `data` — detail: an object the other side sent over the data channel
 * - `closed` — the link is finished (closed here, or the other side went away)
 */
export class PeerLink extends EventTarget {
  /** @type {RTCPeerConnection} */
  #pc;
  #polite;
  #initiator;
  #media;
  #makingOffer = false;
  #ignoreOffer = false;
  #attached = false;
  /** @type {RTCRtpTransceiver | null} */
  #audio = null;
  /** @type {RTCRtpTransceiver | null} */
  #video = null;
  /** @type {RTCDataChannel | null} */
  #channel = null;
  #remote = new MediaStream();
  #inbox = Promise.resolve();
  #closed = false;
  #connectTimeoutMs;
  #connectTimer = 0;
  #goneTimer = 0;
  #restarted = false;
  #everConnected = false;
  #blocked = false;
  #name;

  /** The other side's current peerId; null while unknown (their signaling is reconnecting). */
  peerId = null;
  /** The other side's page session id, which survives their signaling reconnects. */
  session = null;
  /** Set when the other side said goodbye on purpose. */
  byeReceived = false;
  /** Signals waiting for the other side's peerId to be known again. @type {{ type: string, payload: object }[]} */
  outbox = [];

  /**
   * @param {object} options
   * @param {string} options.name how the logs call the other side
   * @param {boolean} options.initiator true when this side makes the first offer (the newcomer)
   * @param {RTCIceServer[]} options.iceServers
   * @param {import('./media.js').LocalMedia} options.media
   * @param {number} [options.connectTimeoutMs] see {@link defaultConnectTimeoutMs}
   */
  constructor({ name, initiator, iceServers, media, connectTimeoutMs = defaultConnectTimeoutMs }) {
    super();
    this.#name = name;
    this.#connectTimeoutMs = connectTimeoutMs;
    this.#initiator = initiator;
    // Whoever answers the first offer yields in a glare; the roles must differ and stay fixed.
    this.#polite = !initiator;
    this.#media = media;
    const pc = new RTCPeerConnection({ iceServers });
    this.#pc = pc;
    pc.onnegotiationneeded = () => this.#negotiate();
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) {
        this.#signal('candidate', candidate.toJSON());
      }
    };
    pc.ontrack = ({ track }) => this.#onTrack(track);
    pc.ondatachannel = ({ channel }) => this.#useChannel(channel);
    pc.onconnectionstatechange = () => this.#onConnectionState();
    this.#armConnectTimer();
  }

  /** @returns {string} how the page calls the other side */
  get name() {
    return this.#name;
  }

  /** @param {string} value the name the other side chose, once it is known (or when they change it) */
  set name(value) {
    this.#name = value;
  }

  /** @returns {RTCPeerConnectionState} */
  get connectionState() {
    return this.#pc.connectionState;
  }

  /** @returns {boolean} media and data can flow */
  get connected() {
    return this.#pc.connectionState === 'connected';
  }

  /**
   * @returns {boolean} no direct connection could be made (ICE failed, or did not connect in time):
   *   most likely a firewall or NAT between the two, which only a TURN relay gets through. The link
   *   stays and keeps trying; this turns false when it connects.
   */
  get blocked() {
    return this.#blocked;
  }

  /** @returns {boolean} chat can be sent */
  get channelOpen() {
    return this.#channel?.readyState === 'open';
  }

  /** @returns {boolean} */
  get polite() {
    return this.#polite;
  }

  /** @returns {boolean} */
  get closed() {
    return this.#closed;
  }

  /** @returns {MediaStream} what the other side sends */
  get remoteStream() {
    return this.#remote;
  }

  /** @returns {boolean} a remote video track is live and not muted */
  get hasVideo() {
    return this.#remote.getVideoTracks().some((track) => track.readyState === 'live' && !track.muted);
  }

  /** @returns {object} a plain snapshot of the negotiation and media state, for debugging */
  describe() {
    return {
      name: this.#name,
      peerId: this.peerId,
      session: this.session,
      polite: this.#polite,
      connectionState: this.#pc.connectionState,
      iceConnectionState: this.#pc.iceConnectionState,
      blocked: this.#blocked,
      signalingState: this.#pc.signalingState,
      channelOpen: this.channelOpen,
      transceivers: this.#pc.getTransceivers().map((t) => ({
        kind: t.receiver.track.kind,
        direction: t.direction,
        currentDirection: t.currentDirection,
        sending: t.sender.track !== null,
      })),
      remoteTracks: this.#remote.getTracks().map((t) => ({ kind: t.kind, muted: t.muted, readyState: t.readyState })),
      // User names only: which TURN credentials the connection uses now, never their passwords.
      iceUsernames: this.#pc.getConfiguration().iceServers.map((server) => server.username).filter(Boolean),
    };
  }

  /**
   * What media is really moving, by kind: the numbers to look at when a video stays black.
   * @returns {Promise<object>}
   */
  async mediaStats() {
    const result = {};
    const report = await this.#pc.getStats();
    report.forEach((entry) => {
      if (entry.type === 'inbound-rtp' || entry.type === 'outbound-rtp') {
        const key = `${entry.kind}-${entry.type === 'inbound-rtp' ? 'in' : 'out'}`;
        result[key] = entry.type === 'inbound-rtp'
          ? { packets: entry.packetsReceived, frames: entry.framesDecoded ?? null, mid: entry.mid }
          : { packets: entry.packetsSent, frames: entry.framesEncoded ?? null, mid: entry.mid, active: entry.active };
      }
    });
    return result;
  }

  /** Starts the first negotiation on the initiator's side; the other side waits for its offer. */
  start() {
    if (!this.#initiator || this.#attached) {
      return;
    }
    this.#attached = true;
    // Always one audio and one video line, receive-only when there is nothing to send, so a person
    // without a camera still receives the others' video.
    this.#audio = this.#addTransceiver('audio', this.#media.audioTrack);
    this.#video = this.#addTransceiver('video', this.#media.videoTrack);
    this.#useChannel(this.#pc.createDataChannel('chat'));
  }

  /**
   * Handles an offer, answer or candidate from the other side, strictly in arrival order.
   * @param {{ type: string, payload: any }} message
   */
  handleSignal(message) {
    this.#inbox = this.#inbox
      .then(() => this.#handle(message))
      .catch((error) => console.warn(`[peer ${this.#name}] could not apply ${message.type}:`, error?.name, error?.message));
  }

  /**
   * Sends a different video track (or none) to the other side.
   *
   * Turning the camera off and on only swaps the track: it is instant, needs no signaling (so it
   * works while signaling reconnects), and keeps clear of a Chrome defect where a receiver stays muted
   * for good after a glare rollback of a direction change (w3c/webrtc-pc#3081). The call renegotiates
   * only when this side starts sending video for the first time, having joined without a camera.
   * @param {MediaStreamTrack | null} track
   */
  async setVideoTrack(track) {
    if (this.#closed || this.#video === null) {
      // Not attached yet: the first offer/answer takes the media's current track.
      return;
    }
    await this.#video.sender.replaceTrack(track);
    if (track !== null && !this.#closed && this.#video.direction !== 'sendrecv') {
      this.#video.direction = 'sendrecv';
    }
  }

  /**
   * @param {object} message sent as JSON over the data channel
   * @returns {boolean} false when the channel is not open
   */
  sendData(message) {
    if (!this.channelOpen) {
      return false;
    }
    this.#channel.send(JSON.stringify(message));
    return true;
  }

  /**
   * Uses a new ICE server list (fresh TURN credentials) from now on: for an ICE restart, and for relays
   * allocated later. Relays already allocated keep working after their credentials expire.
   * @param {RTCIceServer[]} iceServers
   */
  setIceServers(iceServers) {
    if (this.#closed) {
      return;
    }
    try {
      this.#pc.setConfiguration({ ...this.#pc.getConfiguration(), iceServers });
    } catch (error) {
      console.info(`[peer ${this.#name}] could not take the new ICE servers: ${error}`);
    }
  }

  /** Hangs up this link. */
  close() {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    clearTimeout(this.#connectTimer);
    clearTimeout(this.#goneTimer);
    this.#channel?.close();
    this.#pc.close();
    console.info(`[peer ${this.#name}] closed`);
    this.dispatchEvent(new CustomEvent('statechange'));
    this.dispatchEvent(new CustomEvent('closed'));
  }

  async #negotiate() {
    if (this.#closed) {
      return;
    }
    try {
      this.#makingOffer = true;
      await this.#pc.setLocalDescription();
      const { type, sdp } = this.#pc.localDescription;
      console.info(`[peer ${this.#name}] sending ${type}`);
      this.#signal(type, { type, sdp });
    } catch (error) {
      if (!this.#closed) {
        console.warn(`[peer ${this.#name}] could not make an offer:`, error?.name, error?.message);
      }
    } finally {
      this.#makingOffer = false;
    }
  }

  async #handle({ type, payload }) {
    if (this.#closed) {
      return;
    }
    const pc = this.#pc;
    if (type === 'offer' || type === 'answer') {
      if (payload === null || typeof payload !== 'object' || typeof payload.sdp !== 'string') {
        console.warn(`[peer ${this.#name}] ignored an ${type} without SDP`);
        return;
      }
      const description = { type, sdp: payload.sdp };
      const collision = type === 'offer' && (this.#makingOffer || pc.signalingState !== 'stable');
      this.#ignoreOffer = !this.#polite && collision;
      if (this.#ignoreOffer) {
        console.info(`[peer ${this.#name}] glare: keeping my offer, ignoring theirs`);
        return;
      }
      if (collision) {
        console.info(`[peer ${this.#name}] glare: taking their offer instead of mine`);
      }
      // Rolls back this side's own offer implicitly when the polite side yields.
      await pc.setRemoteDescription(description);
      if (type === 'offer') {
        if (!this.#attached) {
          await this.#attachToFirstOffer();
        }
        await pc.setLocalDescription();
        const answer = pc.localDescription;
        console.info(`[peer ${this.#name}] sending ${answer.type}`);
        this.#signal(answer.type, { type: answer.type, sdp: answer.sdp });
      }
    } else if (type === 'candidate') {
      try {
        await pc.addIceCandidate(payload ?? null);
      } catch (error) {
        // Candidates of an offer this side ignored are expected to fail.
        if (!this.#ignoreOffer && !this.#closed) {
          console.info(`[peer ${this.#name}] candidate not added:`, error?.message);
        }
      }
    }
  }

  // The answering side sends on the lines the offer made (one audio, one video) rather than adding its
  // own, so each pair has exactly one of each whoever has a camera.
  async #attachToFirstOffer() {
    this.#attached = true;
    for (const transceiver of this.#pc.getTransceivers()) {
      const kind = transceiver.receiver.track.kind;
      if (kind === 'audio' && this.#audio === null) {
        this.#audio = transceiver;
      } else if (kind === 'video' && this.#video === null) {
        this.#video = transceiver;
      }
    }
    this.#audio = await this.#send(this.#audio, 'audio', this.#media.audioTrack);
    this.#video = await this.#send(this.#video, 'video', this.#media.videoTrack);
  }

  async #send(transceiver, kind, track) {
    if (transceiver === null) {
      // An offer without this kind of line (another client): add one, which renegotiates afterwards.
      return track ? this.#addTransceiver(kind, track) : null;
    }
    await transceiver.sender.replaceTrack(track);
    transceiver.direction = track ? 'sendrecv' : 'recvonly';
    return transceiver;
  }

  #addTransceiver(kind, track) {
    return this.#pc.addTransceiver(track ?? kind, { direction: track ? 'sendrecv' : 'recvonly' });
  }

  #useChannel(channel) {
    if (this.#channel !== null && this.#channel !== channel) {
      console.warn(`[peer ${this.#name}] ignored an extra data channel "${channel.label}"`);
      return;
    }
    this.#channel = channel;
    channel.onopen = () => {
      console.info(`[peer ${this.#name}] chat channel open`);
      this.dispatchEvent(new CustomEvent('statechange'));
    };
    channel.onmessage = ({ data }) => {
      let message;
      try {
        message = JSON.parse(data);
      } catch {
        console.warn(`[peer ${this.#name}] ignored data that is not JSON`);
        return;
      }
      if (message !== null && typeof message === 'object') {
        this.dispatchEvent(new CustomEvent('data', { detail: message }));
      }
    };
    // The channel lives as long as the other side's page keeps the connection: its closing means they
    // hung up or went away, even when their signaling is still reconnecting.
    channel.onclose = () => {
      if (!this.#closed) {
        console.info(`[peer ${this.#name}] chat channel closed by the other side`);
        this.close();
      }
    };
  }

  #onTrack(track) {
    if (!this.#remote.getTracks().includes(track)) {
      this.#remote.addTrack(track);
    }
    const changed = () => this.dispatchEvent(new CustomEvent('media'));
    track.onmute = changed;
    track.onunmute = changed;
    track.onended = () => {
      this.#remote.removeTrack(track);
      changed();
    };
    changed();
  }

  #onConnectionState() {
    const state = this.#pc.connectionState;
    console.info(`[peer ${this.#name}] connection ${state}`);
    if (state === 'connected') {
      this.#everConnected = true;
      this.#restarted = false;
      clearTimeout(this.#connectTimer);
      clearTimeout(this.#goneTimer);
      this.#connectTimer = this.#goneTimer = 0;
      this.#setBlocked(false);
    } else if (state === 'failed' && !this.#closed) {
      this.#onFailed();
    } else if (state === 'closed') {
      this.close();
    }
    this.dispatchEvent(new CustomEvent('statechange'));
  }

  // A failed connection is never taken for the other person leaving while the server still has them in
  // the room (they have a peerId): both pages are there, and the network between them is what fails.
  // Only a link that worked and whose person has also dropped out of the room can mean they are gone.
  #onFailed() {
    if (!this.#restarted) {
      // One ICE restart per failure (it renegotiates): a changed network often recovers with it.
      this.#restarted = true;
      this.#pc.restartIce();
    }
    if (this.#everConnected && this.peerId === null) {
      clearTimeout(this.#goneTimer);
      this.#goneTimer = setTimeout(() => {
        this.#goneTimer = 0;
        if (this.connected) {
          return;
        }
        if (this.peerId === null) {
          this.close();
        } else {
          this.#setBlocked(true);
        }
      }, goneAfterMs);
      return;
    }
    this.#setBlocked(true);
  }

  // ICE may also stay in checking for ever, when no candidate pair can be formed at all (every
  // candidate filtered out): after the offer/answer exchange, a bounded wait says so too.
  #armConnectTimer() {
    clearTimeout(this.#connectTimer);
    this.#connectTimer = setTimeout(() => {
      this.#connectTimer = 0;
      if (this.#closed || this.connected) {
        return;
      }
      if (this.#pc.remoteDescription === null || this.#pc.localDescription === null) {
        // Still negotiating (signaling may be reconnecting): that is not the network's fault yet.
        this.#armConnectTimer();
        return;
      }
      console.info(`[peer ${this.#name}] no connection after ${this.#connectTimeoutMs} ms (ICE ${this.#pc.iceConnectionState})`);
      this.#setBlocked(true);
    }, this.#connectTimeoutMs);
  }

  #setBlocked(blocked) {
    if (blocked === this.#blocked) {
      return;
    }
    this.#blocked = blocked;
    if (blocked) {
      console.warn(`[peer ${this.#name}] no direct connection: the network between us blocks it (a TURN server would relay it)`);
    }
    this.dispatchEvent(new CustomEvent('statechange'));
  }

  #signal(type, payload) {
    if (!this.#closed) {
      this.dispatchEvent(new CustomEvent('signal', { detail: { type, payload } }));
    }
  }
}
