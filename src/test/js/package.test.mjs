// The npm package pushhub-client (clients/js) as a user gets it: packed with `npm pack` (which builds it from
// src/main/webapp/pushhub.js and pushhub.d.ts), unpacked into target/js-package/node_modules, then loaded with
// require(), import and as the script-tag global, and its types checked by tsc for each of those (src/test/types).
// Run by JsClientTest during `mvn test`; by hand: node --test src/test/js/package.test.mjs (after npm ci).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, installPackage } from './install-package.mjs';

const PKG_SRC = join(ROOT, 'clients', 'js');
const PROJECT = join(ROOT, 'target', 'js-package'); // under the repo: typescript and ws resolve from its node_modules
const INSTALLED = join(PROJECT, 'node_modules', 'pushhub-client');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

let packed; // npm pack --json's report of the tarball

/** Runs node with code in PROJECT, as a user's app would; returns stdout (fails with stderr). */
function node(args, code) {
  const r = spawnSync(process.execPath, [...args, '-e', code], { cwd: PROJECT, encoding: 'utf8' });
  assert.equal(r.status, 0, 'node ' + args.join(' ') + ' failed:\n' + r.stderr);
  return r.stdout.trim();
}

/** tsc -p with the given compiler options over files in dir; resolves {status, output}. */
function tsc(name, compilerOptions, files, dir = PROJECT) {
  const config = join(dir, 'tsconfig.' + name + '.json');
  writeFileSync(config, JSON.stringify({
    compilerOptions: Object.assign({ strict: true, noEmit: true, target: 'es2022', lib: ['es2022', 'dom'], types: [],
      skipLibCheck: false }, compilerOptions),
    files,
  }));
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [TSC, '-p', config, '--pretty', 'false'], { cwd: dir });
    let output = '';
    p.stdout.on('data', (d) => { output += d; });
    p.stderr.on('data', (d) => { output += d; });
    p.on('close', (status) => resolve({ status, output: output.trim() }));
  });
}

// tsc takes seconds per run on a busy machine: all runs start at once (in before) and each test awaits its own.
const NODENEXT = { module: 'nodenext', moduleResolution: 'nodenext' };
const runs = {};

async function assertTypesCheck(name) {
  const r = await runs[name];
  assert.equal(r.output, '', 'tsc (' + name + ') reports errors');
  assert.equal(r.status, 0);
}

/** The same files against a copy of the package whose pushhub.d.ts lacks PushHubError.code. */
function brokenCopy() {
  const broken = mkdtempSync(join(PROJECT, 'broken-'));
  cpSync(join(PROJECT, 'node_modules'), join(broken, 'node_modules'), { recursive: true });
  for (const f of ['esm.mts', 'cjs.cts', 'package.json']) cpSync(join(PROJECT, f), join(broken, f));
  const file = join(broken, 'node_modules', 'pushhub-client', 'dist', 'pushhub.d.ts');
  const text = readFileSync(file, 'utf8');
  const without = text.replace(/^\s*readonly code: .*$/m, '');
  assert.notEqual(without, text, 'the mutation applies');
  writeFileSync(file, without);
  return broken;
}

before(() => {
  packed = installPackage(PROJECT);
  cpSync(join(ROOT, 'src', 'test', 'types'), PROJECT, { recursive: true });
  cpSync(join(ROOT, 'src', 'main', 'webapp', 'pushhub.d.ts'), join(PROJECT, 'pushhub.d.ts')); // as served at /pushhub.d.ts
  runs.nodenext = tsc('nodenext', NODENEXT, ['esm.mts', 'cjs.cts']);
  // global.ts and served.ts are a page's scripts (no import/export): they share the page's global scope.
  runs.bundler = tsc('bundler', { module: 'esnext', moduleResolution: 'bundler' }, ['esm.mts', 'global.ts', 'served.ts']);
  runs.node10 = tsc('node10', { module: 'commonjs', moduleResolution: 'node10' }, ['cjs.cts']);
  const broken = brokenCopy();
  runs.broken = tsc('nodenext', NODENEXT, ['esm.mts', 'cjs.cts'], broken)
    .finally(() => rmSync(broken, { recursive: true, force: true }));
});

test('the tarball holds the built client, its types and licence, and every path of the exports map', () => {
  const files = packed.files.map((f) => f.path).sort();
  assert.deepEqual(files, ['LICENSE', 'README.md', 'dist/pushhub.d.mts', 'dist/pushhub.d.ts', 'dist/pushhub.js',
    'dist/pushhub.mjs', 'package.json']);
  assert.equal(packed.name, 'pushhub-client');
  const pkg = JSON.parse(readFileSync(join(INSTALLED, 'package.json'), 'utf8'));
  const targets = [];
  const walk = (v) => (typeof v === 'string' ? targets.push(v.slice(2)) : Object.values(v).forEach(walk));
  walk(pkg.exports);
  assert.ok(targets.length >= 6, 'targets of the exports map: ' + targets);
  for (const t of [...targets, pkg.main.slice(2), pkg.types.slice(2), pkg.module.slice(2), pkg.unpkg.slice(2)]) {
    assert.ok(existsSync(join(INSTALLED, t)), 'package.json points at ' + t + ', which is not in the tarball');
  }
  // One source of truth: the package's script is byte for byte what the hub serves at /pushhub.js.
  assert.equal(readFileSync(join(INSTALLED, 'dist/pushhub.js'), 'utf8'),
    readFileSync(join(ROOT, 'src/main/webapp/pushhub.js'), 'utf8'));
  assert.equal(readFileSync(join(INSTALLED, 'dist/pushhub.d.ts'), 'utf8'),
    readFileSync(join(ROOT, 'src/main/webapp/pushhub.d.ts'), 'utf8'));
});

test('require() and import give the same client; the ESM build has named exports', () => {
  const cjs = JSON.parse(node([], "const P = require('pushhub-client'); console.log(JSON.stringify({ keys: Object.keys(P).sort(), "
    + "version: P.version, same: require('pushhub-client/pushhub.js') === P }))"));
  const esm = JSON.parse(node(['--input-type=module'], "import P, * as all from 'pushhub-client'; "
    + 'console.log(JSON.stringify({ keys: Object.keys(P).sort(), named: Object.keys(all).filter((k) => k !== "default").sort(), '
    + 'version: P.version, connectIsNamed: all.connect === P.connect }))'));
  assert.deepEqual(cjs.keys, ['Client', 'PushHubError', 'backoff', 'connect', 'version']);
  assert.equal(cjs.same, true);
  assert.deepEqual(esm.keys, cjs.keys);
  assert.deepEqual(esm.named, cjs.keys);
  assert.equal(esm.connectIsNamed, true);
  assert.equal(esm.version, JSON.parse(readFileSync(join(PKG_SRC, 'package.json'), 'utf8')).version);
});

test('in Node without a WebSocket implementation connect() throws no_transport at once, from either entry', () => {
  const code = "delete globalThis.WebSocket; try { P.connect({ url: 'http://127.0.0.1:9/' }); console.log('no error') } "
    + 'catch (e) { console.log(e.name + " " + e.code + " " + (e instanceof P.PushHubError)) }';
  assert.equal(node([], "const P = require('pushhub-client'); " + code), 'PushHubError no_transport true');
  assert.equal(node(['--input-type=module'], "import P from 'pushhub-client'; " + code), 'PushHubError no_transport true');
});

test('tsc checks the types of an ESM user (import) and a CommonJS user (require) under node16/nodenext', async () => {
  await assertTypesCheck('nodenext');
});

test('tsc checks the script-tag global PushHub (from the package and from the hub\'s /pushhub.d.ts) and a bundler user', async () => {
  await assertTypesCheck('bundler');
});

test('tsc checks the types of an older CommonJS setup (node10 resolution)', async () => {
  await assertTypesCheck('node10');
});

test('the type checks catch a wrong .d.ts: without PushHubError.code the same files fail', async () => {
  const r = await runs.broken;
  assert.notEqual(r.status, 0, 'tsc must fail:\n' + r.output);
  assert.match(r.output, /esm\.mts.*Property 'code' does not exist on type 'PushHubError'/);
  assert.match(r.output, /cjs\.cts.*Property 'code' does not exist on type 'PushHubError'/);
});
