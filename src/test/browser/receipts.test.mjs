// Delivery receipts in real Chromium (docs/receipts.md): two tabs of one user (one browser profile, so one cookie jar
// and one anonymous user). Tab A handles the message and pushhub.js acknowledges it by itself; tab B, which leaves
// acknowledging to the app (autoReceipt: false) and never does, gets the retract event of collapseOnAck. The receipts
// API then shows tab A acknowledged and tab B written. Once over WebSocket, once over SSE (commands over HTTP).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, api, browserUser, push, screenshot, waitFor } from './harness.mjs';

async function openTab(context, transports, autoReceipt) {
  const page = await context.newPage();
  const lines = [];
  page.on('console', (m) => lines.push(m.type() + ': ' + m.text()));
  page.on('pageerror', (e) => lines.push('pageerror: ' + e.message));
  // A plain page of the hub's origin on which nothing else connects (the console page would: a third tab): the hub's
  // liveness JSON, which Chromium shows as a document. The client runs in it with the origin's cookie. (A page the test
  // served itself at that origin through page.route counts as public to Chromium, which then blocks the loopback
  // WebSocket: ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS.)
  await page.goto(BASE + '/health/live');
  await page.addScriptTag({ url: BASE + '/pushhub.js' });
  await page.evaluate(([transports, autoReceipt]) => {
    window.log = [];
    const hub = PushHub.connect({ transports, autoReceipt });
    window.hub = hub;
    hub.on('welcome', (w) => { window.welcome = w; });
    hub.on('message', (data, f) => window.log.push({ kind: 'message', id: f.messageId, receipt: f.receipt === true, data }));
    hub.on('retract', (id) => window.log.push({ kind: 'retract', id }));
  }, [transports, autoReceipt]);
  return { page, context, consoleLines: lines };
}

async function twoTabs(name, transports) {
  const user = await browserUser(name);
  try {
    // One after the other: the first connection of a fresh profile sets the anonymous cookie the second one shows.
    const a = await openTab(user.context, transports, true);
    const welcomeA = await waitFor(a, 'tab A welcome', () => window.welcome && window.hub.state === 'connected' && window.welcome);
    const b = await openTab(user.context, transports, false);
    const welcomeB = await waitFor(b, 'tab B welcome', () => window.welcome && window.hub.state === 'connected' && window.welcome);
    assert.equal(welcomeA.userId, welcomeB.userId, 'two tabs of one browser are one user');
    assert.notEqual(welcomeA.connectionId, welcomeB.connectionId);

    const text = 'call me ' + Date.now();
    const { messageId } = await push({ user: welcomeA.userId, collapseOnAck: true, data: { text } });

    const gotA = await waitFor(a, 'the message on tab A', (id) => window.log.find((e) => e.kind === 'message' && e.id === id), messageId);
    assert.equal(gotA.receipt, true, 'the frame asks for a receipt');
    assert.equal(gotA.data.text, text);
    await waitFor(b, 'the message on tab B', (id) => window.log.some((e) => e.kind === 'message' && e.id === id), messageId);
    // Tab A acknowledged by itself after its handler ran: tab B hears the retract, tab A does not.
    await waitFor(b, 'the retract on tab B', (id) => window.log.some((e) => e.kind === 'retract' && e.id === id), messageId);
    await screenshot(b.page, 'receipts-' + name + '-tab-b');

    let receipts;
    const deadline = Date.now() + 15000;
    for (;;) {
      const r = await api('GET', '/api/push/' + messageId + '/receipts');
      assert.equal(r.status, 200, r.text);
      receipts = JSON.parse(r.text);
      const rows = Object.fromEntries(receipts.recipients.map((x) => [x.connection, x]));
      const ra = rows[welcomeA.connectionId];
      const rb = rows[welcomeB.connectionId];
      if (ra && rb && ra.state === 'acknowledged' && rb.state === 'written') break;
      if (Date.now() > deadline) assert.fail('receipts never showed tab A acknowledged and tab B written: ' + r.text);
      await new Promise((res) => setTimeout(res, 100));
    }
    const logA = await a.page.evaluate(() => window.log);
    assert.ok(!logA.some((e) => e.kind === 'retract'), 'no retract on the tab that acknowledged: ' + JSON.stringify(logA));
  } finally {
    await user.close();
  }
}

test('receipts over websocket: two tabs of one user, tab A acknowledges by itself, tab B gets the retract', () =>
  twoTabs('ws', ['websocket']));

test('receipts over sse: two tabs of one user, tab A acknowledges by itself, tab B gets the retract', () =>
  twoTabs('sse', ['sse']));
