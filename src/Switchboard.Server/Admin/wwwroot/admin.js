// The dashboard: polls /admin/api/stats once a second with the admin token and draws what changed.
// The token lives in this tab's sessionStorage only; it is sent as a bearer header, never in a URL.

const HISTORY = 120;
const storageKey = 'switchboard.adminToken';
const $ = (id) => document.getElementById(id);

const series = { connections: [], rooms: [], received: [], relayed: [], errors: [], closes: [] };
let previous = null;
let timer = null;

function sum(counts) {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

function push(name, value) {
  const values = series[name];
  values.push(value);
  if (values.length > HISTORY) {
    values.shift();
  }
}

function draw(canvasId, lines) {
  const canvas = $(canvasId);
  const context = canvas.getContext('2d');
  const { width, height } = canvas;
  context.clearRect(0, 0, width, height);
  const max = Math.max(1, ...lines.flatMap((line) => line.values));
  context.fillStyle = '#5a6472';
  context.font = '11px system-ui';
  context.fillText(String(Math.round(max * 10) / 10), 2, 11);
  for (const line of lines) {
    context.strokeStyle = line.color;
    context.lineWidth = 2;
    context.beginPath();
    line.values.forEach((value, i) => {
      const x = (i / (HISTORY - 1)) * width;
      const y = height - 2 - (value / max) * (height - 16);
      if (i === 0) {
        context.moveTo(x, y);
      } else {
        context.lineTo(x, y);
      }
    });
    context.stroke();
  }
}

function fillTable(id, counts) {
  const body = $(id);
  body.replaceChildren(...Object.entries(counts).map(([name, value]) => {
    const row = document.createElement('tr');
    const label = document.createElement('td');
    label.textContent = name;
    const number = document.createElement('td');
    number.textContent = String(value);
    row.append(label, number);
    return row;
  }));
}

function show(stats, seconds) {
  const connections = stats.connections.direct + stats.connections.pipeline;
  $('connections').textContent = String(connections);
  $('connections-detail').textContent = `direct ${stats.connections.direct} · pipeline ${stats.connections.pipeline}`;
  $('rooms').textContent = String(stats.rooms);
  $('members-detail').textContent = `${stats.roomMembers} members`;
  push('connections', connections);
  push('rooms', stats.rooms);
  if (previous !== null && seconds > 0) {
    const rate = (now, before) => Math.max(0, (now - before) / seconds);
    const received = rate(stats.messagesReceived, previous.messagesReceived);
    const relayed = rate(stats.messagesRelayed, previous.messagesRelayed);
    $('received-rate').textContent = received.toFixed(1);
    $('relayed-rate').textContent = relayed.toFixed(1);
    push('received', received);
    push('relayed', relayed);
    push('errors', rate(sum(stats.errors), sum(previous.errors)));
    push('closes', rate(sum(stats.closes), sum(previous.closes)));
  }

  draw('chart-connections', [{ values: series.connections, color: '#2b6cb0' }]);
  draw('chart-rooms', [{ values: series.rooms, color: '#2f855a' }]);
  draw('chart-messages', [{ values: series.received, color: '#2b6cb0' }, { values: series.relayed, color: '#dd6b20' }]);
  draw('chart-problems', [{ values: series.errors, color: '#b00020' }, { values: series.closes, color: '#805ad5' }]);
  fillTable('errors', stats.errors);
  fillTable('closes', stats.closes);
  fillTable('handshakes', stats.handshakes);
  const rooms = $('room-list');
  rooms.replaceChildren(...stats.roomList.map((room) => {
    const row = document.createElement('tr');
    const id = document.createElement('td');
    id.textContent = `${room.idPrefix}…`;
    const members = document.createElement('td');
    members.textContent = `${room.members} / ${room.capacity}`;
    row.append(id, members);
    return row;
  }));
}

async function poll(token) {
  const started = performance.now();
  let response;
  try {
    response = await fetch('api/stats', { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
  } catch {
    $('status').textContent = 'server unreachable, retrying';
    return true;
  }

  if (response.status === 401) {
    sessionStorage.removeItem(storageKey);
    signOut('The server refused this token.');
    return false;
  }

  if (!response.ok) {
    $('status').textContent = `server answered ${response.status}, retrying`;
    return true;
  }

  const stats = await response.json();
  const seconds = previous === null ? 0 : (started - previous.at) / 1000;
  show(stats, seconds);
  previous = { ...stats, at: started };
  $('status').textContent = `live · updated ${new Date().toLocaleTimeString()}`;
  return true;
}

function signOut(message) {
  clearInterval(timer);
  timer = null;
  previous = null;
  $('dashboard').hidden = true;
  $('login').hidden = false;
  $('status').textContent = 'not signed in';
  $('login-error').hidden = !message;
  $('login-error').textContent = message ?? '';
}

async function signIn(token) {
  if (!(await poll(token))) {
    return;
  }

  sessionStorage.setItem(storageKey, token);
  $('login').hidden = true;
  $('dashboard').hidden = false;
  timer = setInterval(async () => {
    if (!(await poll(token))) {
      clearInterval(timer);
    }
  }, 1000);
}

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  signIn($('token').value);
});

const saved = sessionStorage.getItem(storageKey);
if (saved) {
  signIn(saved);
}
