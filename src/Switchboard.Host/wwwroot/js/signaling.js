/**
 * One WebSocket to a Switchboard server, kept open: JSON objects in and out, and a reconnect loop
 * with backoff and jitter when the connection drops. Knows nothing of rooms: see switchboard.js.
 * @module signaling
 */
import { backoffDelay, defaultBackoff, defaultRestart, restartDelay, serviceRestartCode } from './reconnect.js';

const log = (...args) => console.info('[signaling]', ...args);

/**
 * Events (all `CustomEvent`s):
 * - `open` — detail `{ reconnected }`: true when this is not the first time the socket opened
 * - `message` — detail: the parsed JSON object
 * - `close` — detail `{ code, reason, wasOpen }`
 * - `retry` — detail `{ attempt, delayMs, everOpened, serverRestarting }`: the next attempt is
 *   scheduled; serverRestarting: the server closed with 1012 (service restart) and has not been
 *   reached since
 */
export class SignalingSocket extends EventTarget {
  #url;
  #policy;
  #restartPolicy;
  #WebSocket;
  /** @type {WebSocket | null} */
  #ws = null;
  #attempt = 0;
  #timer = 0;
  #running = false;
  #everOpened = false;
  #serverRestarting = false;
  /** @type {WebSocket[]} given up on by {@link drop} but left open, until {@link discardStale} */
  #stale = [];

  /**
   * @param {string} url a ws: or wss: address, e.g. `ws://host/ws`
   * @param {{ backoff?: import('./reconnect.js').BackoffPolicy, restart?: import('./reconnect.js').RestartPolicy, WebSocketImpl?: typeof WebSocket }} [options]
   */
  constructor(url, { backoff = defaultBackoff, restart = defaultRestart, WebSocketImpl = globalThis.WebSocket } = {}) {
    super();
    this.#url = url;
    this.#policy = backoff;
    this.#restartPolicy = restart;
    this.#WebSocket = WebSocketImpl;
  }

  /** @returns {string} */
  get url() {
    return this.#url;
  }

  /** @returns {'idle' | 'connecting' | 'open' | 'waiting'} waiting: between a failure and the next attempt */
  get state() {
    if (!this.#running) {
      return 'idle';
    }
    if (this.#ws === null) {
      return 'waiting';
    }
    return this.#ws.readyState === this.#WebSocket.OPEN ? 'open' : 'connecting';
  }

  /** @returns {boolean} the server closed with 1012 (service restart) and has not been reached since */
  get serverRestarting() {
    return this.#serverRestarting;
  }

  /** Starts connecting, and keeps reconnecting until {@link stop}. */
  start() {
    if (this.#running) {
      return;
    }
    this.#running = true;
    this.#connect();
  }

  /** Closes the socket for good; no reconnect follows. */
  stop() {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#discard(1000, 'client closed');
    this.discardStale();
  }

  /** Skips the rest of the backoff wait (e.g. when the browser says it is back online). */
  retryNow() {
    if (this.#running && this.#ws === null) {
      clearTimeout(this.#timer);
      this.#connect();
    }
  }

  /**
   * Gives up on the current socket at once and reconnects, for a connection that looks open but has
   * stopped answering: the browser would otherwise wait for TCP to time out.
   * @param {{ keepOpen?: boolean }} [options] keepOpen: leave the old socket open, unheard, instead of
   *   closing it: a close frame that does get through tells the server to end the seat at once, while
   *   a new connection that resumes the seat makes the server close the old one itself (4001). Closed
   *   for good by {@link discardStale}
   */
  drop({ keepOpen = false } = {}) {
    if (!this.#running || this.#ws === null) {
      return;
    }
    const wasOpen = this.#ws.readyState === this.#WebSocket.OPEN;
    if (keepOpen && wasOpen) {
      const ws = this.#ws;
      this.#ws = null;
      ws.onopen = ws.onmessage = ws.onclose = null;
      this.#stale.push(ws);
    } else {
      this.#discard(4000, 'no answer from the server');
    }
    this.dispatchEvent(new CustomEvent('close', { detail: { code: 4000, reason: 'no answer from the server', wasOpen } }));
    this.#scheduleRetry();
  }

  /** Closes the sockets {@link drop} left open: once their seat has moved on, nothing needs them. */
  discardStale() {
    for (const ws of this.#stale.splice(0)) {
      try {
        ws.close(1000, 'replaced by a newer connection');
      } catch {
        // Already closing or closed: gone either way.
      }
    }
  }

  /**
   * @param {object} message sent as one JSON text frame
   * @returns {boolean} false when the socket is not open (the message is not queued)
   */
  send(message) {
    if (this.#ws === null || this.#ws.readyState !== this.#WebSocket.OPEN) {
      return false;
    }
    this.#ws.send(JSON.stringify(message));
    return true;
  }

  #connect() {
    /** @type {WebSocket} */
    let ws;
    try {
      ws = new this.#WebSocket(this.#url);
    } catch (error) {
      log('cannot open', this.#url, error);
      this.#scheduleRetry();
      return;
    }
    this.#ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      const reconnected = this.#everOpened;
      this.#everOpened = true;
      this.#attempt = 0;
      this.#serverRestarting = false;
      log(reconnected ? 'reconnected to' : 'connected to', this.#url);
      this.dispatchEvent(new CustomEvent('open', { detail: { reconnected } }));
    };
    ws.onmessage = (event) => this.#receive(event.data);
    // The close event that follows carries the useful part; the browser logs the reason itself.
    ws.onerror = () => {};
    ws.onclose = (event) => {
      if (this.#ws !== ws) {
        return;
      }
      this.#ws = null;
      log('closed', event.code, event.reason || '');
      const restarting = opened && event.code === serviceRestartCode;
      if (restarting) {
        this.#serverRestarting = true;
      }
      this.dispatchEvent(new CustomEvent('close', { detail: { code: event.code, reason: event.reason, wasOpen: opened } }));
      if (this.#running) {
        this.#scheduleRetry(restarting);
      }
    };
  }

  #receive(data) {
    if (typeof data !== 'string') {
      console.warn('[signaling] ignored a binary frame');
      return;
    }
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      console.warn('[signaling] ignored a frame that is not JSON');
      return;
    }
    if (message === null || typeof message !== 'object' || typeof message.type !== 'string') {
      console.warn('[signaling] ignored a message without a type');
      return;
    }
    this.dispatchEvent(new CustomEvent('message', { detail: message }));
  }

  /** @param {boolean} [restarting] the server has just closed with 1012: it is restarting */
  #scheduleRetry(restarting = false) {
    clearTimeout(this.#timer);
    // A restart drops every client at once: the first try is spread over seconds rather than the
    // backoff's first half second, and the attempts after it back off as usual.
    const attempt = restarting ? 0 : this.#attempt++;
    const delayMs = restarting ? restartDelay(this.#restartPolicy) : backoffDelay(attempt, this.#policy);
    log(restarting ? `the server is restarting: reconnecting in ${delayMs} ms` : `retrying in ${delayMs} ms (attempt ${attempt + 1})`);
    const serverRestarting = this.#serverRestarting;
    this.dispatchEvent(new CustomEvent('retry', { detail: { attempt, delayMs, everOpened: this.#everOpened, serverRestarting } }));
    this.#timer = setTimeout(() => {
      if (this.#running && this.#ws === null) {
        this.#connect();
      }
    }, delayMs);
  }

  #discard(code, reason) {
    const ws = this.#ws;
    this.#ws = null;
    if (ws !== null) {
      ws.onopen = ws.onmessage = ws.onclose = null;
      try {
        ws.close(code, reason);
      } catch {
        // Closing a socket that never opened can throw in some browsers; it is gone either way.
      }
    }
  }
}
