import * as mod from '@jest/test-sequencer';

const Sequencer = mod.default.default || mod.default;

/** Jest's order, except that suites named `*.last-spec.ts` (the log scan) run after everything else. */
export default class LastSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const list = Array.isArray(sorted) ? sorted : [...tests];
    const isLast = (t) => t.path.endsWith('.last-spec.ts');
    return [...list.filter((t) => !isLast(t)), ...list.filter(isLast)];
  }
}
