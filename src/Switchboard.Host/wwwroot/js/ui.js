/**
 * Everything the page shows, and nothing else: no signaling, no WebRTC. What the person does comes
 * out as events; main.js decides what happens.
 * @module ui
 */

const noticeMs = 6000;
const copiedMs = 2000;
// A remote tile shows its placeholder when no frame has been shown for this long: frames are the one
// sure sign of video arriving (a track's muted flag can lag behind renegotiation).
const frameGapMs = 1200;
const frameCheckMs = 400;

/**
 * Events (all `CustomEvent`s): `create` `{ capacity }`, `join` `{ input }`, `chat` `{ text }`,
 * `rename` `{ name }`, `togglemic`, `togglecamera`, `hangup`, `rejoin`.
 */
export class Ui extends EventTarget {
  #doc;
  /** @type {Map<object, { tile: HTMLElement, video: HTMLVideoElement, caption: HTMLElement, stream: MediaStream, lastFrame: number, watched: boolean, hasVideo: boolean }>} */
  #tiles = new Map();
  #frameCheck = 0;
  #noticeTimer = 0;
  #copiedTimer = 0;

  /** @param {Document} doc */
  constructor(doc) {
    super();
    this.#doc = doc;
    this.#on('create-form', 'submit', (e) => {
      e.preventDefault();
      this.#emit('create', { capacity: Number(this.#el('room-capacity').value) });
    });
    this.#on('join-form', 'submit', (e) => {
      e.preventDefault();
      this.#emit('join', { input: this.#el('join-room-input').value });
    });
    this.#on('chat-form', 'submit', (e) => {
      e.preventDefault();
      const input = this.#el('chat-input');
      const text = input.value.trim();
      if (text !== '') {
        this.#emit('chat', { text });
      }
    });
    this.#on('toggle-mic', 'click', () => this.#emit('togglemic'));
    this.#on('toggle-camera', 'click', () => this.#emit('togglecamera'));
    this.#on('name-form', 'submit', (e) => {
      e.preventDefault();
      this.#emit('rename', { name: this.#el('name-input').value });
    });
    // Leaving the field keeps what was typed, as a person expects of a name box without pressing Save.
    this.#on('name-input', 'change', () => this.#emit('rename', { name: this.#el('name-input').value }));
    this.#on('hang-up', 'click', () => this.#emit('hangup'));
    this.#on('rejoin', 'click', () => this.#emit('rejoin'));
    this.#on('copy-link', 'click', () => this.#copyLink());
    this.#on('share-link', 'focus', () => this.#el('share-link').select());
    this.#on('unmute-remote', 'click', () => this.#unmuteRemote());
  }

  /** @param {'connecting' | 'connected' | 'offline' | 'reconnecting' | 'restarting' | 'reconnected'} state */
  setSignalingState(state) {
    this.#el('signaling-state').textContent = state;
    this.#el('signaling-pill').dataset.state = state;
  }

  /** @param {string} state shown as is: the tests read `connected` */
  setCallState(state) {
    this.#el('call-state').textContent = state;
    this.#el('call-pill').dataset.state = state;
  }

  /**
   * Shows a problem in plain words; one line per code, so a room error does not hide a camera error.
   * @param {string} code
   * @param {string} text
   */
  showError(code, text) {
    const box = this.#el('error');
    let line = [...box.children].find((child) => child.dataset.code === code);
    if (line === undefined) {
      line = this.#doc.createElement('p');
      line.dataset.code = code;
      box.append(line);
    }
    line.textContent = text;
    box.hidden = false;
  }

  /** @param {...string} codes the problems that no longer apply */
  clearError(...codes) {
    const box = this.#el('error');
    for (const line of [...box.children]) {
      if (codes.includes(line.dataset.code)) {
        line.remove();
      }
    }
    box.hidden = box.children.length === 0;
  }

  /** @param {string} text shown for a few seconds */
  notice(text) {
    const box = this.#el('notice');
    box.textContent = text;
    box.hidden = false;
    clearTimeout(this.#noticeTimer);
    this.#noticeTimer = setTimeout(() => {
      box.hidden = true;
    }, noticeMs);
  }

  /** @param {boolean} busy while a room is being created or joined */
  setBusy(busy) {
    for (const id of ['create-room', 'join-room', 'rejoin']) {
      this.#el(id).disabled = busy;
    }
  }

  /**
   * @param {string} name what the others see this person as
   * @param {boolean} [fromSignIn] the name comes from the person's sign-in and cannot be changed here
   */
  setName(name, fromSignIn = false) {
    const input = /** @type {HTMLInputElement} */ (this.#el('name-input'));
    input.value = name;
    input.readOnly = fromSignIn;
    this.#el('name-save').hidden = fromSignIn;
    const hint = this.#el('name-hint');
    hint.hidden = !fromSignIn;
    hint.textContent = fromSignIn ? 'This is the name your sign-in gives you.' : '';
    this.#el('local-caption').textContent = `${name} (you)`;
  }

  /** @param {string} value */
  setJoinInput(value) {
    this.#el('join-room-input').value = value;
  }

  /** @param {MediaStream} stream */
  setLocalStream(stream) {
    this.#attach(/** @type {HTMLVideoElement} */ (this.#el('local-video')), stream);
  }

  /**
   * @param {{ micOn: boolean, micAvailable: boolean, cameraOn: boolean }} state
   */
  setMediaState({ micOn, micAvailable, cameraOn }) {
    const mic = this.#el('toggle-mic');
    mic.textContent = !micAvailable ? 'No mic' : micOn ? 'Mute mic' : 'Unmute mic';
    mic.setAttribute('aria-pressed', String(!micOn));
    mic.disabled = !micAvailable;
    const camera = this.#el('toggle-camera');
    camera.textContent = cameraOn ? 'Camera off' : 'Camera on';
    camera.setAttribute('aria-pressed', String(!cameraOn));
    this.#el('local-tile').classList.toggle('no-video', !cameraOn);
  }

  /** @param {boolean} busy while the camera is being switched */
  setCameraBusy(busy) {
    this.#el('toggle-camera').disabled = busy;
  }

  /**
   * @param {string} roomId
   * @param {string} link
   * @param {number} capacity
   */
  showRoom(roomId, link, capacity) {
    this.#doc.body.dataset.screen = 'call';
    this.#el('start').hidden = true;
    this.#el('ended').hidden = true;
    this.#el('room').hidden = false;
    this.#el('chat').hidden = false;
    this.#el('hang-up').hidden = false;
    this.#el('room-id').textContent = roomId;
    /** @type {HTMLInputElement} */ (this.#el('share-link')).value = link;
    this.#el('room-hint').textContent = `Up to ${capacity} people can be in this call. The link is the only way in: share it only with them.`;
  }

  /**
   * The screen after leaving a call: nothing but the ways on from there (the camera is off, so the
   * call's controls go too).
   * @param {{ title: string, hint: string, canRejoin: boolean }} what
   */
  showEnded({ title, hint, canRejoin }) {
    this.#doc.body.dataset.screen = 'ended';
    this.#el('room').hidden = true;
    this.#el('start').hidden = true;
    this.#el('chat').hidden = true;
    this.#el('hang-up').hidden = true;
    this.#el('unmute-remote').hidden = true;
    this.#el('ended').hidden = false;
    this.#el('ended-title').textContent = title;
    this.#el('ended-hint').textContent = hint;
    this.#el('rejoin').hidden = !canRejoin;
    for (const key of [...this.#tiles.keys()]) {
      this.removePeer(key);
    }
    this.#el('rejoin').focus();
  }

  /** The start page again: after a rejoin that could not get back in. */
  showStart() {
    this.#doc.body.dataset.screen = 'lobby';
    this.#el('room').hidden = true;
    this.#el('chat').hidden = true;
    this.#el('hang-up').hidden = true;
    this.#el('ended').hidden = true;
    this.#el('start').hidden = false;
  }

  /**
   * @param {object} key identifies the peer's tile
   * @param {string} name
   * @param {MediaStream} stream
   */
  addPeer(key, name, stream) {
    const tile = this.#doc.createElement('figure');
    tile.className = 'tile no-video';
    tile.dataset.state = 'new';
    const video = this.#doc.createElement('video');
    video.dataset.testid = 'remote-video';
    video.autoplay = true;
    video.playsInline = true;
    const placeholder = this.#doc.createElement('div');
    placeholder.className = 'placeholder';
    placeholder.setAttribute('aria-hidden', 'true');
    placeholder.append(this.#doc.createElement('span'));
    placeholder.firstElementChild.textContent = 'No video';
    const caption = this.#doc.createElement('figcaption');
    caption.dataset.testid = 'remote-name';
    tile.append(video, placeholder, caption);
    this.#el('video-grid').append(tile);
    const entry = { tile, video, caption, stream, lastFrame: -Infinity, watched: false, hasVideo: false };
    this.#showName(entry, name);
    this.#tiles.set(key, entry);
    this.#countTiles();
    this.#attach(video, stream);
    this.#watchFrames(entry);
  }

  /**
   * @param {object} key
   * @param {{ name: string, state: string, hasVideo: boolean }} status
   */
  updatePeer(key, { name, state, hasVideo }) {
    const entry = this.#tiles.get(key);
    if (entry === undefined) {
      return;
    }
    this.#showName(entry, name);
    entry.tile.dataset.state = state;
    entry.hasVideo = hasVideo;
    this.#attach(entry.video, entry.stream);
    if (!entry.watched) {
      entry.tile.classList.toggle('no-video', !hasVideo);
    }
  }

  /** @param {object} key */
  removePeer(key) {
    const entry = this.#tiles.get(key);
    if (entry === undefined) {
      return;
    }
    this.#tiles.delete(key);
    entry.video.srcObject = null;
    entry.tile.remove();
    this.#countTiles();
    if (this.#tiles.size === 0) {
      clearInterval(this.#frameCheck);
      this.#frameCheck = 0;
    }
  }

  /**
   * @param {string} who
   * @param {string} text
   * @param {boolean} mine
   */
  appendChat(who, text, mine) {
    const item = this.#doc.createElement('li');
    item.className = mine ? 'mine' : 'theirs';
    const name = this.#doc.createElement('span');
    name.className = 'who';
    name.textContent = `${who}:`;
    // textContent, never innerHTML: chat text is whatever the other side sent.
    item.append(name, this.#doc.createTextNode(text));
    this.#appendToLog(item);
  }

  /** @param {string} text a line about the call itself (someone joined or left) */
  appendSystem(text) {
    const item = this.#doc.createElement('li');
    item.className = 'system';
    item.textContent = text;
    this.#appendToLog(item);
  }

  clearChatInput() {
    this.#el('chat-input').value = '';
  }

  /** @param {boolean} enabled someone is there to read it */
  setChatEnabled(enabled) {
    this.#el('chat-input').disabled = !enabled;
    this.#el('chat-send').disabled = !enabled;
    this.#el('chat-input').placeholder = enabled ? 'Write a message' : 'Chat opens when someone is connected';
  }

  // textContent, never innerHTML: a name is whatever the other side sent.
  #showName(entry, name) {
    if (entry.caption.textContent !== name) {
      entry.caption.textContent = name;
      entry.video.setAttribute('aria-label', `Video of ${name}`);
    }
  }

  #appendToLog(item) {
    const log = this.#el('chat-log');
    log.append(item);
    log.scrollTop = log.scrollHeight;
  }

  // A video element given a stream without tracks never gets metadata, and holds up the page's load
  // event meanwhile: a stream is attached only once it has something to play.
  #attach(video, stream) {
    const playable = stream.getTracks().length > 0;
    if (!playable) {
      if (video.srcObject !== null) {
        video.srcObject = null;
      }
      return;
    }
    if (video.srcObject !== stream) {
      video.srcObject = stream;
    }
    if (video.paused) {
      this.#play(video);
    }
  }

  #watchFrames(entry) {
    const { video } = entry;
    if (typeof video.requestVideoFrameCallback !== 'function') {
      return;
    }
    entry.watched = true;
    const onFrame = () => {
      entry.lastFrame = performance.now();
      if (entry.tile.isConnected) {
        video.requestVideoFrameCallback(onFrame);
      }
    };
    video.requestVideoFrameCallback(onFrame);
    if (this.#frameCheck === 0) {
      this.#frameCheck = setInterval(() => {
        const now = performance.now();
        for (const tile of this.#tiles.values()) {
          if (tile.watched) {
            tile.tile.classList.toggle('no-video', now - tile.lastFrame > frameGapMs);
          }
        }
      }, frameCheckMs);
    }
  }

  // Browsers refuse to start sound without a click on the page first; a person who arrives by link
  // has not clicked. Then the video plays muted and a button offers the sound.
  #play(video) {
    video.play().catch((error) => {
      if (error?.name !== 'NotAllowedError' || video.muted) {
        return;
      }
      video.muted = true;
      this.#el('unmute-remote').hidden = false;
      video.play().catch(() => {});
    });
  }

  #unmuteRemote() {
    for (const { video } of this.#tiles.values()) {
      video.muted = false;
      this.#play(video);
    }
    this.#el('unmute-remote').hidden = true;
  }

  async #copyLink() {
    const input = /** @type {HTMLInputElement} */ (this.#el('share-link'));
    const button = this.#el('copy-link');
    try {
      await navigator.clipboard.writeText(input.value);
      button.textContent = 'Copied';
    } catch {
      input.focus();
      input.select();
      // The clipboard was refused (an insecure page, or no permission): the link is selected instead.
      button.textContent = /Mac|iPhone|iPad/.test(navigator.platform) ? 'Press ⌘C to copy' : 'Press Ctrl+C to copy';
    }
    clearTimeout(this.#copiedTimer);
    this.#copiedTimer = setTimeout(() => {
      button.textContent = 'Copy link';
    }, copiedMs);
  }

  #countTiles() {
    this.#el('video-grid').dataset.count = String(this.#tiles.size + 1);
  }

  #el(id) {
    const element = this.#doc.getElementById(id);
    if (element === null) {
      throw new Error(`the page has no #${id}`);
    }
    return element;
  }

  #on(id, type, handler) {
    this.#el(id).addEventListener(type, handler);
  }

  #emit(type, detail = {}) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
