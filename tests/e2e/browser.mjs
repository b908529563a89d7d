// What every browser test needs before it starts: Node 20+, npm's playwright-core, Debian's
// chromium and the crystal-rl binary. Missing tools skip (exit 77, with the reason); a missing
// binary fails.
import { existsSync } from 'node:fs';

export const SKIP = 77;

export async function chromiumOrExit(binary, chromiumPath) {
  if (Number(process.versions.node.split('.')[0]) < 20) {
    console.log(`SKIP: playwright-core needs Node.js 20 or newer, this is ${process.versions.node}`);
    process.exit(SKIP);
  }
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    console.log('SKIP: npm package playwright-core is not installed (make test installs it in tests/e2e)');
    process.exit(SKIP);
  }
  if (!existsSync(chromiumPath)) {
    console.log(`SKIP: no browser at ${chromiumPath} (make test installs Debian's chromium)`);
    process.exit(SKIP);
  }
  if (!binary || !existsSync(binary)) {
    console.log('FAIL: set CRYSTAL_RL_BINARY to the crystal-rl binary');
    process.exit(1);
  }
  return chromium;
}

// Every check a browser test makes, printed as it goes; the test's exit code comes from these.
export const checks = [];
export function check(name, ok, detail = '') {
  checks.push({ name, ok });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` (${detail})` : ''}`);
}

// True when the predicate held in the page within the timeout.
export async function waitFor(page, predicate, arg, timeout) {
  try {
    await page.waitForFunction(predicate, arg, { timeout });
    return true;
  } catch {
    return false;
  }
}
