/** Time is injected so tests can move it; all stored timestamps are UTC ISO-8601 strings. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const isoNow = (clock: Clock): string => clock.now().toISOString();

/** A clock tests can set and advance. */
export function manualClock(start = new Date('2026-01-01T00:00:00Z')) {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    set: (d: Date) => { current = d.getTime(); },
    advance: (ms: number) => { current += ms; },
  };
}
