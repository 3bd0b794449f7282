// Browser tests of the console (/), the dashboard and pushhub.js, in real Chromium against a real hub.
// Run by BrowserIT during `mvn verify`; by hand: PUSHHUB_URL=http://127.0.0.1:9080 PUSHHUB_KEY=... node --test src/test/browser/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, KEY, api, blockWebSockets, browserUser, push, screenshot, unique, waitFor, waitForState,
} from './harness.mjs';

/** Runs fn with fresh browser users (one Chromium profile each) and always closes them. */
async function withUsers(names, fn) {
  const users = [];
  try {
    for (const name of names) users.push(await browserUser(name));
    return await fn(...users);
  } finally {
    for (const u of users) await u.close();
  }
}

function withUser(name, fn) {
  return withUsers([name], fn);
}

/** Waits until the console lists the topic as acknowledged (not "pending"). */
function waitForSubscribed(user, topic) {
  return waitFor(user, topic + ' subscribed', (t) => {
    const li = document.querySelector('#topics li[data-topic="' + t + '"]');
    return li && !/pending/.test(li.innerText);
  }, topic);
}

function waitForText(user, what, id, text) {
  return waitFor(user, what, ([i, t]) => document.getElementById(i).innerText.includes(t), [id, text]);
}

async function openConsole(user) {
  await user.page.goto(BASE + '/');
  await waitForState(user, 'connected');
  await waitFor(user, 'the welcome (identity)', () => /connection c-/.test(document.getElementById('identity').innerText));
  await waitForSubscribed(user, 'news');
}

/**
 * Takes the page offline, then has the hub drop its connection (operator close, code 1012). Offline first, so the
 * page stays in "reconnecting" long enough to be seen. Returns the dropped connection's id.
 */
async function dropWhileOffline(user) {
  const id = await user.page.getAttribute('#identity', 'data-connection-id');
  await user.context.setOffline(true);
  const r = await api('DELETE', '/api/connections/' + id);
  assert.equal(r.status, 204, 'operator close: ' + r.text);
  await waitForState(user, 'reconnecting');
  return id;
}

async function ticksAndPush(user, name) {
  await user.page.check('#time-toggle');
  const first = await waitFor(user, 'a first time tick', () => {
    const t = document.getElementById('clock').innerText;
    return t !== '–' && t;
  });
  await waitFor(user, 'a second time tick', (t) => document.getElementById('clock').innerText !== t, first);

  const text = unique('hello');
  const r = await push({ topic: 'news', data: { text } });
  assert.ok(r.reached >= 1, 'push reached nobody: ' + JSON.stringify(r));
  await waitForText(user, 'the REST push in the message log', 'messages', text);
  await screenshot(user.page, name);
}

test('console connects, shows the welcome, gets time ticks and a REST push (WebSocket)', () =>
  withUser('console', async (user) => {
    await openConsole(user);
    assert.equal(await user.page.getAttribute('#transport', 'data-transport'), 'websocket');
    await ticksAndPush(user, '01-console-websocket');
  }));

test('two browsers chat in one room and see each other join and leave', () =>
  withUsers(['ann', 'ben'], async (ann, ben) => {
    const room = unique('room');
    await openConsole(ann);
    await openConsole(ben);
    const annId = await ann.page.getAttribute('#identity', 'data-user-id');
    const benId = await ben.page.getAttribute('#identity', 'data-user-id');
    assert.notEqual(annId, benId, 'two browsers (two cookie jars) must be two anonymous users');

    for (const u of [ann, ben]) { // one after the other, so ann is in the room when ben joins
      await u.page.fill('#room', room);
      await u.page.click('#room-form button');
      await waitForSubscribed(u, 'chat:' + room);
    }
    await waitForText(ann, 'ben joins (chat log)', 'chat-log', '* ' + benId + ' joined');
    await waitFor(ann, 'both in the member list', ([a, b]) => {
      const m = document.getElementById('members').innerText;
      return m.includes(a) && m.includes(b);
    }, [annId, benId]);
    await waitForText(ben, 'ann already in ben\'s member list', 'members', annId);

    await ben.page.fill('#chat-text', 'hello from ben');
    await ben.page.click('#chat-form button');
    await waitForText(ann, 'ben\'s message', 'chat-log', benId + ': hello from ben');
    await ann.page.fill('#chat-text', 'hi ben');
    await ann.page.click('#chat-form button');
    await waitForText(ben, 'ann\'s reply', 'chat-log', annId + ': hi ben');
    await screenshot(ben.page, '02-chat-ben');

    await ben.page.click('#disconnect');
    await waitForText(ann, 'ben leaves (chat log)', 'chat-log', '* ' + benId + ' left');
    await waitFor(ann, 'ben gone from the member list', (id) => !document.getElementById('members').innerText.includes(id), benId);
    await screenshot(ann.page, '02-chat-ann');
  }));

test('the demo job progress bar reaches 100%', () =>
  withUser('job', async (user) => {
    await openConsole(user);
    await user.page.click('#job');
    await waitFor(user, 'progress 100% and done', () => document.getElementById('job-progress').value === 100
      && document.getElementById('job-text').innerText === 'done');
    await screenshot(user.page, '03-demo-job');
  }));

test('the server drops the connection: the page shows reconnecting, reconnects and resubscribes', () =>
  withUser('drop', async (user) => {
    await openConsole(user);
    const before = await dropWhileOffline(user);
    await screenshot(user.page, '04-drop-reconnecting');
    await user.context.setOffline(false);
    await waitForState(user, 'connected');
    const after = await waitFor(user, 'a new connection id', (b) => {
      const id = document.getElementById('identity').dataset.connectionId;
      return id !== b && id;
    }, before);
    assert.notEqual(after, before);
    await waitForSubscribed(user, 'news');
    const text = unique('after-drop');
    await push({ topic: 'news', data: { text } });
    await waitForText(user, 'a push after the reconnect', 'messages', text);
    await screenshot(user.page, '04-drop-reconnected');
  }));

test('messages pushed while disconnected arrive exactly once, in order (needs server history)', () =>
  withUser('resume', async (user) => {
    await openConsole(user);
    const tag = unique('gap');
    await push({ topic: 'news', data: { text: tag + '-0' } }); // gives the client an offset to resume from
    await waitForText(user, 'the message before the drop', 'messages', tag + '-0');
    await dropWhileOffline(user);
    for (let i = 1; i <= 3; i++) await push({ topic: 'news', data: { text: tag + '-' + i } });
    await user.context.setOffline(false);
    await waitForState(user, 'connected');
    await waitForText(user, 'the three missed messages', 'messages', tag + '-3');
    const seen = await user.page.evaluate((t) => [...document.querySelectorAll('#messages li')].reverse()
      .map((li) => li.innerText).filter((s) => s.includes(t)).map((s) => JSON.parse(s.slice(s.indexOf('{'))).text), tag);
    assert.deepEqual(seen, [tag + '-0', tag + '-1', tag + '-2', tag + '-3'], 'once each, in order');
    await screenshot(user.page, '05-resume-after-drop');
  }));

test('WebSocket blocked: the console falls back to SSE and works the same', () =>
  withUser('sse', async (user) => {
    await user.context.addInitScript(blockWebSockets);
    await openConsole(user);
    assert.equal(await user.page.getAttribute('#transport', 'data-transport'), 'sse');
    await waitForText(user, 'the fallback in the log', 'log', 'fallback: websocket → sse');
    await ticksAndPush(user, '06-console-sse-fallback');

    // Commands go over REST for SSE: the demo job (by connection id) and a chat room with presence.
    await user.page.click('#job');
    await waitFor(user, 'progress 100% over SSE', () => document.getElementById('job-progress').value === 100);
    const room = unique('sse-room');
    await user.page.fill('#room', room);
    await user.page.click('#room-form button');
    await waitForSubscribed(user, 'chat:' + room);
    const me = await user.page.getAttribute('#identity', 'data-user-id');
    await waitForText(user, 'own join over SSE', 'members', me);
    await user.page.fill('#chat-text', 'over sse');
    await user.page.click('#chat-form button');
    await waitForText(user, 'own chat message over SSE', 'chat-log', me + ': over sse');
    await screenshot(user.page, '06-console-sse-chat-and-job');
  }));

test('an SSE page that is closed leaves the chat room at once', () =>
  withUsers(['ann-ws', 'sam-sse'], async (ann, sam) => {
    const room = unique('goodbye');
    await openConsole(ann);
    await sam.context.addInitScript(blockWebSockets);
    await openConsole(sam);
    assert.equal(await sam.page.getAttribute('#transport', 'data-transport'), 'sse');
    const samId = await sam.page.getAttribute('#identity', 'data-user-id');
    for (const u of [ann, sam]) {
      await u.page.fill('#room', room);
      await u.page.click('#room-form button');
      await waitForSubscribed(u, 'chat:' + room);
    }
    await waitForText(ann, 'sam (SSE) joins', 'chat-log', '* ' + samId + ' joined');
    // Without a goodbye the hub would keep sam's connection for the resume window (30 s) after noticing the loss.
    await sam.page.close({ runBeforeUnload: true });
    await waitFor(ann, 'sam leaves within 10 s', (id) => document.getElementById('chat-log').innerText.includes('* ' + id + ' left'),
      samId, 10000);
    await screenshot(ann.page, '08-sse-page-closed-leaves');
  }));

test('the dashboard asks for the key and draws charts with live data', () =>
  withUsers(['watcher', 'admin'], async (watcher, admin) => {
    // Some traffic for the charts: a console ticking every second.
    await openConsole(watcher);
    await watcher.page.check('#time-toggle');
    await admin.page.goto(BASE + '/dashboard');
    await admin.page.fill('#key', 'not-the-key');
    await admin.page.click('#key-form button');
    await waitFor(admin, 'a refused key', () => document.getElementById('key-error').innerText.startsWith('401'));
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
      return Number(d.samples) >= 6 && Number(d.maxRate) > 1 && Number(d.connections) >= 1 && Number(d.topics) >= 1;
    });
    const inked = await admin.page.evaluate(() => ['chart-connections', 'chart-rate', 'chart-topics'].map((id) => {
      const c = document.getElementById(id);
      const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
      return n;
    }));
    for (const n of inked) assert.ok(n > 500, 'a chart is (nearly) empty: inked pixels ' + inked);
    await screenshot(admin.page, '07-dashboard');
  }));
