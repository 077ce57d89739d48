#!/usr/bin/env node
// `npm start` and `npm run cli` run `npm run build` only when a source changed since the last build: the newest
// modification time under apps/ (the web client too) and libs/ (files and folders, so a deleted file counts) and of the build configuration is compared
// with dist/.build-stamp. An up-to-date build costs a folder walk (milliseconds), not a TypeScript run (seconds).
// `npm run build` ends with `build-if-stale.mjs --stamp`, so a start right after a build does not build again.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = join(root, 'dist', '.build-stamp');
const CONFIG = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

function newest(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  let time = stat.mtimeMs;
  if (stat.isDirectory()) {
    for (const entry of readdirSync(path)) time = Math.max(time, newest(join(path, entry)));
  }
  return time;
}

if (process.argv.includes('--stamp')) {
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  process.exit(0);
}

const sources = Math.max(...['apps', 'libs', ...CONFIG].map((p) => newest(join(root, p))));
const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
if (built > sources && existsSync(join(root, 'dist', 'apps', 'api', 'src', 'main.js'))) process.exit(0);

process.stderr.write('building (sources changed since the last build)\n');
const started = Date.now();
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const { status } = spawnSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
if (status !== 0) process.exit(status ?? 1);
writeFileSync(STAMP, `${new Date().toISOString()}\n`);
process.stderr.write(`built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
