/** jest in ESM mode (NestJS 12 ships ES modules): ts-jest transpiles, `tsc` type-checks in `npm run build`. */
const libs = ['config', 'database', 'domain', 'queue', 'realtime', 'mail', 'metrics'];

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  rootDir: '.',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  // `*.slow-spec.ts` (the long fault runs: 2 minutes of socket drops, Sentinel, Cluster) match none of these: they run
  // with `npm run test:faults`, not in `npm test`
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/*.last-spec.ts'],
  testSequencer: '<rootDir>/test/support/sequencer.js',
  moduleNameMapper: {
    ...Object.fromEntries(libs.map((l) => [`^#${l}$`, `<rootDir>/libs/${l}/src/index.ts`])),
    '^#database/embedded$': '<rootDir>/libs/database/src/embedded-postgres.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }],
  },
  testTimeout: 60_000,
  maxWorkers: 1,
};
