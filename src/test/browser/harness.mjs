// Shared set-up of the browser tests: Debian's Chromium driven by playwright-core (never a downloaded browser),
// the hub under test from PUSHHUB_URL, screenshots into SCREENSHOT_DIR, and waits that print the page on failure.
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BASE = (process.env.PUSHHUB_URL || 'http://127.0.0.1:9080').replace(/\/$/, '');
export const KEY = process.env.PUSHHUB_KEY || '';
const SHOTS = process.env.SCREENSHOT_DIR || 'target/screenshots';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// Headless, also as root (CI runs as root, where Chromium cannot start its sandbox), without a GPU, and without network
// traffic of its own (QUIC, component updates, sync, background requests) that a test machine may not allow.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const TIMEOUT = Number(process.env.BROWSER_TIMEOUT_MS || 20000);

/**
 * Starts Chromium with a fresh profile directory of its own (removed afterwards). A persistent context per "browser
 * user" keeps the --user-data-dir explicit; each has its own cookies, so each is another anonymous hub user.
 */
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export async function browserUser(name, { viewport = { width: 1280, height: 1000 } } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pushhub-chromium-' + name + '-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    viewport,
  });
  const page = context.pages()[0] || (await context.newPage());
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(m.type() + ': ' + m.text()));
  page.on('pageerror', (e) => consoleLines.push('pageerror: ' + e.message));
  return {
    context,
    page,
    consoleLines,
    async close() {
      await context.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page, name, { fullPage = true } = {}) {
  mkdirSync(SHOTS, { recursive: true });
  const file = join(SHOTS, name + '.png');
  await page.screenshot({ path: file, fullPage });
  return file;
}

/**
 * A screenshot at the page's current viewport (viewport only, and the whole page), each checked to be a real picture
 * of the page: a PNG of at least minBytes (an empty or single-colour page compresses to a few KB).
 */
export async function checkedScreenshots(page, name, minBytes = 20000) {
  await page.evaluate(() => window.scrollTo(0, 0));
  const files = [await screenshot(page, name, { fullPage: false }), await screenshot(page, name + '-full', { fullPage: true })];
  const vp = page.viewportSize();
  for (const file of files) {
    const size = statSync(file).size;
    if (size < minBytes) throw new Error('screenshot ' + file + ' is only ' + size + ' bytes: is the page blank?');
    const png = readFileSync(file);
    if (png.toString('latin1', 1, 4) !== 'PNG') throw new Error(file + ' is not a PNG');
    const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    if (w !== vp.width || h < vp.height) throw new Error(file + ' is ' + w + '×' + h + ', not the viewport ' + vp.width + '×' + vp.height);
  }
  return files;
}

/** What the console shows, for failure messages. */
export async function describe(page) {
  return page.evaluate(() => {
    const text = (id) => (document.getElementById(id) ? document.getElementById(id).innerText : '(none)');
    return 'state=' + text('state') + ' transport=' + text('transport') + ' identity=' + text('identity')
      + '\nmessages:\n' + text('messages') + '\nchat:\n' + text('chat-log') + '\nlog (newest first):\n'
      + text('log').split('\n').slice(0, 40).join('\n');
  }).catch((e) => '(page not readable: ' + e.message + ')');
}

/** Waits until fn(arg) is truthy in the page; on time-out fails with what the page shows. */
export async function waitFor(user, what, fn, arg, timeout = TIMEOUT) {
  try {
    const h = await user.page.waitForFunction(fn, arg, { timeout, polling: 100 });
    return await h.jsonValue();
  } catch (e) {
    await screenshot(user.page, 'FAILED-' + what.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)).catch(() => {});
    throw new Error('timed out waiting for ' + what + ' (' + e.message.split('\n')[0] + ')\n' + (await describe(user.page))
      + '\nbrowser console:\n' + user.consoleLines.slice(-20).join('\n'));
  }
}

export function waitForState(user, state) {
  return waitFor(user, 'state ' + state, (s) => document.getElementById('state').dataset.state === s, state);
}

/** POST /api/push with the publisher key. */
export async function push(body) {
  const r = await fetch(BASE + '/api/push', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + KEY },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  if (r.status !== 200) throw new Error('push failed: ' + r.status + ' ' + text);
  return JSON.parse(text);
}

export async function api(method, path) {
  const r = await fetch(BASE + path, { method, headers: { Authorization: 'Bearer ' + KEY } });
  return { status: r.status, text: await r.text() };
}

/** A stand-in for a proxy that refuses the WebSocket upgrade: every socket fails as a refused handshake does. */
export function blockWebSockets() {
  const Blocked = class {
    constructor(url) {
      this.url = url;
      this.readyState = 0;
      setTimeout(() => {
        this.readyState = 3;
        if (this.onerror) this.onerror(new Event('error'));
        if (this.onclose) this.onclose({ code: 1006, reason: '', wasClean: false });
      }, 20);
    }
    send() { throw new Error('blocked'); }
    close() {}
  };
  Blocked.CONNECTING = 0; Blocked.OPEN = 1; Blocked.CLOSING = 2; Blocked.CLOSED = 3;
  window.WebSocket = Blocked;
  window.__websocketBlocked = true;
}

export function unique(prefix) {
  return prefix + '-' + Date.now().toString(36) + Math.random().toString(36).slice(2, 6);
}
