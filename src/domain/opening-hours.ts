// Weekly opening hours: is a service open at a given moment, is it open all the time. Hours are
// local to the UK (Europe/London), so "9am" means 9am whether it is GMT or BST.

export const WEEK_DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type WeekDay = (typeof WEEK_DAYS)[number];

export interface DayHours {
  day: WeekDay;
  /** 'HH:MM' (24-hour) */
  opens: string;
  /** 'HH:MM'; '24:00' is the end of the day; at or before `opens` means it runs past midnight */
  closes: string;
}

const MINUTES_A_DAY = 24 * 60;
const MINUTES_A_WEEK = 7 * MINUTES_A_DAY;

/** Minutes since midnight for 'HH:MM' (or 'HH:MM:SS'), or null when it is not a time. */
export function parseTime(text: string): number | null {
  const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes > 0)) return null;
  return hours * 60 + minutes;
}

/** The intervals of the week (minutes from Monday 00:00) that these hours cover. */
export function weekIntervals(hours: readonly DayHours[]): [number, number][] {
  const intervals: [number, number][] = [];
  for (const h of hours) {
    const opens = parseTime(h.opens);
    const closes = parseTime(h.closes);
    const dayIndex = WEEK_DAYS.indexOf(h.day);
    if (opens === null || closes === null || dayIndex < 0) continue;
    const start = dayIndex * MINUTES_A_DAY + opens;
    // Closing at or before opening runs into the next day (a 24-hour day is 00:00 to 00:00 too).
    const length = closes > opens ? closes - opens : MINUTES_A_DAY - opens + closes;
    const end = start + length;
    if (end <= MINUTES_A_WEEK) intervals.push([start, end]);
    else intervals.push([start, MINUTES_A_WEEK], [0, end - MINUTES_A_WEEK]);
  }
  return intervals.sort((a, b) => a[0] - b[0]);
}

/** True when the hours cover every minute of the week. */
export function isAlwaysOpen(hours: readonly DayHours[]): boolean {
  let reached = 0;
  for (const [start, end] of weekIntervals(hours)) {
    if (start > reached) return false;
    reached = Math.max(reached, end);
  }
  return reached >= MINUTES_A_WEEK;
}

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});
const WEEKDAY_CODES: Record<string, WeekDay> = { Mon: 'MO', Tue: 'TU', Wed: 'WE', Thu: 'TH', Fri: 'FR', Sat: 'SA', Sun: 'SU' };

/** The UK day and minute of the day at this moment. */
export function ukDayAndMinute(at: Date): { day: WeekDay; minute: number } {
  const parts = Object.fromEntries(LONDON.formatToParts(at).map((p) => [p.type, p.value]));
  return { day: WEEKDAY_CODES[parts.weekday!]!, minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

/** Is a service with these hours open at this moment (UK time)? */
export function isOpenAt(hours: readonly DayHours[], at: Date): boolean {
  const { day, minute } = ukDayAndMinute(at);
  const t = WEEK_DAYS.indexOf(day) * MINUTES_A_DAY + minute;
  return weekIntervals(hours).some(([start, end]) => t >= start && t < end);
}

const DAY_NAMES: Record<WeekDay, string> = {
  MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday', SU: 'Sunday',
};

/** '9am', '5:30pm', 'midnight', 'midday'. */
export function formatTime(minutes: number): string {
  const m = ((minutes % MINUTES_A_DAY) + MINUTES_A_DAY) % MINUTES_A_DAY;
  if (m === 0) return 'midnight';
  if (m === 12 * 60) return 'midday';
  const hours = Math.floor(m / 60);
  const mins = m % 60;
  const h12 = hours % 12 === 0 ? 12 : hours % 12;
  return `${h12}${mins ? `:${String(mins).padStart(2, '0')}` : ''}${hours < 12 ? 'am' : 'pm'}`;
}

/** One day's opening times in words, e.g. "9am to 5pm, and 6pm to 8pm", or "Closed". */
function dayText(hours: readonly DayHours[], day: WeekDay): string {
  const spans = hours
    .filter((h) => h.day === day)
    .map((h) => ({ opens: parseTime(h.opens), closes: parseTime(h.closes) }))
    .filter((h): h is { opens: number; closes: number } => h.opens !== null && h.closes !== null)
    .sort((a, b) => a.opens - b.opens);
  if (spans.length === 0) return 'Closed';
  return spans
    .map(({ opens, closes }) => {
      if (closes === opens || (opens === 0 && closes === MINUTES_A_DAY)) return 'Open all day';
      const overnight = closes < opens ? ' (the next day)' : '';
      return `${formatTime(opens)} to ${formatTime(closes)}${overnight}`;
    })
    .join(', and ');
}

export interface HoursLine {
  days: string;
  times: string;
}

/**
 * The week's opening times in plain English, with days that have the same times grouped:
 * [{ days: 'Monday to Friday', times: '9am to 5pm' }, { days: 'Saturday and Sunday', times: 'Closed' }].
 */
export function describeHours(hours: readonly DayHours[]): HoursLine[] {
  if (isAlwaysOpen(hours)) return [{ days: 'Every day', times: 'Open 24 hours' }];
  const texts = WEEK_DAYS.map((day) => dayText(hours, day));
  const lines: HoursLine[] = [];
  let start = 0;
  for (let i = 1; i <= WEEK_DAYS.length; i++) {
    if (i < WEEK_DAYS.length && texts[i] === texts[start]) continue;
    const first = DAY_NAMES[WEEK_DAYS[start]!];
    const last = DAY_NAMES[WEEK_DAYS[i - 1]!];
    const days = i - 1 === start ? first : i - 1 === start + 1 ? `${first} and ${last}` : `${first} to ${last}`;
    lines.push({ days: start === 0 && i === WEEK_DAYS.length ? 'Every day' : days, times: texts[start]! });
    start = i;
  }
  return lines;
}

/**
 * "Open now until 5pm", "Open now, 24 hours", "Closed now. Opens at 9am tomorrow", or null when
 * the service has no opening hours.
 */
export function openNowText(hours: readonly DayHours[], at: Date): string | null {
  const intervals = weekIntervals(hours);
  if (intervals.length === 0) return null;
  if (isAlwaysOpen(hours)) return 'Open now, 24 hours';
  const { day, minute } = ukDayAndMinute(at);
  const now = WEEK_DAYS.indexOf(day) * MINUTES_A_DAY + minute;
  // Look across the end of the week by also considering every interval a week later.
  const all = [...intervals, ...intervals.map(([s, e]): [number, number] => [s + MINUTES_A_WEEK, e + MINUTES_A_WEEK])];
  const current = all.filter(([s, e]) => now >= s && now < e);
  if (current.length > 0) {
    // Follow touching intervals (a night that runs past midnight into the next day's hours).
    let end = Math.max(...current.map(([, e]) => e));
    for (let grew = true; grew; ) {
      grew = false;
      for (const [s, e] of all) if (s <= end && e > end) { end = e; grew = true; }
    }
    if (end - now >= MINUTES_A_WEEK) return 'Open now, 24 hours';
    const dayOffset = Math.floor(end / MINUTES_A_DAY) - Math.floor(now / MINUTES_A_DAY);
    return `Open now until ${formatTime(end)}${whenText(dayOffset, end)}`;
  }
  const next = all.filter(([s]) => s > now).sort((a, b) => a[0] - b[0])[0]!;
  const dayOffset = Math.floor(next[0] / MINUTES_A_DAY) - Math.floor(now / MINUTES_A_DAY);
  return `Closed now. Opens at ${formatTime(next[0])}${whenText(dayOffset, next[0])}`;
}

function whenText(dayOffset: number, weekMinute: number): string {
  if (dayOffset === 0) return weekMinute % MINUTES_A_DAY === 0 ? '' : ' today';
  if (dayOffset === 1) return weekMinute % MINUTES_A_DAY === 0 ? ' tonight' : ' tomorrow';
  return ` on ${DAY_NAMES[WEEK_DAYS[Math.floor(weekMinute / MINUTES_A_DAY) % 7]!]}`;
}
