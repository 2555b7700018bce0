/**
 * When the stack's EventBridge Scheduler expression fires next, so `serve` polls on the same
 * schedule: `rate(N minutes|hours|days)`, or `cron(minutes hours day-of-month month day-of-week
 * year)` read in an IANA time zone. Fields take `*`, `?`, numbers, lists, ranges and `/` steps;
 * day-of-week is 1–7 (SUN–SAT) or names. `L`, `W` and `#` are not supported and say so.
 */
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

function field(text: string, min: number, max: number, names: string[] = [], nameBase = min): Set<number> | null {
  if (text === '*' || text === '?') return null;
  if (/[LW#]/.test(text.replace(/[A-Z]{3}/g, ''))) throw new Error(`schedule field "${text}": L, W and # are not supported locally`);
  const value = (token: string) => {
    const index = names.indexOf(token.toUpperCase());
    const n = index >= 0 ? index + nameBase : Number(token);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`schedule field "${text}": ${token} is out of ${min}-${max}`);
    return n;
  };
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText ? Number(stepText) : 1;
    const [from, to] =
      range === '*' ? [min, max] : range.includes('-') ? range.split('-').map(value) : [value(range), stepText ? max : value(range)];
    for (let n = from; n <= to; n += step) values.add(n);
  }
  return values;
}

interface Parts {
  minute: number;
  hour: number;
  day: number;
  month: number;
  weekday: number;
  year: number;
}

function partsIn(date: Date, timeZone: string): Parts {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    weekday: 'short',
  });
  const parts = Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
  return {
    minute: Number(parts.minute),
    hour: Number(parts.hour),
    day: Number(parts.day),
    month: Number(parts.month),
    weekday: DAY_NAMES.indexOf(parts.weekday.toUpperCase()) + 1,
    year: Number(parts.year),
  };
}

/** The first time strictly after `after` that the expression fires. */
export function nextRun(expression: string, timeZone: string, after: Date): Date {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const unit = { minute: 60_000, hour: 3_600_000, day: 86_400_000 }[rate[2].replace(/s$/, '') as 'minute' | 'hour' | 'day'];
    return new Date(after.getTime() + Number(rate[1]) * unit);
  }
  const cron = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(expression);
  if (!cron) throw new Error(`schedule "${expression}": expected cron(...) or rate(N unit)`);
  const [minutes, hours, days, months, weekdays, years] = [
    field(cron[1], 0, 59),
    field(cron[2], 0, 23),
    field(cron[3], 1, 31),
    field(cron[4], 1, 12, MONTH_NAMES, 1),
    field(cron[5], 1, 7, DAY_NAMES, 1),
    field(cron[6], 1970, 2199),
  ];
  const matches = (p: Parts) =>
    (!minutes || minutes.has(p.minute)) &&
    (!hours || hours.has(p.hour)) &&
    (!days || days.has(p.day)) &&
    (!months || months.has(p.month)) &&
    (!weekdays || weekdays.has(p.weekday)) &&
    (!years || years.has(p.year));
  // Minute by minute for up to a year and a day: simple, and cheap next to a poll.
  const start = Math.floor(after.getTime() / 60_000) * 60_000 + 60_000;
  for (let t = start; t < start + 366 * 86_400_000; t += 60_000) {
    if (matches(partsIn(new Date(t), timeZone))) return new Date(t);
  }
  throw new Error(`schedule "${expression}" does not fire within a year`);
}
