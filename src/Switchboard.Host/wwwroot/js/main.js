/**
 * Wiring only: connects the page (ui.js), the camera (media.js), the call (call.js) and the server
 * connection (switchboard.js). Decisions that are not wiring live in those modules.
 * @module main
 */
import { SwitchboardClient, SwitchboardError } from './switchboard.js';
import { LocalMedia } from './media.js';
import { Call, cleanName } from './call.js';
import { Ui } from './ui.js';

// Each says what happened and what to do next; "reload" only where reloading can help.
const roomErrors = {
  'room-full': 'This room is full: everyone it has space for is already in the call. Ask the person who sent the link to make a bigger room, or create a room of your own.',
  'room-not-found': 'There is no room with this id: everyone may have left (a room ends with its last person), or the link was cut short. Check the link, or create a new room and send its link to the others.',
  'too-many-rooms': 'This page is already in as many rooms as the server allows one connection. Hang up the call you are in, then try again.',
  'bad-room-id': 'That doesn\'t look like a room id or link. Paste the whole link you were sent.',
  'bad-message': 'The server did not understand this page\'s request, which happens when the page is older than the server. Reload the page to get the current one, then try again.',
  'rate-limited': 'This page asked the server for too much in a short time, so it is holding back for a moment. Wait a few seconds and try again.',
  timeout: 'The server didn\'t answer in time. Check your internet connection, wait until the Server indicator above says connected, and try again.',
  disconnected: 'The connection to the server dropped before it answered. The page reconnects by itself: try again when the Server indicator above says connected.',
  replaced: 'This call was opened in another tab or window, which took this page\'s place in it. Carry on there, or press Rejoin to take the call back to this page.',
  unauthorized: 'Your sign-in doesn\'t allow this: it may have expired, or it doesn\'t let you start a call or join this one. Open the link from the app that sent you here again, or ask the person who invited you.',
};
const signInRefused = 'This Switchboard server needs you to be signed in, and it did not accept your sign-in: it is missing,'
  + ' has expired or is not valid. Open the link from the app that sent you here again to get a fresh one.';
const serverUnreachable = 'Can\'t reach the Switchboard server. Check that you are online; the page keeps trying by itself and'
  + ' carries on as soon as the server answers. If it stays like this, the server may be down: tell whoever runs it.';
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

const nameKey = 'switchboard.name';

/** @returns {string} the name this browser used last, or a new one the person can change */
function rememberedName() {
  let stored = null;
  try {
    stored = localStorage.getItem(nameKey);
  } catch {
    // Storage is off (a private window with strict settings): the name lasts as long as the page.
  }
  const name = cleanName(stored);
  if (name !== '') {
    return name;
  }
  const fresh = `Guest ${1000 + (crypto.getRandomValues(new Uint16Array(1))[0] % 9000)}`;
  rememberName(fresh);
  return fresh;
}

/** @param {string} name */
function rememberName(name) {
  try {
    localStorage.setItem(nameKey, name);
  } catch {
    // See rememberedName.
  }
}

const ui = new Ui(document);
const client = new SwitchboardClient({ token: takeToken() ?? settings.token });
const media = new LocalMedia();
const call = new Call(client, media, { connectTimeoutMs: settings.connectTimeoutMs, name: rememberedName() });
ui.setName(call.name);

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
    ui.showError('server-unreachable', serverUnreachable);
  }
});
// A relayed message the server refused: this page sent more than the server takes at once. Said once
// a minute at most; the call may still connect, since ICE needs only some of its candidates.
let slowDownNoticedAt = -Infinity;
client.addEventListener('servererror', (e) => {
  if (e.detail.code === 'rate-limited' && performance.now() - slowDownNoticedAt > 60_000) {
    slowDownNoticedAt = performance.now();
    ui.notice('This page is sending the server more than it takes at once, so some of it was held back. If someone doesn\'t connect, hang up and press Rejoin in a few seconds.');
  }
});
// With authentication on, the name in the person's verified identity is what the others see anyway.
let nameFromSignIn = false;
client.addEventListener('authenticated', (e) => {
  const name = cleanName(e.detail.identity?.name);
  if (name !== '') {
    nameFromSignIn = true;
    call.name = name;
    ui.setName(name, true);
  }
});
// Another connection resumed this page's seat (see docs/protocol.md, close 4001): the server closed
// this one and it does not reconnect. The call here is over; Rejoin takes it back.
client.addEventListener('replaced', () => {
  ui.setSignalingState('offline');
  endCall('This call moved to another tab or window', roomErrors.replaced);
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
let lastRoomId = null;
call.addEventListener('room', (e) => {
  const { roomId, capacity, moved } = e.detail;
  lastRoomId = roomId;
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
  ui.updatePeer(link, { name: link.name, state: link.blocked && !link.connected ? 'blocked' : link.connectionState, hasVideo: link.hasVideo });
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
// Said in the chat, so that earlier messages under the old name can still be told apart.
call.addEventListener('renamed', (e) => ui.appendSystem(`${e.detail.from} is now called ${e.detail.link.name}.`));
call.addEventListener('chat', (e) => ui.appendChat(e.detail.link.name, e.detail.text, false));
call.addEventListener('notice', (e) => {
  ui.notice(e.detail.text);
  if (e.detail.text.endsWith('left the call.')) {
    ui.appendSystem(e.detail.text);
  }
});
call.addEventListener('problem', (e) => ui.showError(e.detail.code, e.detail.text));

// --- what the person does ------------------------------------------------------------------------

const mediaCodes = ['camera-denied', 'no-devices', 'device-busy', 'no-media-support', 'no-camera', 'no-microphone', 'camera-failed'];

function startMedia() {
  return media.start().then((problem) => {
    showMediaState();
    ui.clearError(...mediaCodes);
    if (problem !== null) {
      ui.showError(problem.code, problem.text);
    }
  });
}

let mediaReady = startMedia();
media.addEventListener('change', showMediaState);

/**
 * @param {() => Promise<unknown>} enter
 * @returns {Promise<boolean>} whether the page is in the room now
 */
async function enterRoom(enter) {
  ui.setBusy(true);
  ui.clearError(...roomErrorCodes);
  // Offers made before the camera is ready would go out without video.
  await mediaReady;
  try {
    await enter();
    return true;
  } catch (error) {
    history.replaceState(null, '', location.pathname);
    showRoomError(error);
    return false;
  } finally {
    ui.setBusy(false);
  }
}

/**
 * Leaves the call and shows the screen after it, with Rejoin while there is a room to go back to.
 * @param {string} title
 * @param {string} hint
 */
function endCall(title, hint) {
  call.hangUp();
  media.stop();
  history.replaceState(null, '', location.pathname);
  ui.clearError('network-blocked');
  ui.showEnded({ title, hint, canRejoin: lastRoomId !== null });
}

async function rejoin() {
  const roomId = lastRoomId;
  if (roomId === null) {
    return;
  }
  if (client.replaced === true) {
    // This page's connection was closed for good when the other one took its place: start afresh.
    history.replaceState(null, '', `#${roomId}`);
    location.reload();
    return;
  }
  mediaReady = startMedia();
  if (await enterRoom(() => call.join(roomId))) {
    ui.appendSystem('You rejoined the call.');
  } else {
    // The room is gone or full: the start page has what can be done instead.
    ui.showStart();
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
ui.addEventListener('rename', (e) => {
  if (nameFromSignIn) {
    return;
  }
  const name = cleanName(e.detail.name);
  if (name === '') {
    // A name cannot be blank: put back the one the others see.
    ui.setName(call.name);
    return;
  }
  const changed = name !== call.name;
  call.name = name;
  rememberName(name);
  ui.setName(name);
  if (changed) {
    const inCall = call.roomId !== null && call.state !== 'idle' && call.state !== 'ended';
    ui.notice(inCall ? `The others now see you as ${name}.` : `Saved: the others will see you as ${name}.`);
  }
});
ui.addEventListener('rejoin', () => rejoin());
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
ui.addEventListener('hangup', () => endCall('You left the call',
  'Your camera and microphone are off. Rejoin goes back into the same room while anyone is still in it.'));

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
