// Every example of docs/js-client.md (the code block after an `<!-- example: NAME -->` marker), cut out of the doc as it
// is and run against the real hub: the copy-paste page in Chromium, the Node example with ws, the Node error. Only the
// placeholder host https://push.example.com/ (and http://localhost:9080/) is replaced by the hub under test.
// Run by DocsExamplesIT during `mvn verify`; by hand (after npm ci):
//   PUSHHUB_URL=http://127.0.0.1:9080 PUSHHUB_KEY=... PUSHHUB_JWT=... PUSHHUB_JWT_USER=... node --test src/test/browser/docs-examples.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { BASE, TIMEOUT, browserUser, push, screenshot } from './harness.mjs';
import { ROOT, installPackage } from '../js/install-package.mjs';

const DOC = readFileSync(join(ROOT, 'docs', 'js-client.md'), 'utf8');
const JWT = process.env.PUSHHUB_JWT || '';
const JWT_USER = process.env.PUSHHUB_JWT_USER || '';
const TESTED = ['script-tag', 'errors', 'node', 'node-no-websocket'];

/** The code block right after `<!-- example: name ... -->` in docs/js-client.md, exactly as the reader sees it. */
function example(name) {
  const m = DOC.match(new RegExp('<!-- example: ' + name + '[ (][^>]*-->\\n```\\w+\\n([\\s\\S]*?)\\n```'));
  assert.ok(m, 'docs/js-client.md has no example ' + name);
  return m[1];
}

/** Waits until one of lines (growing) matches re; returns the match. */
async function line(lines, re, what, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const hit = lines.find((l) => re.test(l));
    if (hit) return hit.match(re);
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + what + ' (' + re + '); got:\n' + lines.join('\n'));
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('docs: every example of js-client.md is run by this file', () => {
  const marked = [...DOC.matchAll(/<!-- example: ([\w-]+)/g)].map((m) => m[1]);
  assert.deepEqual(marked.sort(), [...TESTED].sort());
});

test('docs: the copy-paste page connects, publishes at once, receives, and its error handlers print codes', async () => {
  assert.ok(JWT && JWT_USER, 'PUSHHUB_JWT and PUSHHUB_JWT_USER are set');
  const page = example('script-tag').replaceAll('https://push.example.com/', BASE + '/');
  const errors = example('errors');
  const html = '<!doctype html><html><head><meta charset="utf-8"><title>example</title></head><body>\n' + page
    + '\n<script>\n' + errors + '\n</script>\n</body></html>';
  // The app: its own server (another origin than the hub, as in the example) with the page and a token endpoint.
  const app = createServer((req, res) => {
    const [type, body] = req.url === '/my/jwt' ? ['text/plain', JWT] : ['text/html; charset=utf-8', html];
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' }).end(body);
  });
  await new Promise((resolve) => app.listen(0, '127.0.0.1', resolve));
  const user = await browserUser('docs');
  try {
    const lines = user.consoleLines;
    await user.page.goto('http://127.0.0.1:' + app.address().port + '/');
    try {
      await user.page.waitForFunction(() => document.title === 'connected via websocket', null, { timeout: TIMEOUT });
    } catch (e) {
      throw new Error('title is "' + (await user.page.title()) + '"; console:\n' + lines.join('\n'));
    }
    // The publish issued before any connection existed went out once the room was subscribed.
    const sent = await line(lines, /^log: sent (m-\S+)$/, 'the publish ack');
    await line(lines, new RegExp('^log: ' + JWT_USER + ': hello$'), 'our own chat message');
    await line(lines, new RegExp('^log: ' + JWT_USER + ' join; now in the room: .*' + JWT_USER), 'our presence');
    const lobby = lines.filter((l) => /^log: lobby /.test(l));
    assert.deepEqual(lobby.slice(0, 2), ['log: lobby subscribing', 'log: lobby subscribed'], 'subscription states');
    // The error example: a refused subscription and a refused publish, each with its code.
    await line(lines, /^error: forbidden_topic: /, 'the refused subscription');
    await line(lines, /^error: read-only topic: .*news/, 'the refused publish, by its code and frame');
    const pushed = await push({ topic: 'news', data: { text: 'hi from the docs test' } });
    await line(lines, new RegExp('^log: news hi from the docs test ' + pushed.messageId + '$'), 'the pushed news');
    await push({ user: JWT_USER, data: 'just you' });
    await line(lines, /^log: for me: just you$/, 'the message pushed to the user');
    assert.deepEqual(lines.filter((l) => /^(pageerror|error: not sent)/.test(l)), [], 'no failure on the page');
    assert.ok(sent[1].startsWith('m-'));
    await screenshot(user.page, 'docs-copy-paste-example');
  } finally {
    await user.close();
    app.close();
  }
});

/** A user's project under target/ with the package installed from its tarball (ws resolves from the root). */
function project() {
  const dir = join(ROOT, 'target', 'docs-examples');
  installPackage(dir);
  return dir;
}

test('docs: the Node example connects with ws, gets a pong, and receives a push', async () => {
  const dir = project();
  const file = join(dir, 'example.mjs');
  writeFileSync(file, example('node').replaceAll('http://localhost:9080/', BASE + '/'));
  const child = spawn(process.execPath, [file], { cwd: dir });
  const lines = [];
  let buffer = '';
  const collect = (d) => {
    buffer += d;
    const parts = buffer.split('\n');
    buffer = parts.pop();
    lines.push(...parts);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  try {
    const m = await line(lines, /^connected as (anon-\S+) ; hub time (\d{4}-\d\d-\d\dT\S+Z)$/, 'the ping');
    assert.ok(Math.abs(Date.parse(m[2]) - Date.now()) < 60000, 'the hub\'s time: ' + m[2]);
    // The subscribe went out before the ping (queued in order), so a push now reaches it.
    await push({ topic: 'news', data: { text: 'hi node' } });
    await line(lines, /^news: hi node$/, 'the pushed news');
  } finally {
    child.kill();
  }
});

test('docs: Node without a WebSocket implementation fails at once with the documented error', () => {
  const dir = project();
  const block = example('node-no-websocket');
  const command = block.split('\n')[0];
  const expected = block.split('\n').find((l) => l.startsWith('PushHubError'));
  const code = command.match(/^\$ node -e "(.*)"$/)[1].replace('http://localhost:9080/', BASE + '/');
  const started = Date.now();
  // Node 22+ has a global WebSocket; take it away to be the Node 20 of the doc.
  const r = spawnSync(process.execPath, ['-e', 'delete globalThis.WebSocket; ' + code], { cwd: dir, encoding: 'utf8', timeout: 20000 });
  assert.notEqual(r.status, 0, 'exits with an error');
  assert.ok(Date.now() - started < 15000, 'at once, not after retries');
  assert.ok(r.stderr.split('\n').includes(expected), 'stderr has the documented line:\n' + expected + '\ngot:\n' + r.stderr);
});
