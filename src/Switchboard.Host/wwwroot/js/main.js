/**
 * Wiring only: connects the page (ui.js), the camera (media.js), the call (call.js) and the server
 * connection (switchboard.js). Decisions that are not wiring live in those modules.
 * @module main
 */
import { SwitchboardClient, SwitchboardError } from './switchboard.js';
import { LocalMedia } from './media.js';
import { Call } from './call.js';
import { Ui } from './ui.js';

const roomErrors = {
  'room-full': 'This room is full: everyone it has space for is already in the call. Ask the person who sent the link, or create a room of your own.',
  'room-not-found': 'There is no room with this id. The call may have ended, or the link was cut short: check it, or create a new room.',
  'too-many-rooms': 'This page is in too many rooms at once. Reload it and try again.',
  'bad-room-id': 'That doesn\'t look like a room id or link. Paste the whole link you were sent.',
  'bad-message': 'The server did not accept that request. Reload the page and try again.',
  'rate-limited': 'This page asked the server for too much in a short time, so it is holding back for a moment. Wait a few seconds and try again.',
  timeout: 'The server didn\'t answer. Check your connection and try again.',
  disconnected: 'The connection to the server dropped before it answered. Try again in a moment.',
  unauthorized: 'Your sign-in doesn\'t allow this: it may have expired, or it doesn\'t let you start a call or join this one. Open the link from the app that sent you here again, or ask the person who invited you.',
};
const signInRefused = 'This Switchboard server needs you to be signed in, and it did not accept your sign-in: it is missing,'
  + ' has expired or is not valid. Open the link from the app that sent you here again to get a fresh one.';
const roomErrorCodes = Object.keys(roomErrors);

/** @param {string[]} names the people no direct connection could be made to */
const networkBlockedText = (names) => `Can't connect to ${names.join(', ')}: a network between you (a firewall, or a router that`
  + ' lets no direct connection through) is blocking the direct connection. You are still in the call, and it keeps trying.'
  + ' If it stays like this, the Switchboard server needs a TURN server to relay the call: whoever runs it can add one'
  + ' (the Switchboard:IceServers setting, see docs/configuration.md).';

// Settings a test (or someone debugging) may set before the page loads; see docs/web-app.md.
const settings = globalThis.__switchboardSettings ?? {};

/**
 * The token in the page's fragment (`#access_token=…`, or `#<roomId>&access_token=…`; docs/web-app.md),
 * taken out of the address bar at once so it is not shared along with the link. A fragment never
 * reaches a server, so the token is in no access log either.
 * @returns {string | undefined}
 */
function takeToken() {
  const parts = location.hash.slice(1).split('&');
  const entry = parts.find((part) => part.startsWith('access_token='));
  if (entry === undefined) {
    return undefined;
  }
  const rest = parts.filter((part) => part !== entry).join('&');
  history.replaceState(null, '', rest ? `#${rest}` : `${location.pathname}${location.search}`);
  return decodeURIComponent(entry.slice('access_token='.length));
}

const ui = new Ui(document);
const client = new SwitchboardClient({ token: takeToken() ?? settings.token });
const media = new LocalMedia();
const call = new Call(client, media, { connectTimeoutMs: settings.connectTimeoutMs });

/**
 * The link to this page with the room in its fragment: built from where the page was loaded, so it
 * stays right when the app is served under a sub-path (`https://me.host/switchboard/#room`).
 * @param {string} roomId
 */
const shareLink = (roomId) => `${location.origin}${location.pathname}#${roomId}`;

/** A room id from what was typed or pasted: the id itself, or a link ending in #id. */
function parseRoomId(input) {
  const text = input.trim();
  const id = text.includes('#') ? text.slice(text.lastIndexOf('#') + 1) : text;
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : null;
}

/** @param {number | undefined} retryAfterMs how long the server said to wait */
const rateLimitedText = (retryAfterMs) => (retryAfterMs === undefined || retryAfterMs < 1000
  ? roomErrors['rate-limited']
  : `This page asked the server for too much in a short time, so it is holding back for a moment. Try again in ${Math.ceil(retryAfterMs / 1000)} seconds.`);

function showRoomError(error) {
  const code = error instanceof SwitchboardError && error.code in roomErrors ? error.code : 'disconnected';
  if (!(error instanceof SwitchboardError)) {
    console.warn('[main] unexpected failure:', error);
  }
  ui.showError(code, code === 'rate-limited' ? rateLimitedText(error.retryAfterMs) : roomErrors[code]);
}

function showMediaState() {
  ui.setLocalStream(media.stream);
  ui.setMediaState({ micOn: media.micOn, micAvailable: media.audioTrack !== null, cameraOn: media.cameraOn });
}

// --- the server connection ---------------------------------------------------------------------

let everConnected = false;
client.addEventListener('open', () => {
  everConnected = true;
  ui.setSignalingState('connected');
  ui.clearError('server-unreachable');
});
let restartNoticed = false;
client.addEventListener('reconnecting', (e) => {
  if (everConnected && e.detail.serverRestarting) {
    ui.setSignalingState('restarting');
    if (!restartNoticed) {
      restartNoticed = true;
      ui.notice('The server is restarting. Reconnecting in a moment… (the call itself goes on)');
    }
  } else if (everConnected) {
    ui.setSignalingState('reconnecting');
    ui.notice('Lost the connection to the server. Reconnecting… (the call itself goes on)');
  } else {
    ui.setSignalingState('offline');
    ui.showError('server-unreachable', 'Can\'t reach the Switchboard server. Trying again…');
  }
});
// A relayed message the server refused: this page sent more than the server takes at once. Said once
// a minute at most; the call may still connect, since ICE needs only some of its candidates.
let slowDownNoticedAt = -Infinity;
client.addEventListener('servererror', (e) => {
  if (e.detail.code === 'rate-limited' && performance.now() - slowDownNoticedAt > 60_000) {
    slowDownNoticedAt = performance.now();
    ui.notice('This page is sending the server more than it takes at once, so some of it was held back. If someone doesn\'t connect, leave and join again in a few seconds.');
  }
});
client.addEventListener('unauthorized', () => {
  ui.setSignalingState('not signed in');
  ui.showError('unauthorized', signInRefused);
});
client.addEventListener('reconnected', () => {
  restartNoticed = false;
  ui.setSignalingState('reconnected');
  ui.clearError('server-unreachable');
  ui.notice('Reconnected to the server.');
});

// --- the call ----------------------------------------------------------------------------------

call.addEventListener('state', (e) => ui.setCallState(e.detail.state));
call.addEventListener('room', (e) => {
  const { roomId, capacity, moved } = e.detail;
  history.replaceState(null, '', `#${roomId}`);
  ui.clearError(...roomErrorCodes, 'room-lost');
  ui.showRoom(roomId, shareLink(roomId), capacity);
  if (moved) {
    ui.notice('The server restarted, so the call moved to a new link. Share the new one from now on.');
    ui.appendSystem('The call moved to a new link.');
  }
});
const announced = new WeakSet();
call.addEventListener('peeradded', (e) => {
  const { link } = e.detail;
  ui.addPeer(link, link.name, link.remoteStream);
});
function showBlocked() {
  const blocked = call.blockedLinks;
  if (blocked.length > 0) {
    ui.showError('network-blocked', networkBlockedText(blocked.map((link) => link.name)));
  } else {
    ui.clearError('network-blocked');
  }
}

call.addEventListener('peerchanged', (e) => {
  const { link } = e.detail;
  ui.updatePeer(link, { state: link.blocked && !link.connected ? 'blocked' : link.connectionState, hasVideo: link.hasVideo });
  ui.setChatEnabled(call.canChat);
  showBlocked();
  if (link.connected && !announced.has(link)) {
    announced.add(link);
    ui.appendSystem(`${link.name} is in the call.`);
    ui.notice(`${link.name} is in the call.`);
  }
});
call.addEventListener('peerremoved', (e) => {
  ui.removePeer(e.detail.link);
  ui.setChatEnabled(call.canChat);
  showBlocked();
});
call.addEventListener('chat', (e) => ui.appendChat(e.detail.link.name, e.detail.text, false));
call.addEventListener('notice', (e) => {
  ui.notice(e.detail.text);
  if (e.detail.text.endsWith('left the call.')) {
    ui.appendSystem(e.detail.text);
  }
});
call.addEventListener('problem', (e) => ui.showError(e.detail.code, e.detail.text));

// --- what the person does ------------------------------------------------------------------------

const mediaReady = media.start().then((problem) => {
  showMediaState();
  if (problem !== null) {
    ui.showError(problem.code, problem.text);
  }
});
media.addEventListener('change', showMediaState);

/** @param {() => Promise<unknown>} enter */
async function enterRoom(enter) {
  ui.setBusy(true);
  ui.clearError(...roomErrorCodes);
  // Offers made before the camera is ready would go out without video.
  await mediaReady;
  try {
    await enter();
  } catch (error) {
    history.replaceState(null, '', location.pathname);
    showRoomError(error);
  } finally {
    ui.setBusy(false);
  }
}

function joinFromInput(input) {
  const roomId = parseRoomId(input);
  if (roomId === null) {
    ui.showError('bad-room-id', roomErrors['bad-room-id']);
    return;
  }
  ui.setJoinInput(roomId);
  enterRoom(() => call.join(roomId));
}

ui.addEventListener('create', (e) => enterRoom(() => call.create(e.detail.capacity)));
ui.addEventListener('join', (e) => joinFromInput(e.detail.input));
ui.addEventListener('chat', (e) => {
  if (call.sendChat(e.detail.text) > 0) {
    ui.appendChat('You', e.detail.text, true);
    ui.clearChatInput();
  }
});
ui.addEventListener('togglemic', () => {
  media.setMicEnabled(!media.micOn);
});
ui.addEventListener('togglecamera', async () => {
  ui.setCameraBusy(true);
  try {
    const track = await media.setCameraEnabled(!media.cameraOn);
    ui.clearError('camera-failed');
    await call.setVideoTrack(track);
  } catch {
    if (media.problem !== null) {
      ui.showError(media.problem.code, media.problem.text);
    }
  } finally {
    ui.setCameraBusy(false);
  }
});
ui.addEventListener('hangup', () => {
  call.hangUp();
  media.stop();
  history.replaceState(null, '', location.pathname);
  ui.showEnded();
});

// A link opened in a tab that is still on the start page joins that room.
addEventListener('hashchange', () => {
  if (call.state === 'idle' && location.hash.length > 1) {
    joinFromInput(location.hash);
  }
});
// Tell the others at once rather than let them wait for the connection to time out.
addEventListener('pagehide', () => {
  call.hangUp();
  client.close();
});

// One deliberate, read-only window into the page for tests and for debugging from the console.
Object.defineProperty(window, '__signalingDebug', {
  value: Object.freeze({
    get signalingState() { return client.state; },
    get signalingUrl() { return client.url; },
    get peerId() { return client.peerId; },
    get reconnects() { return client.reconnects; },
    get roomId() { return call.roomId; },
    get session() { return call.session; },
    get callState() { return call.state; },
    get peers() { return call.describe(); },
    get iceUsernames() { return client.iceServers.map((server) => server.username).filter(Boolean); },
    refreshIceServers() { return client.refreshIceServers(); },
    mediaStats() { return Promise.all(call.links.map((link) => link.mediaStats())); },
  }),
});

ui.setSignalingState('connecting');
ui.setCallState(call.state);
client.connect();
if (location.hash.length > 1) {
  joinFromInput(location.hash);
}
