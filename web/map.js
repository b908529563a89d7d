// crystal-rl map panel: the current map drawn from the world model's "map_grid" (fetched from
// /api/game_state?map=1 when the map changes, and now and then for people who move), the tiles
// the player stood on, the plan the LLM agent follows, and the milestones beside it.
// app.js hands it every stats_update and decision; it never opens a socket of its own.
'use strict';

const crlMap = (() => {
  const TILE = 8;  // pixels a tile
  const REFRESH_MS = 2000;  // people walk about: the grid is fetched again at most this often
  const COLOURS = {
    '#': '#3b4252', '.': '#d8dee9', ',': '#7fbf6a', '~': '#5e81ac', v: '#d08770', '^': '#d08770',
    '<': '#d08770', '>': '#d08770', D: '#bf616a', '=': '#b48ead', C: '#a08660', '?': '#ebcb8b',
    T: '#2e7d32', _: '#a3d5ff', ' ': '#1e222a',
  };
  const canvas = document.getElementById('map-canvas');
  const context = canvas.getContext('2d');
  const visited = new Map();  // map id -> Set of "x,y"
  let grid = null;
  let player = null;  // {map, x, y, facing}
  let plan = null;  // {map, path: [[x, y, map] ...], purpose}
  let fetching = false;
  let fetchedAt = 0;

  function visitedOn(mapId) {
    if (!visited.has(mapId)) visited.set(mapId, new Set());
    return visited.get(mapId);
  }

  async function fetchGrid() {
    if (fetching) return;
    fetching = true;
    fetchedAt = Date.now();
    try {
      const response = await fetch('/api/game_state?map=1', { cache: 'no-store' });
      const state = await response.json();
      // No grid now (a battle, a map the game cannot describe): keep one only for the same map.
      if (state.map_grid && state.map_grid.rows) grid = state.map_grid;
      else if (!(grid && player && grid.map === player.map)) grid = null;
      draw();
    } catch (error) {
      document.getElementById('map-title').textContent = `map unavailable (${error.message})`;
    } finally {
      fetching = false;
    }
  }

  function fillTile(x, y, colour, inset = 0) {
    context.fillStyle = colour;
    context.fillRect(x * TILE + inset, y * TILE + inset, TILE - 2 * inset, TILE - 2 * inset);
  }

  function draw() {
    const title = document.getElementById('map-title');
    if (!grid) {
      title.textContent = 'no map of this place (title screen, battle, or a game without a grid)';
      canvas.dataset.drawn = 'false';
      return;
    }
    if (canvas.width !== grid.width * TILE || canvas.height !== grid.height * TILE) {
      canvas.width = grid.width * TILE;
      canvas.height = grid.height * TILE;
    }
    grid.rows.forEach((row, y) => {
      for (let x = 0; x < row.length; ++x) fillTile(x, y, COLOURS[row[x]] || COLOURS['.']);
    });
    const seen = visitedOn(grid.map);
    context.fillStyle = 'rgba(255, 200, 0, 0.35)';
    for (const key of seen) {
      const [x, y] = key.split(',').map(Number);
      context.fillRect(x * TILE + 2, y * TILE + 2, TILE - 4, TILE - 4);
    }
    (grid.warps || []).forEach((warp, index) => {
      fillTile(warp.x, warp.y, COLOURS.D);
      context.fillStyle = '#fff';
      context.font = `${TILE}px monospace`;
      if (index < 10) context.fillText(String(index), warp.x * TILE + 1, warp.y * TILE + TILE - 1);
    });
    (grid.people || []).forEach((person) => fillTile(person.x, person.y, '#8f5fbf', 1));
    if (plan && plan.path && plan.path.length > 1) {
      context.strokeStyle = '#ff4081';
      context.lineWidth = 2;
      context.beginPath();
      plan.path.filter((point) => point[2] === grid.map).forEach(([x, y], i) => {
        const cx = x * TILE + TILE / 2, cy = y * TILE + TILE / 2;
        if (i === 0) context.moveTo(cx, cy); else context.lineTo(cx, cy);
      });
      context.stroke();
    }
    const here = player && player.map === grid.map ? player : grid.player;
    if (here) {
      fillTile(here.x, here.y, '#e53935');
      canvas.dataset.playerX = here.x;
      canvas.dataset.playerY = here.y;
    }
    canvas.dataset.drawn = 'true';
    title.textContent = `${grid.name || 'map ' + grid.map} · ${grid.width}×${grid.height} · ` +
      `${seen.size} tiles visited${plan ? ' · plan: ' + (plan.purpose || '') : ''}`;
  }

  function showMilestones(milestones) {
    const list = document.getElementById('milestones');
    if (!Array.isArray(milestones)) return;
    list.replaceChildren(...milestones.map((milestone) => {
      const item = document.createElement('li');
      const step = milestone.step ?? milestone.action ?? '';
      const what = [milestone.kind, milestone.detail].filter(Boolean).join(' ') || JSON.stringify(milestone);
      item.textContent = `${step}: ${what}`;
      return item;
    }));
  }

  function stats(message) {
    const state = message.game_state || {};
    const statsPart = message.stats || {};
    showMilestones(message.milestones || statsPart.milestones ||
      (statsPart.agent_stats && statsPart.agent_stats.milestones));
    if (state.PLAYER_X === undefined) return;
    const mapId = state.PLAYER_MAP;
    player = { map: mapId, x: state.PLAYER_X, y: state.PLAYER_Y };
    if (state.screen === 'overworld') visitedOn(mapId).add(`${player.x},${player.y}`);
    if (state.map_grid && state.map_grid.rows) grid = state.map_grid;
    if (!grid || grid.map !== mapId || Date.now() - fetchedAt > REFRESH_MS) fetchGrid();
    draw();
  }

  function decision(record) {
    const details = record && record.details;
    if (!details) return;
    if (details.plan) plan = details.plan;
    if (details.tool_outcome) plan = null;
    draw();
  }

  return { stats, decision };
})();
window.crlMap = crlMap;
