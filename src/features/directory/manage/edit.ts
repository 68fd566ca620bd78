// The part of a listing its provider edits, read from the edit form with plain-English messages,
// compared field by field for moderation, and applied back onto the whole listing.
import crypto from 'node:crypto';
import { parsePostcode } from '../../../domain/postcode.ts';
import { parseTime } from '../../../domain/opening-hours.ts';
import type { FieldError } from '../../../platform/errors.ts';
import {
  ACCESSIBILITY, ACCESSIBILITY_NAMES, CHANNEL_NAMES, CHANNELS, DAYS, FIVE_WAYS, FIVE_WAYS_NAMES,
  type Day, type Listing, type ListingHours, type ListingInput, type ListingLocation,
} from '../listing.ts';

export const EDIT_FIELDS = [
  'name', 'summary', 'description', 'eligibility', 'howToAccess', 'phone', 'textNumber', 'email', 'url',
  'selfReferral', 'free', 'costDescription', 'channels', 'minimumAge', 'maximumAge', 'languages',
  'accessibility', 'fiveWays', 'hours', 'locations',
] as const;

/** What provider staff may change. Everything else (terms, districts, crisis, published) stays as it is. */
export type ListingEdit = Pick<Listing, (typeof EDIT_FIELDS)[number]>;

export const DAY_NAMES: Record<Day, string> = {
  MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday', SU: 'Sunday',
};

/** The editable part of a listing (a copy). */
export function editOf(listing: ListingEdit): ListingEdit {
  const copy = JSON.parse(JSON.stringify(Object.fromEntries(EDIT_FIELDS.map((k) => [k, listing[k]])))) as ListingEdit;
  return copy;
}

/** The whole listing with an edit applied, ready for saveListing. */
export function applyEdit(listing: Listing, edit: ListingEdit): ListingInput {
  const { version: _version, updatedAt: _updatedAt, lastConfirmedAt: _lastConfirmedAt, ...rest } = listing;
  return { ...rest, ...editOf(edit) };
}

/** A new listing with nothing filled in, for a caller to complete and save. */
export function emptyListing(tenantId: string, id: string, organisation: { id: string; name: string } | null): ListingInput {
  return {
    id, tenantId, organisationId: organisation?.id ?? null, organisationName: organisation?.name ?? '', name: '', summary: '',
    description: '', eligibility: '', howToAccess: '', status: 'active', published: false, phone: null, textNumber: null,
    email: null, url: null, selfReferral: false, hubReferral: false, free: true, costDescription: '', channels: [],
    minimumAge: null, maximumAge: null, languages: [], accessibility: [], fiveWays: [], crisis: false, national: false,
    serviceDistricts: [], termIds: [], source: 'lantern', demo: false, locations: [], hours: [], extra: {},
  };
}

// ---------------------------------------------------------------------------------------------
// The form

export interface HoursFormDay {
  day: Day;
  name: string;
  opens: string;
  closes: string;
  /** other times that day, which the form keeps unless this day's times are changed */
  also: string;
}

/** The form's values as strings (and lists for checkboxes), for the template. */
export interface EditFormValues {
  name: string; summary: string; description: string; eligibility: string; howToAccess: string; phone: string;
  textNumber: string; email: string; url: string; selfReferral: string; free: string; costDescription: string;
  channels: string[]; minimumAge: string; maximumAge: string; languages: string; accessibility: string[];
  fiveWays: string[]; hours: HoursFormDay[]; locationName: string; address1: string; city: string; postcode: string;
}

/** What was posted: single fields as strings, checkbox groups as lists. */
export type EditForm = Record<string, string | string[] | undefined>;

const sessionsOf = (hours: readonly ListingHours[], day: Day) => hours.filter((h) => h.day === day);
const span = (h: { opens: string; closes: string }) => `${h.opens} to ${h.closes}`;

export function formValuesOf(edit: ListingEdit): EditFormValues {
  const location = edit.locations[0];
  return {
    name: edit.name, summary: edit.summary, description: edit.description, eligibility: edit.eligibility,
    howToAccess: edit.howToAccess, phone: edit.phone ?? '', textNumber: edit.textNumber ?? '', email: edit.email ?? '',
    url: edit.url ?? '', selfReferral: edit.selfReferral ? 'yes' : 'no', free: edit.free ? 'yes' : 'no',
    costDescription: edit.costDescription, channels: [...edit.channels],
    minimumAge: edit.minimumAge === null ? '' : String(edit.minimumAge),
    maximumAge: edit.maximumAge === null ? '' : String(edit.maximumAge),
    languages: edit.languages.join(', '), accessibility: [...edit.accessibility], fiveWays: [...edit.fiveWays],
    hours: DAYS.map((day) => {
      const [first, ...others] = sessionsOf(edit.hours, day);
      return { day, name: DAY_NAMES[day], opens: first?.opens ?? '', closes: first?.closes ?? '', also: others.map(span).join(', ') };
    }),
    locationName: location?.name ?? '', address1: location?.address1 ?? '', city: location?.city ?? '', postcode: location?.postcode ?? '',
  };
}

/** The posted form as values to show again (when there are problems). */
export function formValuesFromPost(form: EditForm, base: ListingEdit): EditFormValues {
  const text = (key: string) => (typeof form[key] === 'string' ? (form[key] as string) : '');
  const list = (key: string) => {
    const value = form[key];
    return Array.isArray(value) ? value : typeof value === 'string' && value ? [value] : [];
  };
  const baseValues = formValuesOf(base);
  return {
    name: text('name'), summary: text('summary'), description: text('description'), eligibility: text('eligibility'),
    howToAccess: text('howToAccess'), phone: text('phone'), textNumber: text('textNumber'), email: text('email'),
    url: text('url'), selfReferral: text('selfReferral'), free: text('free'), costDescription: text('costDescription'),
    channels: list('channels'), minimumAge: text('minimumAge'), maximumAge: text('maximumAge'), languages: text('languages'),
    accessibility: list('accessibility'), fiveWays: list('fiveWays'),
    hours: baseValues.hours.map((h) => ({ ...h, opens: text(`hours-${h.day}-opens`), closes: text(`hours-${h.day}-closes`) })),
    locationName: text('locationName'), address1: text('address1'), city: text('city'), postcode: text('postcode'),
  };
}

const PHONE = /^(?:(?:\+44|0)\d{9,10}|1\d{2}|116\d{3}|999)$/;
const TEXT_NUMBER = /^(?:(?:\+44|0)7\d{9}|\d{5,6})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** 'HH:MM' from "9", "9:30", "09.30", "9am", "5:30pm", "17:30"; '24:00' only where allowed; null when not a time. */
export function readTime(text: string, allowEndOfDay: boolean): string | null {
  const match = /^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$/i.exec(text.trim().replace(/\s+/g, ' '));
  if (!match) return null;
  let hours = Number(match[1]);
  const minutes = Number(match[2] ?? '0');
  const half = match[3]?.toLowerCase();
  if (half) {
    if (hours < 1 || hours > 12) return null;
    hours = (hours % 12) + (half === 'pm' ? 12 : 0);
  }
  const value = `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
  const parsed = parseTime(value);
  if (parsed === null) return null;
  if (parsed === 24 * 60 && !allowEndOfDay) return null;
  return value;
}

function isWebAddress(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.hostname.includes('.') && url.length <= 500;
  } catch {
    return false;
  }
}

function possessive(day: Day): string {
  return `${DAY_NAMES[day]}'s`;
}

/**
 * Reads the posted form over `base` (the listing or the change waiting for approval), with a
 * plain-English message for each problem. Parts of the listing the form does not show (a second
 * set of times on a day, other locations) are kept unless the visible part they belong to changed.
 */
export function readEditForm(form: EditForm, base: ListingEdit): { edit: ListingEdit; problems: FieldError[] } {
  const problems: FieldError[] = [];
  const problem = (field: string, message: string) => problems.push({ field, message });
  const text = (key: string) => (typeof form[key] === 'string' ? (form[key] as string).trim() : '');
  const list = (key: string) => {
    const value = form[key];
    return (Array.isArray(value) ? value : typeof value === 'string' && value ? [value] : []).filter((v): v is string => typeof v === 'string');
  };
  const longText = (key: string, label: string, max: number, required?: string): string => {
    const value = text(key).replace(/\r\n/g, '\n');
    if (!value && required) problem(key, required);
    else if (value.length > max) problem(key, `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`);
    return value;
  };

  const name = longText('name', 'The name', 150, 'Enter the name of the service');
  const summary = longText('summary', 'The summary', 300, 'Enter a short summary of what the service offers');
  const description = longText('description', 'The description', 5000);
  const eligibility = longText('eligibility', 'Who it is for', 2000);
  const howToAccess = longText('howToAccess', 'How to get it', 2000);

  const phone = text('phone');
  if (phone && !PHONE.test(phone.replace(/[\s()-]/g, ''))) problem('phone', 'Enter a UK phone number, like 01632 960 001, 0800 123 4567 or 116 123');
  const textNumber = text('textNumber');
  if (textNumber && !TEXT_NUMBER.test(textNumber.replace(/[\s()-]/g, ''))) {
    problem('textNumber', 'Enter a mobile number or a short code for text messages, like 07700 900 982 or 85258');
  }
  const email = text('email').toLowerCase();
  if (email && (!EMAIL.test(email) || email.length > 254)) problem('email', 'Enter an email address in the correct format, like name@example.com');
  let url = text('url');
  if (url) {
    if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) url = `https://${url}`;
    if (!isWebAddress(url)) problem('url', 'Enter a website address in the correct format, like https://www.example.org');
  }

  const yesNo = (key: string, message: string): boolean => {
    const value = text(key);
    if (value !== 'yes' && value !== 'no') problem(key, message);
    return value === 'yes';
  };
  const selfReferral = yesNo('selfReferral', 'Select yes if people can refer themselves');
  const free = yesNo('free', 'Select yes if the service is free');
  const costDescription = longText('costDescription', 'What it costs', 500, text('free') === 'no' ? 'Enter what it costs, like £5 a session' : undefined);

  const channels = [...new Set(list('channels'))];
  if (channels.length === 0) problem('channels', 'Select how people can use the service');
  else if (!channels.every((c) => (CHANNELS as readonly string[]).includes(c))) problem('channels', 'Select how people can use the service from the list');

  const age = (key: string, label: string): number | null => {
    const value = text(key);
    if (!value) return null;
    if (!/^\d{1,3}$/.test(value) || Number(value) > 130) {
      problem(key, `Enter the ${label} age as a whole number, like ${key === 'minimumAge' ? '18' : '65'}`);
      return null;
    }
    return Number(value);
  };
  const minimumAge = age('minimumAge', 'youngest');
  const maximumAge = age('maximumAge', 'oldest');
  if (minimumAge !== null && maximumAge !== null && maximumAge < minimumAge) {
    problem('maximumAge', 'The oldest age must be the same as or more than the youngest age');
  }

  const languages = [...new Set(text('languages').split(/[,;\n]/).map((l) => l.trim()).filter(Boolean))];
  if (languages.length > 20 || languages.some((l) => l.length > 50)) {
    problem('languages', 'Enter up to 20 languages separated by commas, like English, Polish, British Sign Language');
  }

  const accessibility = [...new Set(list('accessibility'))];
  if (!accessibility.every((a) => (ACCESSIBILITY as readonly string[]).includes(a))) problem('accessibility', 'Select accessibility from the list');
  const fiveWays = [...new Set(list('fiveWays'))];
  if (!fiveWays.every((w) => (FIVE_WAYS as readonly string[]).includes(w))) problem('fiveWays', 'Select the Five Ways to Wellbeing from the list');

  // Opening times, one pair a day.
  const hours: ListingHours[] = [];
  for (const day of DAYS) {
    const openText = text(`hours-${day}-opens`);
    const closeText = text(`hours-${day}-closes`);
    const existing = sessionsOf(base.hours, day);
    if (!openText && !closeText) continue; // closed that day
    const opens = openText ? readTime(openText, false) : null;
    const closes = closeText ? readTime(closeText, true) : null;
    if (!openText) {
      problem(`hours-${day}-opens`, `Enter the time it opens on ${DAY_NAMES[day]}, or leave both times empty if it is closed`);
      continue;
    }
    if (opens === null) {
      problem(`hours-${day}-opens`, `Enter ${possessive(day)} opening time on the 24-hour clock, like 09:00`);
      continue;
    }
    if (!closeText) {
      problem(`hours-${day}-closes`, `Enter the time it closes on ${DAY_NAMES[day]}, or leave both times empty if it is closed`);
      continue;
    }
    if (closes === null) {
      problem(`hours-${day}-closes`, `Enter ${possessive(day)} closing time on the 24-hour clock, like 17:30`);
      continue;
    }
    const allDay = opens === '00:00' && (closes === '00:00' || closes === '24:00');
    if (opens === closes && !allDay) {
      problem(`hours-${day}-closes`, `${possessive(day)} closing time must be different from its opening time. If it is open all day, enter 00:00 and 24:00`);
      continue;
    }
    const first = existing[0];
    const finalCloses = allDay ? '24:00' : closes;
    if (first && first.opens === opens && first.closes === finalCloses) {
      hours.push(...existing); // unchanged: keep the day as it was, with any other times
    } else {
      hours.push({ id: crypto.randomUUID(), day, opens, closes: finalCloses, locationId: first?.locationId ?? null, description: first?.description ?? '' });
    }
  }

  // The first location: its name, address and postcode.
  const locationName = longText('locationName', 'The name of the place', 150);
  const address1 = longText('address1', 'The address', 200);
  const city = longText('city', 'The town or city', 100);
  const postcodeText = text('postcode');
  let postcode: string | null = null;
  if (postcodeText) {
    const parsed = parsePostcode(postcodeText);
    if (!parsed.ok || parsed.kind !== 'full') problem('postcode', 'Enter the full postcode, like ME4 4QF');
    else postcode = parsed.postcode;
  } else if (address1 || city || locationName) {
    problem('postcode', 'Enter the postcode of the address, so people can find how far away it is');
  }
  const [firstLocation, ...otherLocations] = base.locations;
  const locations: ListingLocation[] = [...otherLocations];
  if (postcode || address1 || city || locationName) {
    const moved = !firstLocation || firstLocation.postcode !== postcode;
    locations.unshift({
      id: firstLocation?.id ?? crypto.randomUUID(),
      name: locationName,
      address1,
      city,
      postcode,
      // A new postcode: its district and position are worked out again when the listing is saved.
      district: moved ? null : firstLocation.district,
      latitude: moved ? null : firstLocation.latitude,
      longitude: moved ? null : firstLocation.longitude,
    });
  }

  const edit: ListingEdit = {
    name, summary, description, eligibility, howToAccess, phone: phone || null, textNumber: textNumber || null,
    email: email || null, url: url || null, selfReferral, free, costDescription,
    channels: CHANNELS.filter((c) => channels.includes(c)),
    minimumAge, maximumAge, languages,
    accessibility: ACCESSIBILITY.filter((a) => accessibility.includes(a)),
    fiveWays: FIVE_WAYS.filter((w) => fiveWays.includes(w)),
    hours, locations,
  };
  return { edit, problems };
}

// ---------------------------------------------------------------------------------------------
// Showing a listing, and what changed

const NOT_GIVEN = 'Not given';

function hoursText(sessions: readonly { opens: string; closes: string }[]): string {
  if (sessions.length === 0) return 'Closed';
  return sessions
    .map((s) => {
      if ((s.opens === '00:00' && s.closes === '24:00') || s.opens === s.closes) return 'Open all day';
      return `${s.opens} to ${s.closes}${s.closes < s.opens ? ' (the next day)' : ''}`;
    })
    .join(', ');
}

function agesText(min: number | null, max: number | null): string {
  if (min !== null && max !== null) return `${min} to ${max}`;
  if (min !== null) return `${min} and over`;
  if (max !== null) return `Up to ${max}`;
  return 'All ages';
}

function locationText(location: ListingLocation | undefined): string {
  if (!location) return NOT_GIVEN;
  return [location.name, location.address1, location.city, location.postcode].filter(Boolean).join('\n') || NOT_GIVEN;
}

/** A set's names in the order of the form, so the same choices in another order are no change. */
const names = <T extends string>(values: readonly T[], table: Record<T, string>) => {
  const inOrder = (Object.keys(table) as T[]).filter((v) => values.includes(v));
  return inOrder.length ? inOrder.map((v) => table[v]).join(', ') : 'None';
};

interface FieldView {
  key: string;
  label: string;
  text(edit: ListingEdit): string;
}

const FIELD_VIEWS: FieldView[] = [
  { key: 'name', label: 'Name', text: (e) => e.name || NOT_GIVEN },
  { key: 'summary', label: 'Summary', text: (e) => e.summary || NOT_GIVEN },
  { key: 'description', label: 'Description', text: (e) => e.description || NOT_GIVEN },
  { key: 'eligibility', label: 'Who it is for', text: (e) => e.eligibility || NOT_GIVEN },
  { key: 'howToAccess', label: 'How to get it', text: (e) => e.howToAccess || NOT_GIVEN },
  { key: 'phone', label: 'Phone', text: (e) => e.phone || NOT_GIVEN },
  { key: 'textNumber', label: 'Text message number', text: (e) => e.textNumber || NOT_GIVEN },
  { key: 'email', label: 'Email', text: (e) => e.email || NOT_GIVEN },
  { key: 'url', label: 'Website', text: (e) => e.url || NOT_GIVEN },
  { key: 'selfReferral', label: 'People can refer themselves', text: (e) => (e.selfReferral ? 'Yes' : 'No') },
  { key: 'free', label: 'Free', text: (e) => (e.free ? 'Yes' : 'No') },
  { key: 'costDescription', label: 'Cost', text: (e) => e.costDescription || NOT_GIVEN },
  { key: 'channels', label: 'How people can use it', text: (e) => names(e.channels, CHANNEL_NAMES) },
  { key: 'ages', label: 'Ages', text: (e) => agesText(e.minimumAge, e.maximumAge) },
  { key: 'languages', label: 'Languages', text: (e) => (e.languages.length ? e.languages.join(', ') : NOT_GIVEN) },
  { key: 'accessibility', label: 'Accessibility', text: (e) => names(e.accessibility, ACCESSIBILITY_NAMES) },
  { key: 'fiveWays', label: 'Five Ways to Wellbeing', text: (e) => names(e.fiveWays, FIVE_WAYS_NAMES) },
];

const HOURS_VIEWS: FieldView[] = DAYS.map((day) => ({
  key: `hours-${day}`,
  label: `Opening times on ${DAY_NAMES[day]}`,
  text: (e) => hoursText(sessionsOf(e.hours, day)),
}));

const LOCATION_VIEW: FieldView = { key: 'location', label: 'Address', text: (e) => locationText(e.locations[0]) };

export interface DetailRow {
  key: string;
  label: string;
  value: string;
}

/** The listing's editable details as rows for a summary list. */
export function detailRows(edit: ListingEdit): DetailRow[] {
  const rows = FIELD_VIEWS.map((f) => ({ key: f.key, label: f.label, value: f.text(edit) }));
  rows.push({ key: 'hours', label: 'Opening times', value: DAYS.map((d) => `${DAY_NAMES[d]}: ${hoursText(sessionsOf(edit.hours, d))}`).join('\n') });
  rows.push({ key: 'location', label: 'Address', value: locationText(edit.locations[0]) });
  if (edit.locations.length > 1) {
    rows.push({ key: 'otherLocations', label: 'Other places', value: edit.locations.slice(1).map((l) => locationText(l).replace(/\n/g, ', ')).join('\n') });
  }
  return rows;
}

export interface ChangeRow {
  key: string;
  label: string;
  before: string;
  after: string;
}

/** Only what changed, as "before" and "after" text, in the order of the form. */
export function compareEdits(before: ListingEdit, after: ListingEdit): ChangeRow[] {
  const rows: ChangeRow[] = [];
  for (const view of [...FIELD_VIEWS, ...HOURS_VIEWS, LOCATION_VIEW]) {
    const a = view.text(before);
    const b = view.text(after);
    if (a !== b) rows.push({ key: view.key, label: view.label, before: a, after: b });
  }
  return rows;
}

/** True when the two have the same details (ids and map positions aside). */
export function sameEdit(a: ListingEdit, b: ListingEdit): boolean {
  return compareEdits(a, b).length === 0 && JSON.stringify(a.locations.slice(1).map(locationText)) === JSON.stringify(b.locations.slice(1).map(locationText));
}
