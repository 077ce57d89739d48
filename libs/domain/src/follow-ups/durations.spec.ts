import { applyOffset, escalationTime, parseSignedDuration, reminderKind } from './durations.js';

describe('signed ISO 8601 durations (reminder offsets, escalation periods)', () => {
  it.each([
    ['-P7D', true, 7 * 86_400_000],
    ['-PT2S', true, 2000],
    ['PT0S', false, 0],
    ['P1W', false, 7 * 86_400_000],
    ['PT1.5S', false, 1500],
    ['p1dt2h', false, 26 * 3_600_000],
    ['-P0D', false, 0],
  ])('parses %s', (text, negative, ms) => {
    const d = parseSignedDuration(text)!;
    expect(d).toBeDefined();
    expect(d.negative).toBe(negative);
    expect(d.duration.toMillis()).toBe(ms);
  });

  it.each(['', 'P', 'PT', '1 day', 'PT-1S', '--P1D', 'P1DT', 'PT1.2345S', 42, null, 'P'.padEnd(50, '1')])(
    'rejects %p',
    (text) => {
      expect(parseSignedDuration(text as any)).toBeUndefined();
    },
  );

  it('normalises the text: upper case, and a zero has no sign', () => {
    expect(parseSignedDuration('-pt2s')!.text).toBe('-PT2S');
    expect(parseSignedDuration('-PT0S')!.text).toBe('PT0S');
  });

  it('places a reminder relative to dueAt on the UTC calendar', () => {
    const due = new Date('2026-03-31T17:00:00Z');
    expect(applyOffset(due, parseSignedDuration('-P1D')!).toISOString()).toBe('2026-03-30T17:00:00.000Z');
    expect(applyOffset(due, parseSignedDuration('-PT2S')!).toISOString()).toBe('2026-03-31T16:59:58.000Z');
    expect(applyOffset(due, parseSignedDuration('P1M')!).toISOString()).toBe('2026-04-30T17:00:00.000Z');
  });

  it('names the kind of a reminder by its sign', () => {
    expect(reminderKind(parseSignedDuration('-P1D')!)).toBe('upcoming');
    expect(reminderKind(parseSignedDuration('PT0S')!)).toBe('due');
    expect(reminderKind(parseSignedDuration('P1D')!)).toBe('overdue');
  });

  it('times escalation n at dueAt + n × every', () => {
    const due = new Date('2026-01-01T00:00:00Z');
    expect(escalationTime(due, parseSignedDuration('P3D')!, 1).toISOString()).toBe(
      '2026-01-04T00:00:00.000Z',
    );
    expect(escalationTime(due, parseSignedDuration('PT1S')!, 3600).toISOString()).toBe(
      '2026-01-01T01:00:00.000Z',
    );
  });
});
