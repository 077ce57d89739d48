#!/usr/bin/env node
// `npm test`: lint (eslint, prettier --check), type-check, build (process-level suites start the built service), run
// every jest suite in band, then print the plain closing line `N passed, N failed` that CI reads; each linter counts
// as one test there. Extra arguments go to jest (`node test/run.mjs test/foundation` runs those suites only, without
// the linters; add `--lint` to lint as well).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { stdio: 'inherit', ...opts }).status ?? 1;
const runAsync = (cmd, args) =>
  new Promise((resolve) => {
    let out = '';
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });

const args = process.argv.slice(2).filter((a) => a !== '--lint');
const lint = args.length === 0 || process.argv.includes('--lint');
let passed = 0;
let failed = 0;

if (lint) {
  const linters = [
    ['eslint', ['npx', ['eslint', '.']]],
    ['prettier --check', ['npx', ['prettier', '--check', '.']]],
  ];
  const results = await Promise.all(linters.map(([, [cmd, a]]) => runAsync(cmd, a)));
  results.forEach(({ code, out }, i) => {
    if (code === 0) {
      passed++;
      console.log(`lint: ${linters[i][0]} ok`);
    } else {
      failed++;
      console.log(`lint: ${linters[i][0]} FAILED\n${out}`);
    }
  });
}

const finish = (jestStatus) => {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(jestStatus === 0 && failed === 0 ? 0 : 1);
};

if (run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']) !== 0) {
  failed++;
  finish(1);
}
if (run(process.execPath, ['scripts/build-if-stale.mjs']) !== 0) {
  failed++;
  finish(1);
}
// the web client (type-checked with its own tsconfig, built by Vite into dist/web), which the API serves at /
if (run('npm', ['run', 'build:web', '--silent']) !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
mkdirSync('.test-tmp', { recursive: true });
const out = '.test-tmp/jest-results.json';
const status = run(process.execPath, [
  '--experimental-vm-modules',
  '--no-warnings',
  'node_modules/jest/bin/jest.js',
  '--runInBand',
  '--forceExit',
  '--json',
  `--outputFile=${out}`,
  ...args,
]);
try {
  const r = JSON.parse(readFileSync(out, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
  if (status !== 0 && r.numFailedTests + r.numRuntimeErrorTestSuites === 0) failed++;
} catch {
  failed++;
}
finish(status);
