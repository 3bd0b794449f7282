// Browser tests of the admin dashboard (/dashboard/) in real Chromium against a real hub: the key prompt, live charts
// whose legend matches what is drawn, closing a connection, and a topic's presence and history.
// Run by BrowserIT during `mvn verify`; by hand: PUSHHUB_URL=http://127.0.0.1:9080 PUSHHUB_KEY=... node --test src/test/browser/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, DESKTOP, KEY, PHONE, blockWebSockets, browserUser, checkedScreenshots, push, unique, waitFor, waitForState,
} from './harness.mjs';

async function withUsers(specs, fn) {
  const users = [];
  try {
    for (const [name, opts] of specs) users.push(await browserUser(name, opts));
    return await fn(...users);
  } finally {
    for (const u of users) await u.close();
  }
}

/** A console in its own page of the user's browser; resolves with its connection id once "news" is subscribed. */
async function openConsole(user, page = user.page) {
  await page.goto(BASE + '/');
  const u = { ...user, page };
  await waitForState(u, 'connected');
  await waitFor(u, 'news subscribed', () => {
    const li = document.querySelector('#topics li[data-topic="news"]');
    return li && !/pending/.test(li.innerText);
  });
  return page.getAttribute('#identity', 'data-connection-id');
}

async function unlock(admin, page = admin.page) {
  const u = { ...admin, page };
  await page.goto(BASE + '/dashboard/');
  await page.fill('#key', KEY);
  await page.click('#key-form button');
  await waitFor(u, 'live status', () => document.getElementById('status').dataset.status === 'live');
  return u;
}

function connectionRow(page, id) {
  return page.locator('#connections tbody tr[data-connection-id="' + id + '"]');
}

/** How many pixels of the canvas have (about) this colour. */
function pixelsOf(page, canvasId, hex) {
  return page.evaluate(([id, h]) => {
    const c = document.getElementById(id);
    const want = [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) {
      if (px[i + 3] > 200 && Math.abs(px[i] - want[0]) < 24 && Math.abs(px[i + 1] - want[1]) < 24 && Math.abs(px[i + 2] - want[2]) < 24) n++;
    }
    return n;
  }, [canvasId, hex]);
}

test('the dashboard asks for the key without chart frames, then draws live charts whose legend matches', () =>
  withUsers([['watcher'], ['watcher2'], ['sse-watcher'], ['admin', { viewport: DESKTOP }]], async (watcher, watcher2, sseWatcher, admin) => {
    // Traffic on both transports: two WebSocket consoles (one ticking every second) and one on SSE.
    await openConsole(watcher);
    await openConsole(watcher2);
    await watcher.page.check('#time-toggle');
    await sseWatcher.context.addInitScript(blockWebSockets);
    await openConsole(sseWatcher);

    await admin.page.goto(BASE + '/dashboard/');
    assert.equal(await admin.page.isVisible('#key'), true, 'the key prompt is shown');
    assert.equal(await admin.page.locator('canvas:visible').count(), 0, 'no (empty) chart frame next to or behind the key prompt');
    assert.equal(await admin.page.locator('#charts').isVisible(), false);
    await admin.page.fill('#key', 'not-the-key');
    await admin.page.click('#key-form button');
    await waitFor(admin, 'a refused key', () => document.getElementById('key-error').innerText.startsWith('401'));
    assert.equal(await admin.page.locator('canvas:visible').count(), 0, 'still no chart after a refused key');
    await checkedScreenshots(admin.page, 'dashboard-locked-1280x800', 8000);
    await admin.page.fill('#key', KEY);
    await admin.page.click('#key-form button');
    await waitFor(admin, 'live status', () => document.getElementById('status').dataset.status === 'live');
    assert.equal(await admin.page.isVisible('#key-form'), false, 'the key form goes away once the key works');

    // Bursts of pushes between samples, so the rate chart has a shape (each waits for the next sample, not a clock).
    for (let burst = 1; burst <= 5; burst++) {
      const samples = Number(await admin.page.getAttribute('#charts', 'data-samples'));
      for (let i = 0; i < burst * 3; i++) await push({ topic: 'news', data: { text: 'burst ' + burst + '.' + i } });
      await waitFor(admin, 'the next sample', (n) => Number(document.getElementById('charts').dataset.samples) > n, samples);
    }
    await waitFor(admin, 'several samples with traffic', () => {
      const d = document.getElementById('charts').dataset;
      return Number(d.samples) >= 6 && Number(d.maxRate) > 1 && Number(d.connections) >= 3 && Number(d.topics) >= 1;
    });
    const kpis = await admin.page.innerText('#kpi-connections-sub');
    assert.match(kpis, /[1-9]\d* WebSocket · [1-9]\d* SSE/, 'the transports split: ' + kpis);

    // The legend names exactly the series drawn, in the colours drawn (two lines, not a stack).
    const legend = await admin.page.locator('#chart-connections + .legend .key').allInnerTexts();
    assert.deepEqual(legend, ['WebSocket', 'SSE']);
    const swatches = await admin.page.evaluate(() => [...document.querySelectorAll('#chart-connections + .legend .sw')]
      .map((s) => getComputedStyle(s).borderTopStyle + ' ' + getComputedStyle(s).borderTopColor));
    assert.deepEqual(swatches, ['solid rgb(47, 75, 208)', 'dashed rgb(194, 65, 12)'], 'legend: solid WebSocket, dashed SSE');
    assert.ok(await pixelsOf(admin.page, 'chart-connections', '#2f4bd0') > 50, 'the WebSocket line is drawn in its legend colour');
    assert.ok(await pixelsOf(admin.page, 'chart-connections', '#c2410c') > 50, 'the SSE line is drawn in its legend colour');
    assert.ok(await pixelsOf(admin.page, 'chart-rate', '#17794a') > 50, 'the rate line is drawn in its legend colour');
    await checkedScreenshots(admin.page, 'dashboard-charts-1280x800');
  }));

test('the dashboard closes a connection: it is gone from the list, and the console marked "you" comes back', () =>
  withUsers([['operator', { viewport: DESKTOP }]], async (user) => {
    // The console and the dashboard in two tabs of one browser: the dashboard marks the console's connection "you".
    const consolePage = await user.context.newPage();
    const id = await openConsole(user, consolePage);
    const admin = await unlock(user);
    await waitFor(admin, 'the console\'s connection listed and marked you', (c) => {
      const tr = document.querySelector('#connections tbody tr[data-connection-id="' + c + '"]');
      return tr && tr.querySelector('.you') && tr.querySelector('.you').innerText === 'you';
    }, id);
    const idText = connectionRow(admin.page, id).locator('.id-text').last();
    assert.equal(await idText.getAttribute('title'), id, 'the full id is in the title');

    await connectionRow(admin.page, id).locator('button.disconnect').click();
    await waitFor(admin, 'the closed connection gone from the list', (c) =>
      !document.querySelector('#connections tbody tr[data-connection-id="' + c + '"]'), id);
    assert.match(await admin.page.innerText('#conn-result'), /^Closed /);
    // pushhub.js reconnects (close code 1012) with a new id, which the dashboard lists as "you" again.
    const c = { ...user, page: consolePage };
    const again = await waitFor(c, 'the console reconnected with a new id', (old) => {
      const now = document.getElementById('identity').dataset.connectionId;
      return document.getElementById('state').dataset.state === 'connected' && now && now !== old && now;
    }, id);
    await waitFor(admin, 'the new connection listed as you', (n) => {
      const tr = document.querySelector('#connections tbody tr[data-connection-id="' + n + '"]');
      return tr && tr.querySelector('.you');
    }, again);
    const r = await fetch(BASE + '/api/connections', { headers: { Authorization: 'Bearer ' + KEY } }).then((x) => x.json());
    assert.ok(!r.byUser.some((u) => u.connections.includes(id)), 'the hub agrees: ' + JSON.stringify(r));
  }));

test('the dashboard browses a topic\'s presence and its history page by page', () =>
  withUsers([['reader'], ['admin2', { viewport: DESKTOP }]], async (reader, admin) => {
    const topic = unique('board');
    const id = await openConsole(reader);
    const readerUser = await reader.page.getAttribute('#identity', 'data-user-id');
    await reader.page.fill('#topic', topic);
    await reader.page.click('#subscribe-form button');
    await waitFor(reader, topic + ' subscribed', (t) => {
      const li = document.querySelector('#topics li[data-topic="' + t + '"]');
      return li && !/pending/.test(li.innerText);
    }, topic);
    for (let i = 1; i <= 25; i++) await push({ topic, data: { text: 'note ' + i } });

    await unlock(admin);
    await waitFor(admin, 'the topic listed', (t) => document.querySelector('#topic-table tr[data-topic="' + t + '"]'), topic);
    const row = admin.page.locator('#topic-table tr[data-topic="' + topic + '"]');
    assert.equal((await row.locator('td.num').innerText()).trim(), '1');

    await row.locator('button.show-presence').click();
    await waitFor(admin, 'presence of the topic', (c) => document.querySelector('#presence tbody tr[data-connection-id="' + c + '"]'), id);
    assert.match(await admin.page.innerText('#presence-summary'), /^1 connection of 1 user/);
    assert.ok((await admin.page.innerText('#presence tbody')).includes(readerUser), 'the subscriber\'s user is listed');

    await admin.page.click('#tab-history');
    await waitFor(admin, 'the newest history page', () => document.querySelectorAll('#history tbody tr').length === 20);
    const offsets = () => admin.page.$$eval('#history tbody tr', (trs) => trs.map((tr) => Number(tr.dataset.offset)));
    const texts = () => admin.page.$$eval('#history tbody tr td:last-child', (tds) => tds.map((td) => JSON.parse(td.innerText).text));
    assert.deepEqual(await offsets(), Array.from({ length: 20 }, (_, i) => 25 - i), 'offsets 25..6, newest first');
    assert.equal((await texts())[0], 'note 25');
    assert.match(await admin.page.innerText('#history-summary'), /Offsets 6–25 of 25/);
    assert.equal(await admin.page.isDisabled('#history-newer'), true, 'nothing newer than the newest page');

    await admin.page.click('#history-older');
    await waitFor(admin, 'the older page', () => document.querySelectorAll('#history tbody tr').length === 5);
    assert.deepEqual(await texts(), ['note 5', 'note 4', 'note 3', 'note 2', 'note 1']);
    assert.equal(await admin.page.isDisabled('#history-older'), true, 'nothing older than offset 1');
    await admin.page.click('#history-newer');
    await waitFor(admin, 'back to the newer page', () => document.querySelectorAll('#history tbody tr').length === 20);
    assert.deepEqual((await offsets()).slice(-1), [6]);

    await admin.page.click('#tab-presence');
    await checkedScreenshots(admin.page, 'dashboard-presence-1280x800');
  }));

test('dashboard screenshots at 1280×800 and 390×844 (phone): tables, topic history, no horizontal scrolling', () =>
  withUsers([['anna'], ['ben'], ['admin3', { viewport: DESKTOP }]], async (anna, ben, admin) => {
    const topic = unique('chat:standup');
    for (const u of [anna, ben]) {
      await openConsole(u);
      await u.page.fill('#room', topic.slice('chat:'.length));
      await u.page.click('#room-form button');
    }
    await anna.page.check('#time-toggle');
    for (let i = 1; i <= 6; i++) await push({ topic: 'news', data: { text: 'release ' + i + ' is out', build: 1000 + i } });
    await unlock(admin);
    await waitFor(admin, 'samples to draw', () => Number(document.getElementById('charts').dataset.samples) >= 5);
    await admin.page.locator('#topic-table tr[data-topic="news"] button.show-history').click();
    await waitFor(admin, 'news history', () => document.querySelectorAll('#history tbody tr').length >= 6);
    await checkedScreenshots(admin.page, 'dashboard-1280x800');

    await admin.page.setViewportSize(PHONE);
    await admin.page.waitForTimeout(300); // the charts redraw for the new width
    const overflow = await admin.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, 'the page scrolls sideways at phone width by ' + overflow + ' px');
    const canvasWidth = await admin.page.$eval('#chart-rate', (c) => c.getBoundingClientRect().width);
    assert.ok(canvasWidth > 300 && canvasWidth <= PHONE.width, 'a chart fits the phone: ' + canvasWidth);
    await checkedScreenshots(admin.page, 'dashboard-390x844');

    await admin.page.click('#lock');
    await waitFor(admin, 'locked again', () => document.getElementById('status').dataset.status === 'locked');
    assert.equal(await admin.page.locator('canvas:visible').count(), 0);
    await checkedScreenshots(admin.page, 'dashboard-locked-390x844', 8000);
  }));

test('the dashboard opens any topic by name: history without subscribers, and a clear answer for one without history', () =>
  withUsers([['admin4', { viewport: DESKTOP }]], async (admin) => {
    const topic = unique('audit');
    await push({ topic, data: { text: 'kept without subscribers' } });
    await unlock(admin);
    await admin.page.fill('#open-topic', topic);
    await admin.page.click('#open-topic-form button');
    await waitFor(admin, 'its history', () => document.querySelectorAll('#history tbody tr').length === 1);
    assert.match(await admin.page.innerText('#history tbody'), /kept without subscribers/);
    await admin.page.click('#tab-presence');
    await waitFor(admin, 'nobody subscribed', () => /^0 connections of 0 users/.test(document.getElementById('presence-summary').innerText));

    await admin.page.fill('#open-topic', 'nohist:' + topic); // the IT server keeps no history for nohist:*
    await admin.page.click('#open-topic-form button');
    await waitFor(admin, 'no history', () => /keeps no history/.test(document.getElementById('history-empty').innerText));
    await admin.page.fill('#open-topic', 'no spaces allowed');
    await admin.page.click('#open-topic-form button');
    await waitFor(admin, 'a bad name explained', () => /^Could not read the history: HTTP 400/.test(document.getElementById('history-empty').innerText));
  }));

test('the dashboard traces a message: a journaled push to an offline user in plain words, and a clear answer for one not traced', () =>
  withUsers([['admin5', { viewport: DESKTOP }]], async (admin) => {
    const user = unique('offline');
    const traced = await push({ user, trace: true, data: 1 });
    const untraced = await push({ user, data: 2 });
    await unlock(admin);
    await admin.page.fill('#trace-id', traced.messageId);
    await admin.page.fill('#trace-user', user);
    await admin.page.click('#trace-form button');
    await waitFor(admin, 'the trace summary', (u) => [...document.querySelectorAll('#trace-summary li')]
      .some((li) => li.innerText === u + ' had no connection on any node (user offline)'), user);
    await admin.page.fill('#trace-id', untraced.messageId);
    await admin.page.click('#trace-form button');
    await waitFor(admin, 'not traced explained', () => /^HTTP 404: no trace of message .*not journaled/.test(document.getElementById('trace-result').innerText)
      && document.querySelectorAll('#trace-summary li').length === 0);
  }));
