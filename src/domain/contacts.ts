// Contacts with a person during their support: how they happened, the brief advice given under
// Making Every Contact Count (MECC, a public health target counted per quarter), the time of day
// a worker types. Pure: no I/O.
import { calendarDateParts } from './calendar-date.ts';

export const CONTACT_KINDS = ['face_to_face', 'phone', 'video', 'text', 'group', 'email'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

export const CONTACT_KIND_NAMES: Record<ContactKind, string> = {
  face_to_face: 'Face to face',
  phone: 'Phone call',
  video: 'Video call',
  text: 'Text messages',
  group: 'Group session',
  email: 'Email',
};

/** The five topics of MECC brief advice, in the order Kent reports them. */
export const MECC_TOPICS = ['physical_activity', 'alcohol', 'smoking', 'healthy_eating', 'sexual_health'] as const;
export type MeccTopic = (typeof MECC_TOPICS)[number];

export const MECC_TOPIC_NAMES: Record<MeccTopic, string> = {
  physical_activity: 'Physical activity',
  alcohol: 'Alcohol',
  smoking: 'Smoking',
  healthy_eating: 'Healthy eating',
  sexual_health: 'Sexual health',
};

export const DURATION_MIN_MINUTES = 1;
export const DURATION_MAX_MINUTES = 600;

export type TimeResult = { ok: true; minutes: number } | { ok: false; message: string };

/**
 * A time of day as minutes after midnight, from the 24-hour clock ("14:30", "9:05", "09.05") or
 * with am or pm ("2:30pm", "2pm", "12am" is midnight).
 */
export function parseTimeOfDay(input: string): TimeResult {
  const text = String(input ?? '').trim().toLowerCase().replace(/\s+/g, '');
  if (!text) return { ok: false, message: 'Enter the time, like 14:30' };
  const twelve = /^(\d{1,2})(?:[:.](\d{2}))?(am|pm)$/.exec(text);
  if (twelve) {
    const hour = Number(twelve[1]);
    const minute = Number(twelve[2] ?? '0');
    if (hour < 1 || hour > 12 || minute > 59) return { ok: false, message: 'Time must be a real time, like 09:30 or 14:30' };
    return { ok: true, minutes: ((hour % 12) + (twelve[3] === 'pm' ? 12 : 0)) * 60 + minute };
  }
  const day = /^(\d{1,2})[:.](\d{2})$/.exec(text);
  if (day) {
    const hour = Number(day[1]);
    const minute = Number(day[2]);
    if (hour > 23 || minute > 59) return { ok: false, message: 'Time must be a real time, like 09:30 or 14:30' };
    return { ok: true, minutes: hour * 60 + minute };
  }
  return { ok: false, message: 'Enter the time on the 24-hour clock, like 14:30' };
}

/** "14:05" for 845 minutes after midnight. */
export function formatTimeOfDay(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

const LONDON_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

/** The UK wall-clock time at an instant, read as if it were UTC (so subtracting gives the offset). */
function londonWallMs(ms: number): number {
  const parts = Object.fromEntries(LONDON_PARTS.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const wall = new Date(0);
  wall.setUTCFullYear(Number(parts.year), Number(parts.month) - 1, Number(parts.day));
  wall.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), 0);
  return wall.getTime();
}

/**
 * The instant a UK date and time of day name. In the hour the clocks go back the earlier
 * (summer time) instant is given; in the hour they go forward, which never happens, the time is
 * read as GMT (01:30 on that day is 02:30 BST).
 */
export function londonInstant(date: string, minutesAfterMidnight: number): Date {
  const { year, month, day } = calendarDateParts(date);
  const wall = new Date(0);
  wall.setUTCFullYear(year, month - 1, day);
  const wallMs = wall.getTime() + minutesAfterMidnight * 60_000;
  // UK time is GMT or one hour ahead (BST). Summer time first, so the ambiguous hour in October
  // gives the earlier instant; otherwise GMT, which is also how the missing hour in March is read.
  const summer = wallMs - 3_600_000;
  return new Date(londonWallMs(summer) === wallMs ? summer : wallMs);
}

/** The UK time of day at an instant, as minutes after midnight. */
export function londonMinutes(instant: Date): number {
  const wall = londonWallMs(instant.getTime());
  return Math.floor((wall % 86_400_000) / 60_000);
}

