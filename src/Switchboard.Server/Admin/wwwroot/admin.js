// The dashboard: polls /admin/api/stats once a second with the admin token and draws what changed.
// The token lives in this tab's sessionStorage only; it is sent as a bearer header, never in a URL.

const HISTORY = 120;
const storageKey = 'switchboard.adminToken';
const $ = (id) => document.getElementById(id);

const series = { connections: [], rooms: [], received: [], relayed: [] };
// Per error code and per close reason: one line each, once it has ever been non-zero.
const byKey = { errors: new Map(), closes: new Map() };
const palette = ['#b00020', '#805ad5', '#dd6b20', '#2b6cb0', '#2f855a', '#d53f8c', '#718096', '#b7791f', '#319795', '#1a202c'];
let previous = null;
let timer = null;

function pushKeyed(group, rates) {
  const lines = byKey[group];
  for (const [key, rate] of Object.entries(rates)) {
    if (!lines.has(key) && rate === 0) {
      continue;
    }

    if (!lines.has(key)) {
      lines.set(key, new Array(Math.max(0, series.received.length - 1)).fill(0));
    }

    const values = lines.get(key);
    values.push(rate);
    if (values.length > HISTORY) {
      values.shift();
    }
  }
}

function keyedLines(group) {
  return [...byKey[group].entries()].map(([key, values], i) => ({ key, values, color: palette[i % palette.length] }));
}

function legend(id, lines) {
  $(id).replaceChildren(...lines.map((line) => {
    const item = document.createElement('span');
    item.style.setProperty('--color', line.color);
    item.textContent = line.key;
    return item;
  }));
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
    const rates = (now, before) => Object.fromEntries(Object.entries(now).map(([key, value]) => [key, rate(value, before[key] ?? 0)]));
    pushKeyed('errors', rates(stats.errors, previous.errors));
    pushKeyed('closes', rates(stats.closes, previous.closes));
  }

  draw('chart-connections', [{ values: series.connections, color: '#2b6cb0' }]);
  draw('chart-rooms', [{ values: series.rooms, color: '#2f855a' }]);
  draw('chart-messages', [{ values: series.received, color: '#2b6cb0' }, { values: series.relayed, color: '#dd6b20' }]);
  const errorLines = keyedLines('errors');
  const closeLines = keyedLines('closes');
  draw('chart-errors', errorLines);
  draw('chart-closes', closeLines);
  legend('legend-errors', errorLines);
  legend('legend-closes', closeLines);
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
