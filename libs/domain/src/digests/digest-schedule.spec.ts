import { coveredWindow, dueHours, dueSlot, isTimezone } from './digest-schedule.js';

describe('digest schedule', () => {
  it('finds each subscriber at 08:00 in their own zone, across the Madrid change to summer time', () => {
    // 2027-03-28: Europe/Madrid moves from UTC+1 to UTC+2; America/Mexico_City stays at UTC-6.
    const madridWinter = new Date('2027-03-27T07:00:00Z');
    const madridSummer = new Date('2027-03-28T06:00:00Z');
    const mexico = new Date('2027-03-28T14:00:00Z');
    expect(dueSlot(madridWinter, 'Europe/Madrid', 8, 'daily')).toEqual({
      due: true,
      period: 'daily/2027-03-27',
    });
    expect(dueSlot(madridSummer, 'Europe/Madrid', 8, 'daily')).toEqual({
      due: true,
      period: 'daily/2027-03-28',
    });
    expect(dueSlot(new Date('2027-03-28T07:00:00Z'), 'Europe/Madrid', 8, 'daily').due).toBe(false);
    expect(dueSlot(madridSummer, 'America/Mexico_City', 8, 'daily').due).toBe(false);
    expect(dueSlot(mexico, 'America/Mexico_City', 8, 'daily')).toEqual({
      due: true,
      period: 'daily/2027-03-28',
    });
  });

  it('sends weekly digests on Mondays, keyed by ISO week', () => {
    const monday = new Date('2027-03-29T06:00:00Z'); // 08:00 in Madrid, Monday
    expect(dueSlot(monday, 'Europe/Madrid', 8, 'weekly')).toEqual({ due: true, period: 'weekly/2027-W13' });
    expect(dueSlot(new Date('2027-03-28T06:00:00Z'), 'Europe/Madrid', 8, 'weekly').due).toBe(false);
  });

  it('serves an hour skipped by the spring-forward at the next hour, once', () => {
    // 2027-03-28 02:00 does not exist in Madrid: clocks go from 02:00 to 03:00 (01:00 UTC)
    const three = new Date('2027-03-28T01:00:00Z');
    expect(dueSlot(three, 'Europe/Madrid', 2, 'daily').due).toBe(true);
    expect(dueSlot(three, 'Europe/Madrid', 3, 'daily').due).toBe(true);
    expect(dueHours(three, ['Europe/Madrid'], 'daily')).toEqual([
      { zone: 'Europe/Madrid', hours: [2, 3], period: 'daily/2027-03-28' },
    ]);
  });

  it('ignores unknown zones and covers 24 hours or 7 days', () => {
    expect(isTimezone('Mars/Olympus')).toBe(false);
    expect(isTimezone('America/Guatemala')).toBe(true);
    expect(dueHours(new Date(), ['Mars/Olympus'], 'daily')).toEqual([]);
    const at = new Date('2027-01-08T00:00:00Z');
    expect(coveredWindow('daily', at).from.toISOString()).toBe('2027-01-07T00:00:00.000Z');
    expect(coveredWindow('weekly', at).from.toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
});
