// Installs the npm package pushhub-client the way a user gets it: `npm pack` in clients/js (its prepack builds dist/
// from src/main/webapp), then the tarball unpacked as node_modules/pushhub-client of a project directory. Shared by
// package.test.mjs and the docs examples test (src/test/browser/docs-examples.test.mjs).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const PKG_SRC = join(ROOT, 'clients', 'js');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * Makes project (a fresh directory, best under ROOT/target so the root node_modules' ws and typescript resolve too)
 * with pushhub-client installed from a freshly packed tarball; returns npm pack's report (name, files, ...).
 */
export function installPackage(project) {
  rmSync(project, { recursive: true, force: true });
  const into = join(project, 'node_modules', 'pushhub-client');
  mkdirSync(into, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'a-user-of-pushhub-client', private: true }));
  const out = mkdtempSync(join(tmpdir(), 'pushhub-pack-'));
  try {
    const json = execFileSync(NPM, ['pack', '--json', '--pack-destination', out], { cwd: PKG_SRC, encoding: 'utf8' });
    const report = JSON.parse(json.slice(json.indexOf('[')))[0];
    execFileSync('tar', ['-xzf', join(out, report.filename), '-C', into, '--strip-components=1']);
    return report;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
