// pushhub.js on a page of ANOTHER origin than the hub, in real Chromium, over both transports: an allowed origin
// connects, subscribes and gets a push; a refused origin and an expired token reach the page as an error event with the
// reason (from GET /api/connect-check) and the client stops retrying. Two tabs of the browser are one anonymous user.
//
// The page is served by this test (node http on 127.0.0.1:<free port>); Chromium's --host-resolver-rules make it
// http://app.pushhub.test (listed in the test server's pushhub.ws.allowed-origins) and http://evil.pushhub.test (not
// listed), and the hub http://push.pushhub.test:<hub port>: other origins than the hub's, of the same site (as
// app.example.com and push.example.com are), so the SameSite=Lax anonymous cookie goes with the requests.
// Run by CrossOriginBrowserIT; by hand against `mvn liberty:run` started with
// PUSHHUB_WS_ALLOWED_ORIGINS=http://app.pushhub.test:  PUSHHUB_URL=http://127.0.0.1:9080 node --test src/test/browser/cross-origin.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createSign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { BASE, TIMEOUT, api, push, screenshot, unique } from './harness.mjs';

const HUB_PORT = new URL(BASE).port || '80';
const HUB = 'http://push.pushhub.test:' + HUB_PORT + '/';
const ALLOWED = 'http://app.pushhub.test';
const REFUSED = 'http://evil.pushhub.test';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** The foreign page: loads pushhub.js from the hub and connects to it; shows and records what the client reports. */
function page() {
  return `<!doctype html><html><head><meta charset="utf-8"><title>a page on another origin</title>
<script src="${HUB}pushhub.js"></script></head>
<body style="font: 16px sans-serif"><h1 id="state">loading</h1><p id="origin"></p><pre id="log"></pre>
<script>
  const q = new URLSearchParams(location.search);
  const log = (line) => { document.getElementById('log').textContent += line + '\\n'; };
  window.events = [];
  window.received = [];
  document.getElementById('origin').textContent = 'page origin ' + location.origin + ', hub ${HUB}';
  const options = { url: '${HUB}', transports: q.get('transports').split(','), openTimeout: 5000,
    reconnect: { initialDelay: 200, maxDelay: 1000 } };
  if (q.get('token')) options.token = () => q.get('token');
  const hub = PushHub.connect(options);
  window.hub = hub;
  hub.on('state', (s, d) => {
    window.events.push({ state: s, detail: d });
    document.getElementById('state').textContent = s + (hub.transport ? ' via ' + hub.transport : '')
      + (d.refused ? ': ' + d.reason + ' (' + d.refused + ')' : '');
    log('state ' + s + ' ' + JSON.stringify(d));
  });
  hub.on('error', (e) => { window.events.push({ error: e.code, message: e.message, fatal: e.fatal }); log('error ' + e.code + ': ' + e.message); });
  window.sub = hub.subscribe(q.get('topic'), (data) => { window.received.push(data); log('message ' + JSON.stringify(data)); });
</script></body></html>`;
}

let server;
let pagePort;
let browser;
let profile;

before(async () => {
  server = http.createServer((req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(page());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  pagePort = server.address().port;
  profile = mkdtempSync(join(tmpdir(), 'pushhub-chromium-cross-origin-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1000, height: 700 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--host-resolver-rules=MAP app.pushhub.test:80 127.0.0.1:${pagePort}, `
        + `MAP evil.pushhub.test:80 127.0.0.1:${pagePort}, MAP push.pushhub.test 127.0.0.1`],
  });
});

after(async () => {
  await browser?.close().catch(() => {});
  if (profile) rmSync(profile, { recursive: true, force: true });
  server?.close();
});

async function open(origin, params) {
  const p = await browser.newPage();
  const lines = [];
  p.on('console', (m) => lines.push(m.type() + ': ' + m.text()));
  p.on('pageerror', (e) => lines.push('pageerror: ' + e.message));
  await p.goto(origin + '/?' + new URLSearchParams(params));
  return { page: p, lines };
}

async function waitFor(tab, what, fn, arg, timeout = TIMEOUT) {
  try {
    return await (await tab.page.waitForFunction(fn, arg, { timeout, polling: 100 })).jsonValue();
  } catch (e) {
    await screenshot(tab.page, 'FAILED-cross-origin-' + what.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)).catch(() => {});
    const shown = await tab.page.evaluate(() => document.body.innerText).catch((x) => '(unreadable: ' + x.message + ')');
    throw new Error('timed out waiting for ' + what + '\npage:\n' + shown + '\nbrowser console:\n' + tab.lines.slice(-20).join('\n'));
  }
}

/** An RS256 JWT signed with the test key the test server trusts (src/test/resources/jwt). */
function jwt(subject, expiresAt) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const body = b64({ alg: 'RS256', typ: 'JWT' }) + '.' + b64({ iss: 'https://it.pushhub.test', sub: subject, upn: subject,
    groups: [], iat: now - 7200, exp: expiresAt });
  const key = readFileSync(new URL('../resources/jwt/it-private.pem', import.meta.url), 'utf8');
  return body + '.' + createSign('RSA-SHA256').update(body).sign(key).toString('base64url');
}

for (const transport of ['websocket', 'sse']) {
  test(`cross-origin ${transport}: a page on an allowed origin connects, subscribes and gets a push; its tabs are one user`, async () => {
    const topic = unique('xo-' + transport);
    const tab = await open(ALLOWED, { transports: transport, topic });
    let tab2;
    try {
      await waitFor(tab, 'connected via ' + transport, (t) => window.hub.state === 'connected' && window.hub.transport === t
        && window.sub.subscribed, transport);
      const origin = await tab.page.evaluate(() => location.origin);
      assert.equal(origin, ALLOWED, 'the page is on another origin than the hub');
      const pong = await tab.page.evaluate(() => window.hub.request({ type: 'ping' }).then((r) => r.type));
      assert.equal(pong, 'pong', 'a command from the foreign page is answered');
      const answer = await push({ topic, data: { text: 'hello ' + transport } });
      assert.equal(answer.reached, 1);
      await waitFor(tab, 'the push', () => window.received.length === 1);
      assert.deepEqual(await tab.page.evaluate(() => window.received), [{ text: 'hello ' + transport }]);
      tab2 = await open(ALLOWED, { transports: transport, topic: unique('xo-other') }); // another tab, later
      await waitFor(tab2, 'the second tab connected', () => window.hub.state === 'connected' && window.sub.subscribed);
      const [u1, u2] = [await tab.page.evaluate(() => window.hub.userId), await tab2.page.evaluate(() => window.hub.userId)];
      assert.match(u1, /^anon-[0-9a-f]{16}$/);
      assert.equal(u2, u1, 'two tabs of one browser are one anonymous user (the signed cookie)');
      const errors = await tab.page.evaluate(() => window.events.filter((e) => e.error));
      assert.deepEqual(errors, []);
      await screenshot(tab.page, 'cross-origin-' + transport + '-allowed');
    } finally {
      await tab.page.close();
      await tab2?.page.close();
    }
  });

  test(`cross-origin ${transport}: a page on a refused origin gets origin_not_allowed and stops retrying`, async () => {
    const tab = await open(REFUSED, { transports: transport, topic: unique('xo-refused') });
    try {
      await waitFor(tab, 'the refusal', () => window.hub.state === 'disconnected');
      const events = await tab.page.evaluate(() => window.events);
      assert.deepEqual(events.filter((e) => e.error), [{ error: 'origin_not_allowed', message: 'origin_not_allowed: origin not allowed', fatal: true }]);
      assert.deepEqual(events.at(-1), { state: 'disconnected', detail: { refused: 'origin_not_allowed', reason: 'origin not allowed' } });
      const rejectedBefore = JSON.parse((await api('GET', '/api/stats')).text).totals.handshakesRejected;
      await new Promise((r) => setTimeout(r, 3000)); // retries would come every 0.2-1 s
      const after = await tab.page.evaluate(() => window.events);
      assert.equal(after.length, events.length, 'nothing happened after the refusal: ' + JSON.stringify(after.slice(events.length)));
      assert.equal(JSON.parse((await api('GET', '/api/stats')).text).totals.handshakesRejected, rejectedBefore,
        'the hub saw no further attempts');
      assert.match(await tab.page.innerText('#state'), /disconnected: origin not allowed/);
      await screenshot(tab.page, 'cross-origin-' + transport + '-refused-origin');
    } finally {
      await tab.page.close();
    }
  });

  test(`cross-origin ${transport}: an expired token shows "token invalid: expired" and is not sent again`, async () => {
    const token = jwt('late-' + transport, Math.floor(Date.now() / 1000) - 3600);
    const tab = await open(ALLOWED, { transports: transport, topic: unique('xo-token'), token });
    try {
      await waitFor(tab, 'the refusal', () => window.hub.state === 'disconnected');
      const events = await tab.page.evaluate(() => window.events);
      assert.deepEqual(events.filter((e) => e.error), [{ error: 'token_expired', message: 'token_expired: token invalid: expired', fatal: false }]);
      assert.deepEqual(events.at(-1), { state: 'disconnected', detail: { refused: 'token_expired', reason: 'token invalid: expired' } });
      assert.equal(events.filter((e) => e.state === 'reconnecting').length, 1,
        'one more attempt, in which the token provider gave the same token: then it stops');
      await new Promise((r) => setTimeout(r, 2000));
      assert.equal((await tab.page.evaluate(() => window.events)).length, events.length, 'no attempt after giving up');
      await screenshot(tab.page, 'cross-origin-' + transport + '-expired-token');
    } finally {
      await tab.page.close();
    }
  });
}

// The issue's own example: a page on http://127.0.0.1:<port> (always allowed, as localhost is) using the hub at
// http://push.pushhub.test: another SITE over plain HTTP, so the browser sends the hub's SameSite=Lax cookie with none
// of the requests. The SSE commands prove the stream's owner with its commandKey instead (X-PushHub-Command-Key).
for (const transport of ['websocket', 'sse']) {
  test(`cross-site ${transport}: a page on http://127.0.0.1 (another site, no cookie) subscribes, commands and gets a push`, async () => {
    const topic = unique('xs-' + transport);
    const tab = await open('http://127.0.0.1:' + pagePort, { transports: transport, topic });
    try {
      await waitFor(tab, 'subscribed via ' + transport, (t) => window.hub.state === 'connected' && window.hub.transport === t
        && window.sub.subscribed, transport);
      const pong = await tab.page.evaluate(() => window.hub.request({ type: 'ping' }).then((r) => r.type));
      assert.equal(pong, 'pong', 'a command from the other site is answered');
      const answer = await push({ topic, data: { text: 'cross-site ' + transport } });
      assert.equal(answer.reached, 1);
      await waitFor(tab, 'the push', () => window.received.length === 1);
      assert.deepEqual(await tab.page.evaluate(() => window.received), [{ text: 'cross-site ' + transport }]);
      assert.deepEqual(await tab.page.evaluate(() => window.events.filter((e) => e.error)), []);
      const states = await tab.page.evaluate(() => window.events.filter((e) => e.state).map((e) => e.state));
      assert.deepEqual(states.filter((x) => x !== 'connected' && x !== 'connecting'), [], 'no reconnect loop: ' + states);
      await screenshot(tab.page, 'cross-site-' + transport);
    } finally {
      await tab.page.close();
    }
  });
}
