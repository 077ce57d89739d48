import { parseRetention, type RetentionConfig } from '#config';
import { retainsEverything, retentionCutoffs } from './retention-cutoffs.js';

const parsed = (env: Record<string, string>) => parseRetention(env) as RetentionConfig;

describe('retention periods', () => {
  it('keeps everything by default', () => {
    const config = parsed({});
    expect(retainsEverything(config)).toBe(true);
    expect(retentionCutoffs(config, new Date('2030-01-01T00:00:00Z'))).toEqual({
      messages: {},
      cases: {},
      audit: undefined,
    });
  });

  it('takes one period for both networks, or one per network; cut-offs are calendar years back', () => {
    const now = new Date('2030-03-01T12:00:00Z');
    const both = retentionCutoffs(parsed({ RETENTION_MESSAGES: 'P2Y', RETENTION_AUDIT: 'P7Y' }), now);
    expect(both.messages).toEqual({
      'smuggling-trafficking': new Date('2028-03-01T12:00:00Z'),
      'consular-protection': new Date('2028-03-01T12:00:00Z'),
    });
    expect(both.audit).toEqual(new Date('2023-03-01T12:00:00Z'));
    const one = retentionCutoffs(parsed({ RETENTION_CASES: 'consular-protection:P18M' }), now);
    expect(one.cases).toEqual({ 'consular-protection': new Date('2028-09-01T12:00:00Z') });
    expect(one.messages).toEqual({});
  });

  it.each([
    [{ RETENTION_MESSAGES: '2 years' }, /^RETENTION_MESSAGES must be an ISO 8601 duration/],
    [{ RETENTION_MESSAGES: 'PT1H' }, /^RETENTION_MESSAGES must be .* at least one day/],
    [{ RETENTION_CASES: 'nowhere:P1Y' }, /^RETENTION_CASES must be/],
    [{ RETENTION_CASES: 'consular-protection:P1Y,consular-protection:P2Y' }, /^RETENTION_CASES must be/],
    [{ RETENTION_AUDIT: 'forever' }, /^RETENTION_AUDIT must be an ISO 8601 duration/],
    [{ RETENTION_MESSAGES: 'P3Y', RETENTION_AUDIT: 'P2Y' }, /^RETENTION_AUDIT must be at least as long/],
  ])('refuses %j with a line naming the variable', (env, message) => {
    expect(parseRetention(env)).toMatch(message);
  });
});
