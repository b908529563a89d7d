// crystal-rl training panel: shown only when the server is a training run (`crystal-rl train
// --port N`), read from /api/training every couple of seconds. A grid of every env's screen (a
// click makes that env the large screen, through the "watch_env" control), a world map of the
// maps the envs have seen laid out by their connections, with every env's position and a heat
// layer of visited tiles, and the training curves. It never opens a socket of its own: the
// control goes through app.js's control().
'use strict';

const crlTraining = (() => {
  const TILE = 6;  // world-map pixels a tile
  const GAP = 2;  // tiles between maps that are not connected
  const COLOURS = {
    '#': '#3b4252', '.': '#d8dee9', ',': '#7fbf6a', '~': '#5e81ac', D: '#bf616a', '=': '#b48ead',
    C: '#a08660', '?': '#ebcb8b', T: '#2e7d32', _: '#a3d5ff', ' ': '#1e222a',
  };
  const ENV_COLOURS = ['#ff5252', '#ffd740', '#40c4ff', '#e040fb', '#69f0ae', '#ff6e40', '#b2ff59', '#7c4dff'];
  const panel = document.getElementById('training-panel');
  const grid = document.getElementById('env-grid');
  const world = document.getElementById('world-map');
  const curves = document.getElementById('training-curves');
  const maps = new Map();  // map id -> grid JSON (game/map_view.h)
  const CURVE_ROWS = 400;  // as the server keeps: older rows thinned so the span stays whole
  let curve = [];  // kept here; each poll asks only for the updates after the last one
  let interval = 2000;
  let watched = 0;

  function mergeCurve(rows, last) {
    if (curve.length && last < curve[curve.length - 1].update) curve = [];  // a new run
    curve.push(...rows);
    if (curve.length > CURVE_ROWS) {
      const half = Math.floor(curve.length / 2);
      curve = curve.slice(0, half).filter((row, i) => i % 2 === 0).concat(curve.slice(half));
    }
  }

  async function poll() {
    try {
      const known = [...maps.keys()];
      const after = curve.length ? `?curve_after=${curve[curve.length - 1].update}` : '';
      let response = await fetch(`/api/training${after}`);
      if (response.status === 404) return;  // not a training run: the panel stays hidden
      let data = await response.json();
      if (data.map_ids.some((id) => !known.includes(id))) {
        response = await fetch(`/api/training?maps=1${after && `&${after.slice(1)}`}`);
        data = await response.json();
        for (const [id, mapGrid] of Object.entries(data.maps)) if (mapGrid) maps.set(Number(id), mapGrid);
      }
      panel.hidden = false;
      interval = Math.max(1000, 1000 * data.thumbnail_seconds);
      watched = data.watched;
      drawGrid(data.envs);
      drawWorld(data.envs, data.heat);
      mergeCurve(data.curve, data.curve_last);
      drawCurves(curve);
    } catch (error) {
      // The server restarts or the run ended: try again later.
    }
    setTimeout(poll, interval);
  }

  function drawGrid(envs) {
    while (grid.children.length < envs.length) {
      const index = grid.children.length;
      const figure = document.createElement('figure');
      figure.className = 'env-thumb';
      figure.dataset.env = index;
      figure.setAttribute('data-testid', `env-thumb-${index}`);
      figure.innerHTML = '<img alt=""><figcaption></figcaption>';
      figure.onclick = () => {
        watched = index;
        control('watch_env', index);
        for (const other of grid.children) other.classList.toggle('watched', other === figure);
      };
      grid.appendChild(figure);
    }
    envs.forEach((env, index) => {
      const figure = grid.children[index];
      if (env.thumbnail) figure.querySelector('img').src = env.thumbnail;
      figure.querySelector('figcaption').textContent =
        `env ${index} · ${env.map_name || `map ${env.map}`} · ${env.badges} badges · return ${env.episode_return.toFixed(1)}`;
      figure.classList.toggle('watched', index === watched);
    });
    document.getElementById('watched-env').textContent = `env ${watched}`;
  }

  // Maps placed by their connections, breadth first from the lowest id; the rest in a row below.
  function layout() {
    const placed = new Map();
    const ids = [...maps.keys()].sort((a, b) => a - b);
    let bottom = 0;
    let rowX = 0;
    for (const root of ids) {
      if (placed.has(root)) continue;
      const queue = [root];
      const origin = { x: rowX, y: 0 };
      placed.set(root, origin);
      const group = [root];
      while (queue.length) {
        const id = queue.shift();
        const here = placed.get(id);
        const map = maps.get(id);
        for (const link of map.connections || []) {
          const next = maps.get(link.map);
          if (!next || placed.has(link.map)) continue;
          const at = {
            right: { x: here.x + map.width, y: here.y },
            left: { x: here.x - next.width, y: here.y },
            up: { x: here.x, y: here.y - next.height },
            down: { x: here.x, y: here.y + map.height },
          }[link.side];
          if (!at) continue;
          placed.set(link.map, at);
          group.push(link.map);
          queue.push(link.map);
        }
      }
      const right = Math.max(...group.map((id) => placed.get(id).x + maps.get(id).width));
      rowX = right + GAP;
      bottom = Math.max(bottom, ...group.map((id) => placed.get(id).y + maps.get(id).height));
    }
    // Shift everything so the top-left corner is (0, 0).
    const minX = Math.min(0, ...[...placed.values()].map((p) => p.x));
    const minY = Math.min(0, ...[...placed.values()].map((p) => p.y));
    for (const p of placed.values()) { p.x -= minX; p.y -= minY; }
    return placed;
  }

  function drawWorld(envs, heat) {
    const context = world.getContext('2d');
    const placed = layout();
    let width = 1, height = 1;
    for (const [id, p] of placed) {
      width = Math.max(width, p.x + maps.get(id).width);
      height = Math.max(height, p.y + maps.get(id).height);
    }
    world.width = width * TILE;
    world.height = height * TILE;
    context.fillStyle = '#101418';
    context.fillRect(0, 0, world.width, world.height);
    for (const [id, p] of placed) {
      maps.get(id).rows.forEach((row, y) => {
        [...row].forEach((tile, x) => {
          context.fillStyle = COLOURS[tile] || COLOURS['.'];
          context.fillRect((p.x + x) * TILE, (p.y + y) * TILE, TILE, TILE);
        });
      });
    }
    let most = 1;
    for (const cells of Object.values(heat)) for (const [, , visits] of cells) most = Math.max(most, visits);
    for (const [id, cells] of Object.entries(heat)) {
      const p = placed.get(Number(id));
      if (!p) continue;
      for (const [x, y, visits] of cells) {
        context.fillStyle = `rgba(255, 80, 0, ${(0.15 + 0.75 * Math.log1p(visits) / Math.log1p(most)).toFixed(2)})`;
        context.fillRect((p.x + x) * TILE, (p.y + y) * TILE, TILE, TILE);
      }
    }
    envs.forEach((env, index) => {
      const p = placed.get(env.map);
      if (!p) return;
      context.fillStyle = ENV_COLOURS[index % ENV_COLOURS.length];
      context.strokeStyle = index === watched ? '#ffffff' : '#000000';
      context.beginPath();
      context.arc((p.x + env.x + 0.5) * TILE, (p.y + env.y + 0.5) * TILE, TILE * 0.6, 0, 2 * Math.PI);
      context.fill();
      context.stroke();
    });
  }

  const SERIES = [
    ['mean_return', 'return', '#6cc070'],
    ['policy_loss', 'policy loss', '#e0b050'],
    ['value_loss', 'value loss', '#e06c60'],
    ['entropy', 'entropy', '#40c4ff'],
    ['steps_per_second', 'steps/s', '#b48ead'],
  ];

  // One small chart per series, side by side, against env steps.
  function drawCurves(curve) {
    const context = curves.getContext('2d');
    context.clearRect(0, 0, curves.width, curves.height);
    if (curve.length < 1) return;
    const cell = curves.width / SERIES.length;
    const steps = curve.map((row) => row.env_steps);
    const x0 = Math.min(...steps), x1 = Math.max(...steps, x0 + 1);
    SERIES.forEach(([key, label, colour], index) => {
      const values = curve.map((row) => row[key]);
      const lo = Math.min(...values), hi = Math.max(...values, lo + 1e-9);
      const left = index * cell + 6, top = 18, w = cell - 12, h = curves.height - 26;
      context.strokeStyle = '#2a323b';
      context.strokeRect(left, top, w, h);
      context.strokeStyle = colour;
      context.beginPath();
      curve.forEach((row, i) => {
        const x = left + (w * (row.env_steps - x0)) / (x1 - x0);
        const y = top + h - (h * (values[i] - lo)) / (hi - lo);
        if (i === 0) context.moveTo(x, y); else context.lineTo(x, y);
      });
      context.stroke();
      context.fillStyle = '#8b96a1';
      context.font = '11px system-ui, sans-serif';
      context.fillText(`${label} ${values[values.length - 1].toFixed(3)}`, left, 12);
    });
  }

  poll();
  return { maps };
})();
