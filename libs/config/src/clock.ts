/** The one source of "now": injected everywhere so tests can move time (PPT handover, reminders, digests). */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** Real time moved by an offset that tests set or advance; time keeps flowing, so timers and queues still work. */
export class ManualClock extends Clock {
  private offsetMs = 0;
  constructor(start?: Date) {
    super();
    if (start) this.set(start);
  }
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  set(date: Date): void {
    this.offsetMs = date.getTime() - Date.now();
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
