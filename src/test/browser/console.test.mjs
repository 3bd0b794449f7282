// Browser tests of the console (/), the dashboard and pushhub.js, in real Chromium against a real hub.
// Run by BrowserIT during `mvn verify`; by hand: PUSHHUB_URL=http://127.0.0.1:9080 PUSHHUB_KEY=... node --test src/test/browser/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, DESKTOP, KEY, PHONE, api, blockWebSockets, browserUser, checkedScreenshots, push, screenshot, unique, waitFor,
  waitForState,
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

test('the publish form pushes to a topic and the console shows it; ids cut, "you" marked; screenshots at 1280×800 and 390×844', () =>
  withUsers(['pia', 'ole'], async (pia, ole) => {
    await pia.page.setViewportSize(DESKTOP);
    const topic = unique('release');
    const room = unique('team');
    await openConsole(pia);
    await openConsole(ole);
    const me = await pia.page.getAttribute('#identity', 'data-user-id');
    await pia.page.fill('#topic', topic);
    await pia.page.click('#subscribe-form button');
    await waitForSubscribed(pia, topic);
    for (const u of [pia, ole]) {
      await u.page.fill('#room', room);
      await u.page.click('#room-form button');
      await waitForSubscribed(u, 'chat:' + room);
    }
    await ole.page.fill('#chat-text', 'standup in 5');
    await ole.page.click('#chat-form button');
    await pia.page.fill('#chat-text', 'on my way');
    await pia.page.click('#chat-form button');
    await waitForText(pia, 'own chat line', 'chat-log', me + ': on my way');
    await pia.page.check('#time-toggle');
    await pia.page.click('#job');

    // Mistakes first: they are explained and nothing is sent.
    await pia.page.fill('#push-key', KEY);
    await pia.page.fill('#push-topic', topic);
    await pia.page.fill('#push-data', '{"text": oops}');
    await pia.page.click('#push-form button');
    await waitFor(pia, 'a JSON error', () => /^Data is not JSON/.test(document.getElementById('push-result').innerText));
    await pia.page.fill('#push-key', 'wrong-key');
    await pia.page.fill('#push-data', '{"text":"nope"}');
    await pia.page.click('#push-form button');
    await waitFor(pia, 'a refused key', () => /^401 unauthorized/.test(document.getElementById('push-result').innerText));

    await pia.page.fill('#push-key', KEY);
    const text = unique('shipped');
    await pia.page.fill('#push-data', JSON.stringify({ text, version: '2.4.0' }));
    await pia.page.click('#push-form button');
    await waitFor(pia, 'the push answer', () => /^Delivered to 1 connection/.test(document.getElementById('push-result').innerText));
    await waitForText(pia, 'the published message in the console', 'messages', text);
    const first = await pia.page.$eval('#messages li', (li) => ({ topic: li.dataset.topic, text: li.innerText }));
    assert.equal(first.topic, topic);
    assert.ok(!(await pia.page.innerText('#messages')).includes('nope'), 'the refused push did not arrive');

    // "you" in the member list; ids cut with an ellipsis on one line, never broken, the full id in the title.
    await waitFor(pia, 'both members', () => document.querySelectorAll('#members li').length === 2);
    assert.equal(await pia.page.$eval('#members li.mine', (li) => li.querySelector('.you').innerText + ' ' + li.querySelector('.uid').innerText), 'you ' + me);
    const ids = await pia.page.$$eval('.id-text', (els) => els.filter((e) => e.offsetParent).map((e) => ({
      lines: Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)),
      ellipsis: getComputedStyle(e).textOverflow, title: e.title, text: e.textContent,
    })));
    assert.ok(ids.length >= 2, 'ids shown: ' + JSON.stringify(ids));
    for (const id of ids) {
      assert.equal(id.lines, 1, 'an id wraps: ' + JSON.stringify(id));
      assert.equal(id.ellipsis, 'ellipsis');
      assert.equal(id.title, id.text);
    }
    await waitFor(pia, 'the job done', () => document.getElementById('job-text').innerText === 'done');
    await checkedScreenshots(pia.page, 'console-1280x800');

    await pia.page.setViewportSize(PHONE);
    const overflow = await pia.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, 'the console scrolls sideways at phone width by ' + overflow + ' px');
    for (const id of ['token', 'push-key', 'push-topic', 'push-data', 'room', 'chat-text', 'topic']) {
      const box = await pia.page.locator('#' + id).boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, id + ' is cut off at phone width: ' + JSON.stringify(box));
    }
    await checkedScreenshots(pia.page, 'console-390x844');
  }));
