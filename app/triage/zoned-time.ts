/**
 * Wall-clock time in an IANA time zone, with nothing but `Intl` (the runtime's own zone data): what
 * the digest needs to know whether its local time has come and where "yesterday" begins and ends.
 */

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The local date and time of `epochMs` in `timeZone`. */
export function zonedParts(epochMs: number, timeZone: string): ZonedParts {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(epochMs)).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

/** `2024-05-01`. */
export function localDayString(parts: Pick<ZonedParts, 'year' | 'month' | 'day'>): string {
  return `${String(parts.year).padStart(4, '0')}-${String(parts.month).padStart(2, '0')}-${String(parts.day).padStart(2, '0')}`;
}

/**
 * The epoch milliseconds at which the local day `year-month-day` begins in `timeZone` (midnight, or
 * the first minute after it on a day whose clocks skip midnight).
 */
export function zonedMidnight(year: number, month: number, day: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day);
  // The zone's offset at a moment: its wall clock read as UTC, minus the moment.
  const offsetAt = (epochMs: number) => {
    const p = zonedParts(epochMs, timeZone);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - Math.floor(epochMs / 60_000) * 60_000;
  };
  let guess = wall - offsetAt(wall);
  // Once more with the offset at the guess: right across a change of offset between the two.
  guess = wall - offsetAt(guess);
  // Where the clocks skip midnight, that instant still belongs to the day before: the day begins
  // at the change of offset (always on a quarter hour).
  const wanted = localDayString({ year, month, day });
  for (let step = 0; step < 16 && localDayString(zonedParts(guess, timeZone)) < wanted; step++) guess += 15 * 60_000;
  return guess;
}

/** The local day before `parts`' day, as numbers. */
export function previousDay(parts: Pick<ZonedParts, 'year' | 'month' | 'day'>): { year: number; month: number; day: number } {
  const date = new Date(Date.UTC(parts.year, parts.month - 1, parts.day) - 86_400_000);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}
