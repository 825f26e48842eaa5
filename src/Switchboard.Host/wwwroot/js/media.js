/**
 * The local camera and microphone: getting them, the fallbacks when one is missing or blocked, and the
 * mute / camera-off switches. A call goes on without them (receive-only, or chat-only).
 * @module media
 */

const log = (...args) => console.info('[media]', ...args);

const videoConstraints = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24 } };

/** What went wrong getting media, in words for the person in front of the screen. */
// Each says what still works and what the person can do about it. Reloading puts them back in the
// call by itself (the room is in the address), so it is a fair thing to suggest once the cause is fixed.
const problems = {
  'camera-denied': 'Camera and microphone are blocked for this page, so the others can\'t see or hear you. '
    + 'You can still see and hear them, and chat. To be seen and heard, allow camera and microphone for this '
    + 'site (the camera icon in the address bar), then reload the page: it takes you back into the call.',
  'no-devices': 'No camera or microphone was found. You can still see and hear the others, and chat. '
    + 'To be seen and heard, connect a camera or headset, then reload the page: it takes you back into the call.',
  'device-busy': 'Your camera or microphone is in use by another app, so the others can\'t see or hear you. '
    + 'Close that app, then reload the page: it takes you back into the call. You can still see and hear the others, and chat.',
  'no-media-support': 'This browser can\'t use a camera or microphone on this page: browsers allow them only on a secure '
    + 'https:// address. You can still see and hear the others, and chat. Ask whoever sent you the link for its https:// address.',
  'no-camera': 'No camera was found: the others will hear you but not see you. To be seen, connect a camera and press Camera on.',
  'no-microphone': 'No microphone was found: the others will see you but not hear you. To be heard, connect a microphone '
    + 'or headset, then reload the page: it takes you back into the call.',
  'camera-failed': 'The camera could not be turned back on: another app may be using it. Close that app, then press Camera on again.',
};

/**
 * @typedef {object} MediaProblem
 * @property {keyof typeof problems} code
 * @property {string} text
 */

/** @param {keyof typeof problems} code @returns {MediaProblem} */
const problem = (code) => ({ code, text: problems[code] });

function classify(error) {
  switch (error?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'camera-denied';
    case 'NotReadableError':
    case 'AbortError':
      return 'device-busy';
    default:
      return 'no-devices';
  }
}

/**
 * Events: `change` — the tracks changed (camera turned off or on, media stopped).
 */
export class LocalMedia extends EventTarget {
  #stream = new MediaStream();
  /** @type {MediaProblem | null} */
  #problem = null;
  #micOn = true;
  #stopped = false;

  /** @returns {MediaStream} the preview stream; its tracks are the ones sent to every peer */
  get stream() {
    return this.#stream;
  }

  /** @returns {MediaStreamTrack | null} */
  get audioTrack() {
    return this.#stream.getAudioTracks()[0] ?? null;
  }

  /** @returns {MediaStreamTrack | null} */
  get videoTrack() {
    return this.#stream.getVideoTracks()[0] ?? null;
  }

  /** @returns {MediaProblem | null} why there is less media than asked for, if there is */
  get problem() {
    return this.#problem;
  }

  /** @returns {boolean} */
  get micOn() {
    return this.#micOn && this.audioTrack !== null;
  }

  /** @returns {boolean} */
  get cameraOn() {
    return this.videoTrack !== null;
  }

  /**
   * Asks for camera and microphone, then for whichever of the two exists when both cannot be had.
   * Never throws: a call works without media.
   * @returns {Promise<MediaProblem | null>}
   */
  async start() {
    // After a hang-up, Rejoin starts the same media again.
    this.#stopped = false;
    this.#problem = null;
    if (!globalThis.navigator?.mediaDevices?.getUserMedia) {
      this.#problem = problem('no-media-support');
      return this.#problem;
    }
    try {
      this.#adopt(await navigator.mediaDevices.getUserMedia({ audio: true, video: videoConstraints }));
      log('camera and microphone on');
      return null;
    } catch (error) {
      log('camera and microphone together failed:', error?.name, error?.message);
      const code = classify(error);
      // Asking again after a refusal only repeats the refusal; a missing device may be just one of the two.
      if (code === 'camera-denied') {
        this.#problem = problem(code);
        return this.#problem;
      }
      for (const [constraints, missing] of [[{ audio: true }, 'no-camera'], [{ video: videoConstraints }, 'no-microphone']]) {
        try {
          this.#adopt(await navigator.mediaDevices.getUserMedia(constraints));
          this.#problem = problem(missing);
          return this.#problem;
        } catch {
          // try the other one
        }
      }
      this.#problem = problem(code);
      return this.#problem;
    }
  }

  /**
   * Mutes or unmutes the microphone for everyone at once (no renegotiation: the track just sends silence).
   * @param {boolean} on
   */
  setMicEnabled(on) {
    this.#micOn = on;
    for (const track of this.#stream.getAudioTracks()) {
      track.enabled = on;
    }
    this.#changed();
  }

  /**
   * Turns the camera off (the track is stopped, so its light goes out) or on again.
   * @param {boolean} on
   * @returns {Promise<MediaStreamTrack | null>} the new video track, or null when off
   * @throws {Error} when the camera cannot be had again; {@link problem} says why
   */
  async setCameraEnabled(on) {
    if (!on) {
      for (const track of this.#stream.getVideoTracks()) {
        track.stop();
        this.#stream.removeTrack(track);
      }
      this.#changed();
      return null;
    }
    if (this.videoTrack !== null) {
      return this.videoTrack;
    }
    try {
      const fresh = await navigator.mediaDevices.getUserMedia({ video: videoConstraints });
      const track = fresh.getVideoTracks()[0];
      if (this.#stopped) {
        track.stop();
        return null;
      }
      this.#stream.addTrack(track);
      if (this.#problem?.code === 'camera-failed') {
        this.#problem = null;
      }
      this.#changed();
      return track;
    } catch (error) {
      const code = classify(error);
      this.#problem = problem(code === 'no-devices' ? 'camera-failed' : code);
      throw error;
    }
  }

  /** Releases camera and microphone (after hanging up). */
  stop() {
    this.#stopped = true;
    for (const track of this.#stream.getTracks()) {
      track.stop();
      this.#stream.removeTrack(track);
    }
    this.#changed();
  }

  #adopt(stream) {
    for (const track of stream.getTracks()) {
      track.enabled = track.kind !== 'audio' || this.#micOn;
      this.#stream.addTrack(track);
    }
    this.#changed();
  }

  #changed() {
    this.dispatchEvent(new CustomEvent('change'));
  }
}
