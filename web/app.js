// crystal-rl dashboard: one same-origin WebSocket (never a hard-coded port), binary frames when
// the server offers them, reconnect with backoff, a heartbeat, and no framework.
'use strict';

const $ = (id) => document.getElementById(id);
const screen = $('screen');
const screenContext = screen.getContext('2d');
// The control token comes in the address's fragment (#token=…, printed by `crystal-rl run`): a
// fragment is never sent to a server. It is kept for this tab and taken out of the address bar.
const token = (() => {
  const fromFragment = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromFragment) {
    sessionStorage.setItem('crystal-rl-token', fromFragment);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return fromFragment || sessionStorage.getItem('crystal-rl-token');
})();
const FORMAT = { 1: 'image/png', 2: 'indexed', 3: 'image/jpeg' };

let socket = null;
let retryDelay = 500;
let lastMessageAt = 0;
let frameTimes = [];
const rewardPoints = [];
const decisionRows = [];

function setStatus(kind, text) {
  $('connection').className = `status ${kind}`;
  $('connection-text').textContent = text;
}

function connect() {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  setStatus('connecting', 'connecting…');
  socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  socket.onopen = () => {
    retryDelay = 500;
    lastMessageAt = Date.now();
    setStatus('connected', 'connected');
    const hello = { type: 'hello', version: 1, binary: true, format: 'png', fps: 30, decisions: true };
    if (token) hello.token = token;
    socket.send(JSON.stringify(hello));
  };
  socket.onmessage = (event) => {
    lastMessageAt = Date.now();
    if (typeof event.data === 'string') handleText(JSON.parse(event.data));
    else handleBinary(event.data);
  };
  socket.onclose = () => {
    setStatus('disconnected', `disconnected, retrying in ${(retryDelay / 1000).toFixed(1)} s`);
    setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 8000);
  };
  socket.onerror = () => socket.close();
}

// Heartbeat: a ping every 5 s; no answer of any kind for 15 s means the link is dead.
setInterval(() => {
  if (!socket || socket.readyState !== WebSocket.OPEN) return;
  if (Date.now() - lastMessageAt > 15000) { socket.close(); return; }
  socket.send(JSON.stringify({ type: 'ping' }));
}, 5000);

function handleText(message) {
  switch (message.type) {
    case 'screen_update': {
      const image = new Image();
      image.onload = () => drawFrame(image, message.frame_id, message.timestamp);
      image.src = `data:image/png;base64,${message.image_data}`;
      break;
    }
    case 'stats_update':
      showStats(message.stats || {}, message.game_state || {});
      if (window.crlMap) window.crlMap.stats(message);
      break;
    case 'decision':
      addDecision(message.decision);
      if (window.crlMap) window.crlMap.decision(message.decision);
      break;
    case 'welcome': fillAgents(message.agents || [], message.control, message.authorized); break;
    case 'control_ack': $('control-message').textContent = `${message.command}: done`; break;
    case 'error': $('control-message').textContent = `server: ${message.message}`; break;
    default: break;
  }
}

async function handleBinary(buffer) {
  const view = new DataView(buffer);
  if (buffer.byteLength < 16 || view.getUint8(0) !== 0x43 || view.getUint8(1) !== 0x52) return;
  const format = FORMAT[view.getUint8(3)];
  const frameId = view.getUint32(4, true);
  const timestamp = view.getFloat64(8, true);
  if (format === 'indexed') return;  // this dashboard asks for PNG
  const bitmap = await createImageBitmap(new Blob([buffer.slice(16)], { type: format }));
  drawFrame(bitmap, frameId, timestamp);
}

function drawFrame(image, frameId, timestamp) {
  if (screen.width !== image.width || screen.height !== image.height) {
    screen.width = image.width;
    screen.height = image.height;
  }
  screenContext.imageSmoothingEnabled = false;
  screenContext.drawImage(image, 0, 0);
  $('frame-id').textContent = frameId;
  $('frame-time').textContent = new Date(timestamp * 1000).toLocaleTimeString();
  const now = performance.now();
  frameTimes.push(now);
  frameTimes = frameTimes.filter((t) => now - t < 1000);
  $('fps').textContent = frameTimes.length;
}

function formatDuration(seconds) {
  const s = Math.floor(seconds % 60), m = Math.floor(seconds / 60) % 60, h = Math.floor(seconds / 3600);
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

function showStats(stats, state) {
  if (stats.total_actions !== undefined) {
    $('total-actions').textContent = stats.total_actions;
    $('actions-per-second').textContent = (stats.actions_per_second || 0).toFixed(1);
    $('llm-calls').textContent = stats.llm_calls;
    $('llm-avg-time').textContent = `${(stats.llm_avg_time || 0).toFixed(2)} s`;
    $('llm-errors').textContent = stats.llm_errors;
    $('total-reward').textContent = (stats.total_reward || 0).toFixed(2);
    $('uptime').textContent = formatDuration(stats.uptime_seconds || 0);
    $('queue-size').textContent = stats.queue_size;
    $('emulator-fps').textContent = Math.round(stats.emulator_fps || 0);
    $('agent-name').textContent = `${stats.agent}${stats.paused ? ' (paused)' : ''}`;
    if (document.activeElement !== $('speed')) $('speed').value = String(stats.speed);
    if (document.activeElement !== $('agent') && stats.agent) $('agent').value = stats.agent;
    rewardPoints.push(stats.total_reward || 0);
    if (rewardPoints.length > 300) rewardPoints.shift();
    drawRewardChart();
  }
  if (state.PLAYER_X !== undefined) {
    $('map-name').textContent = state.map && state.map.name ? state.map.name : `map ${state.PLAYER_MAP}`;
    $('position').textContent = `(${state.PLAYER_X}, ${state.PLAYER_Y})${state.position && state.position.facing ? ' facing ' + state.position.facing : ''}`;
    $('screen-kind').textContent = state.screen;
    $('level').textContent = state.PLAYER_LEVEL;
    $('badges').textContent = `${state.BADGES}/${(state.badges && state.badges.possible) || 16}`;
    $('money').textContent = `$${state.MONEY}`;
    $('battle').textContent = state.in_battle ? `${state.battle.kind}: ${state.battle.enemy_name || '#' + state.battle.enemy_species} Lv${state.battle.enemy_level} HP ${state.battle.enemy_hp}` : 'none';
    const party = $('party');
    party.replaceChildren(...(state.party || []).map((member) => {
      const item = document.createElement('li');
      item.textContent = `${member.name || '#' + member.species} Lv${member.level} HP ${member.hp}/${member.max_hp}`;
      return item;
    }));
    const memory = $('memory');
    memory.replaceChildren(...Object.entries(state.variables || {}).map(([name, value]) => {
      const row = document.createElement('tr');
      row.innerHTML = '<td></td><td></td>';
      row.children[0].textContent = name;
      row.children[1].textContent = Array.isArray(value) ? value.join(' ') : String(value);
      return row;
    }));
  }
}

function drawRewardChart() {
  const canvas = $('reward-chart');
  const context = canvas.getContext('2d');
  context.clearRect(0, 0, canvas.width, canvas.height);
  if (rewardPoints.length < 2) return;
  const low = Math.min(...rewardPoints), high = Math.max(...rewardPoints);
  const span = high - low || 1;
  context.strokeStyle = '#6cc070';
  context.lineWidth = 2;
  context.beginPath();
  rewardPoints.forEach((value, i) => {
    const x = (i / (rewardPoints.length - 1)) * (canvas.width - 10) + 5;
    const y = canvas.height - 5 - ((value - low) / span) * (canvas.height - 10);
    if (i === 0) context.moveTo(x, y); else context.lineTo(x, y);
  });
  context.stroke();
  context.fillStyle = '#8b96a1';
  context.fillText(high.toFixed(2), 5, 12);
  context.fillText(low.toFixed(2), 5, canvas.height - 8);
}

function addDecision(decision) {
  const row = document.createElement('tr');
  if (decision.fallback) row.className = 'fallback';
  row.innerHTML = '<td></td><td></td><td class="source"></td><td></td><td></td><td class="reasoning"></td>';
  const cells = [decision.step, decision.action, decision.source,
    decision.latency_ms ? `${Math.round(decision.latency_ms)} ms` : '', (decision.reward || 0).toFixed(3), decision.reasoning || ''];
  // The LLM's tool calls, refused calls and how the last tool ended; the prompt on hover.
  const details = decision.details || {};
  const notes = [details.tool_errors && `refused: ${details.tool_errors.join('; ')}`,
    details.tool_outcome && `→ ${details.tool_outcome}`, details.error && `error: ${details.error}`];
  cells[5] = [cells[5], ...notes.filter(Boolean)].filter(Boolean).join(' · ');
  cells.forEach((text, i) => { row.children[i].textContent = text; });
  if (details.prompt) row.children[5].title = details.prompt;
  const body = $('decisions');
  body.prepend(row);
  decisionRows.push(row);
  while (body.children.length > 20) body.lastChild.remove();
}

function fillAgents(agents, control, authorized) {
  const select = $('agent');
  select.replaceChildren(...agents.map((name) => {
    const option = document.createElement('option');
    option.value = name;
    option.textContent = name;
    return option;
  }));
  for (const button of document.querySelectorAll('.controls button, .pad button')) button.disabled = !control;
  select.disabled = !authorized;
  $('speed').disabled = !control;
  if (!authorized) {
    $('control-message').textContent = 'open the address crystal-rl printed (…/#token=…) to switch agents, save or stop';
  }
}

function control(command, value) {
  if (!socket || socket.readyState !== WebSocket.OPEN) return;
  const message = { type: 'control', command };
  if (value !== undefined) message.value = value;
  if (token) message.token = token;
  socket.send(JSON.stringify(message));
}

$('pause').onclick = () => control('pause');
$('resume').onclick = () => control('resume');
$('step').onclick = () => control('step');
$('speed').onchange = (event) => control('speed', Number(event.target.value));
$('agent').onchange = (event) => control('agent', event.target.value);
for (const button of document.querySelectorAll('[data-button]')) {
  button.onclick = () => control('press', button.dataset.button);
}
const KEYS = { ArrowUp: 'UP', ArrowDown: 'DOWN', ArrowLeft: 'LEFT', ArrowRight: 'RIGHT', z: 'A', x: 'B', Enter: 'START', Shift: 'SELECT' };
document.addEventListener('keydown', (event) => {
  if (event.target.tagName === 'SELECT') return;
  const button = KEYS[event.key];
  if (!button) return;
  event.preventDefault();
  control('press', button);
});

connect();
