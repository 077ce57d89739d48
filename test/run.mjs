#!/usr/bin/env node
// `npm test`: type-check, build (process-level suites start the built service), run every jest suite in band,
// then print the plain closing line `N passed, N failed` that CI reads. Extra arguments go to jest.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { stdio: 'inherit', ...opts }).status ?? 1;

if (run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']) !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
if (run('npx', ['tsc', '-p', 'tsconfig.build.json']) !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
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
  ...process.argv.slice(2),
]);
let passed = 0;
let failed = 0;
try {
  const r = JSON.parse(readFileSync(out, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
} catch {
  failed = 1;
}
if (status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(status === 0 && failed === 0 ? 0 : 1);
