import { boardCsv, boardView, csvCell, shownStatus } from './follow-up.views.js';
import type { FollowUpRow } from './follow-up.types.js';

const row = (
  id: string,
  dueAt: string,
  assignments: Array<[string, 'pending' | 'acknowledged' | 'done']>,
): FollowUpRow =>
  ({
    id,
    network: 'consular-protection',
    title: `Item ${id}`,
    dueAt: new Date(dueAt),
    caseId: null,
    workPlanActivityId: null,
    assignments: assignments.map(([country, status]) => ({
      country,
      status,
      respondedAt: null,
      respondedBy: null,
      note: null,
    })),
  }) as unknown as FollowUpRow;

describe('the board', () => {
  const now = new Date('2026-05-01T00:00:00Z');
  const rows = [
    row('a', '2026-04-01T00:00:00Z', [
      ['GT', 'pending'],
      ['MX', 'done'],
      ['HN', 'acknowledged'],
    ]),
    row('b', '2026-06-01T00:00:00Z', [
      ['GT', 'acknowledged'],
      ['MX', 'pending'],
    ]),
  ];

  it('derives overdue for what is not done after dueAt', () => {
    expect(shownStatus({ status: 'acknowledged' }, new Date('2026-04-30T23:59:59Z'), now)).toBe('overdue');
    expect(shownStatus({ status: 'done' }, new Date('2026-04-30T23:59:59Z'), now)).toBe('done');
    expect(shownStatus({ status: 'pending' }, now, now)).toBe('pending');
  });

  it('counts each assignment once in the summary', () => {
    expect(boardView(rows, now).summary).toEqual({ pending: 1, acknowledged: 1, done: 1, overdue: 2 });
  });

  it('filters by country and by overdue, dropping items left empty', () => {
    const gt = boardView(rows, now, { country: 'GT' });
    expect(gt.followUps.map((f) => f.assignments.map((a) => `${f.id}:${a.country}:${a.status}`))).toEqual([
      ['a:GT:overdue'],
      ['b:GT:acknowledged'],
    ]);
    const overdue = boardView(rows, now, { overdue: true });
    expect(overdue.followUps.map((f) => f.id)).toEqual(['a']);
    expect(overdue.summary).toEqual({ pending: 0, acknowledged: 0, done: 0, overdue: 2 });
    expect(boardView(rows, now, { overdue: true, country: 'MX' }).followUps).toEqual([]);
  });

  it('writes RFC 4180 CSV and defuses spreadsheet formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a, b')).toBe('"a, b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=SUM(A1:A9)')).toBe("'=SUM(A1:A9)");
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell(null)).toBe('');
    const csv = boardCsv(boardView(rows, now));
    expect(csv.split('\r\n')).toEqual([
      'followUpId,title,dueAt,country,status,respondedAt,note',
      'a,Item a,2026-04-01T00:00:00.000Z,GT,overdue,,',
      'a,Item a,2026-04-01T00:00:00.000Z,MX,done,,',
      'a,Item a,2026-04-01T00:00:00.000Z,HN,overdue,,',
      'b,Item b,2026-06-01T00:00:00.000Z,GT,acknowledged,,',
      'b,Item b,2026-06-01T00:00:00.000Z,MX,pending,,',
      '',
    ]);
  });
});
