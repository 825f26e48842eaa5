// Compiled by TypeScriptDeclarationTests with `tsc --noEmit --strict` against the packed switchboard-js:
// every part of the public API as a page written in TypeScript uses it. Nothing here runs.
import { SwitchboardClient, SwitchboardError, defaultUrl, reservedTypes } from 'switchboard-js';
import type { RelayedMessage, RoomInfo, SwitchboardClientEventMap, SwitchboardErrorCode } from 'switchboard-js';
import { backoffDelay, defaultBackoff, restartDelay, serviceRestartCode } from 'switchboard-js/reconnect.js';
import type { BackoffPolicy } from 'switchboard-js/reconnect.js';
import { SignalingSocket } from 'switchboard-js/signaling.js';

const policy: BackoffPolicy = { baseMs: 250, capMs: 4000 };
const client = new SwitchboardClient({
  url: defaultUrl('https://switchboard.example/js/switchboard.js'),
  backoff: policy,
  restart: { minMs: 500, maxMs: 2000 },
  requestTimeoutMs: 5000,
  heartbeatMs: 0,
  rejoin: true,
  resume: true,
  token: 'a token from the backend',
});

client.addEventListener('open', () => console.log('open', client.state, client.url));
client.addEventListener('reconnecting', (e) => {
  const seconds: number = e.detail.delayMs / 1000;
  console.log(e.detail.attempt, seconds, e.detail.serverRestarting);
});
client.addEventListener('reconnected', () => console.log('back', client.reconnects));
client.addEventListener('resumed', (e) => {
  const rooms: RoomInfo[] = e.detail.rooms;
  console.log('same seat', e.detail.peerId === client.peerId, rooms.map((room) => room.peers.length));
});
client.addEventListener('rejoined', (e) => console.log(e.detail.roomId, e.detail.resumed === true ? 'resumed' : 'joined afresh'));
client.addEventListener('roomlost', (e) => {
  const code: SwitchboardErrorCode = e.detail.code;
  console.log(e.detail.roomId, code, e.detail.message);
});
client.addEventListener('peerjoined', (e) => console.log(e.detail.peerId, e.detail.identity?.name ?? 'someone'));
client.addEventListener('peerleft', (e) => console.log(e.detail.roomId, e.detail.peerId));
client.addEventListener('peerdisconnected', (e) => console.log('away', e.detail.peerId));
client.addEventListener('peerreconnected', (e) => console.log('back', e.detail.peerId));
client.addEventListener('iceservers', (e) => {
  const configuration: RTCConfiguration = { iceServers: e.detail.iceServers };
  console.log(configuration, e.detail.ttlMs);
});
client.addEventListener('message', (e) => {
  const message: RelayedMessage = e.detail;
  const text = typeof message.text === 'string' ? message.text : '';
  console.log(message.from, message.type, message.roomId, text.toUpperCase());
});
client.addEventListener('servererror', (e) => console.log(e.detail.code, e.detail.message.length, e.detail.roomId, e.detail.retryAfterMs, e.detail.peerId));
client.addEventListener('authenticated', (e) => console.log(new Date(e.detail.exp * 1000), e.detail.identity?.sub));
client.addEventListener('unauthorized', (e) => client.setToken(e.detail.message));
client.addEventListener('replaced', (e) => console.log(e.detail.reason, client.replaced));
client.addEventListener('closed', () => console.log(client.state === 'closed'));
client.addEventListener('some-app-event', (e: Event) => console.log(e.type));

const onMessage = (e: SwitchboardClientEventMap['message']) => console.log(e.detail.from);
client.addEventListener('message', onMessage);
client.removeEventListener('message', onMessage);

async function run(roomIdFromTheLink: string | null): Promise<void> {
  await client.connect();
  const room: RoomInfo = roomIdFromTheLink === null ? await client.createRoom({ capacity: 4 }) : await client.join(roomIdFromTheLink);
  const ids: string[] = [room.roomId, room.peerId, ...room.peers, ...client.peersOf(room.roomId), ...client.rooms];
  const capacity: number = room.capacity;
  console.log(ids, capacity, room.identities[room.peerId]?.name, client.iceServers, client.serverRestarting, client.unauthorized);
  const sent: boolean = client.send(room.roomId, 'chat', { text: 'hello all' });
  client.send(room.roomId, 'chat', { to: room.peers[0], text: 'just you', attachments: [1, 2] });
  const type: string = 'offer';
  client.send(room.roomId, type);
  console.log(sent, client.refreshIceServers());
  try {
    await client.join('no-such-room');
  } catch (error) {
    if (error instanceof SwitchboardError && error.code === 'room-not-found') {
      console.log(error.roomId, error.retryAfterMs, error.message, error.name);
    }
  }
  await client.leave(room.roomId);
  client.close();
}

const socket = new SignalingSocket('ws://127.0.0.1:8080/ws', { backoff: defaultBackoff });
socket.addEventListener('message', (e) => console.log(e.detail.type));
socket.addEventListener('retry', (e) => console.log(e.detail.delayMs));
console.log(socket.state, socket.send({ type: 'ping' }), backoffDelay(3, policy, Math.random), restartDelay(), serviceRestartCode, reservedTypes.includes('joined'));

// Misuses the declarations must catch: if one of them ever compiles, tsc reports the unused directive.
// @ts-expect-error a protocol type cannot be relayed
client.send('room', 'join');
// @ts-expect-error capacity is a number
void client.createRoom({ capacity: '4' });
// @ts-expect-error no such option
void new SwitchboardClient({ reconnect: false });
client.addEventListener('peerjoined', (e) => {
  // @ts-expect-error peerjoined carries no message text
  console.log(e.detail.text);
});

void run(location.hash.slice(1) || null);
