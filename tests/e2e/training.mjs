// The training dashboard in a real browser (Debian's chromium via playwright-core, headless)
// against a real `crystal-rl train --envs 4 --port 0` on the demo game (a tiny network, so the
// learner costs little): the grid of every env's screen, the world map, the curves, and a click
// on a thumbnail switching the large screen. Exit 0 pass, 1 fail, 77 skipped (with the reason).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SKIP, check, checks, chromiumOrExit, waitFor } from './browser.mjs';

const binary = process.env.CRYSTAL_RL_BINARY;
const artifacts = process.env.CRYSTAL_RL_ARTIFACTS || 'test-artifacts';
const chromiumPath = process.env.CRYSTAL_RL_CHROMIUM || '/usr/bin/chromium';

const chromium = await chromiumOrExit(binary, chromiumPath);

const ENVS = 4;
const runDir = join(mkdtempSync(join(tmpdir(), 'crystal-rl-e2e-train-')), 'run');
const child = spawn(binary, ['train', '--envs', String(ENVS), '--port', '0', '--quiet', '--run-dir', runDir,
  '--rollout-steps', '32', '--epochs', '1', '--conv-channels', '2', '--hidden', '16', '--total-steps', '10000000',
  '--threads', '1'],
{ stdio: ['ignore', 'pipe', 'pipe'] });
const url = await new Promise((resolve, reject) => {
  let output = '';
  const timer = setTimeout(() => reject(new Error(`no dashboard URL in 30 s; output:\n${output}`)), 30000);
  const look = (chunk) => {
    output += chunk;
    const match = output.match(/dashboard at (http:\/\/[^\s]+)/);
    if (match) { clearTimeout(timer); resolve(match[1]); }
  };
  child.stdout.on('data', look);
  child.stderr.on('data', look);
  child.on('exit', (code) => reject(new Error(`crystal-rl train exited (${code}) before serving:\n${output}`)));
});


let browser;
let exitCode = 0;
try {
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
  const trainingRequests = [];
  page.on('request', (request) => { if (request.url().includes('/api/training')) trainingRequests.push(request.url()); });
  await page.goto(url);

  check('the training panel shows on a training run',
    await waitFor(page, () => !document.querySelector('[data-testid="training-panel"]').hidden, null, 20000));
  check(`the grid has a thumbnail of each of the ${ENVS} envs`,
    await waitFor(page, (n) => document.querySelectorAll('[data-testid^="env-thumb-"] img[src^="data:image/png"]').length === n,
      ENVS, 20000));
  // Laid out from the maps the envs have stood on (6 pixels a tile), so no longer the page's
  // 160x144 placeholder; how many maps that is depends on how far the envs got (a loaded machine
  // may not have left the town yet).
  check('the world map is drawn from the game\'s maps (laid out, not the placeholder size)',
    await waitFor(page, () => {
      const map = document.querySelector('[data-testid="world-map"]');
      return (map.width !== 160 || map.height !== 144) && map.width % 6 === 0 && map.height % 6 === 0;
    }, null, 20000));
  const heat = await page.evaluate(async () => (await (await fetch('/api/training')).json()).heat);
  check('the heat layer has visited tiles', Object.values(heat).some((cells) => cells.length > 0));
  check('the large screen starts on env 0',
    await waitFor(page, () => document.querySelector('[data-testid="agent-name"]').textContent.includes('env 0'), null, 20000));

  await page.click('[data-testid="env-thumb-2"]');
  check('a click on env 2\'s thumbnail marks it watched',
    await waitFor(page, () => document.querySelector('[data-testid="watched-env"]').textContent === 'env 2', null, 5000));
  check('and switches the large screen and stats to env 2 (from the server)',
    await waitFor(page, () => document.querySelector('[data-testid="agent-name"]').textContent.includes('env 2'), null, 10000));
  const watched = await page.evaluate(async () => (await (await fetch('/api/training')).json()).watched);
  check('the server says env 2 is watched', watched === 2, String(watched));
  check('the curves appear after the first update',
    await waitFor(page, () => {
      const canvas = document.querySelector('[data-testid="training-curves"]');
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
      return false;
    }, null, 30000));
  const asksForNewRows = async () => {
    for (let i = 0; i < 100 && !trainingRequests.some((u) => /curve_after=\d+/.test(u)); ++i)
      await new Promise((resolve) => setTimeout(resolve, 200));
    return trainingRequests.some((u) => /curve_after=\d+/.test(u));
  };
  check('once it has the curve, the dashboard asks only for the updates after its last one', await asksForNewRows(),
    trainingRequests.slice(-3).join(' '));
  const badAfter = await page.evaluate(async () => {
    const response = await fetch('/api/training?curve_after=soon');
    return { status: response.status, error: (await response.json()).error };
  });
  check('a curve_after that is not an update number is refused, saying why',
    badAfter.status === 400 && badAfter.error.includes('curve_after'), JSON.stringify(badAfter));
  const metrics = await page.evaluate(async () => (await fetch('/metrics')).text());
  check('/metrics has the training metrics', /crystal_rl_train_envs 4/.test(metrics) && /crystal_rl_train_updates_total/.test(metrics));
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, 'training-dashboard.png'), fullPage: true });
} catch (error) {
  console.log(`FAIL: ${error.stack || error}`);
  exitCode = 1;
} finally {
  if (browser) await browser.close();
  if (child.exitCode === null) {
    child.kill('SIGINT');
    await new Promise((resolve) => { const t = setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 10000); child.once('exit', () => { clearTimeout(t); resolve(); }); });
  }
}
const failed = checks.filter((c) => !c.ok).length;
console.log(`${checks.length - failed} passed, ${failed} failed`);
process.exit(exitCode || (failed ? 1 : 0));
