#!/usr/bin/env node
// Makes a fresh clone runnable: installs dependencies when they are missing or
// stale, then compiles TypeScript to dist/ unless dist/ is already built from
// the current sources, so the CLIs start without a transpiler. Uses only Node
// built-ins because it runs before node_modules exists.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const marker = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');
if (!existsSync(marker) || mtime(lock) > mtime(marker)) {
  console.error('taskyard: installing dependencies (npm ci)…');
  execFileSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}

// Written after a successful compile. Every `npm start` runs this script, and
// a compile takes tens of seconds on a small machine: skip it when nothing it
// reads (sources, tsconfigs, installed packages) changed since.
const stamp = join(root, 'dist', '.build-stamp');
const inputs = Math.max(newestMtime(join(root, 'src')), mtime(join(root, 'tsconfig.json')), mtime(join(root, 'tsconfig.build.json')), mtime(marker));
if (mtime(stamp) > inputs) {
  console.error('taskyard: dist/ is up to date');
} else {
  console.error('taskyard: compiling TypeScript…');
  const startedAt = Date.now();
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  // Stamped with the compile's start: a source saved while tsc ran is newer and compiles next time.
  writeFileSync(stamp, `${new Date(startedAt).toISOString()}\n`);
  utimesSync(stamp, startedAt / 1000, startedAt / 1000);
  console.error(`taskyard: compiled in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
}
