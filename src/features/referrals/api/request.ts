// Reading what a partner system sends to the referrals API: the JSON body of a new referral, the
// Idempotency-Key header, and the polling query. Every field is checked with the same rules as
// the web forms (src/domain/person-fields.ts); each problem is named by a JSON pointer to the
// field (/person/dateOfBirth) with a plain message saying what to send instead. Unknown fields
// are refused rather than ignored, so a misspelt field is never silently lost. Pure: no I/O.
import {
  parseDateParts, parseEmail, parseFullPostcode, parseName, parseNhsNumberField, parsePhone, parseText, type FieldResult,
} from '../../../domain/person-fields.ts';
import { CONTACT_METHODS, type ContactPreferences } from '../../../domain/contact-preferences.ts';
import type { FieldError } from '../../../platform/errors.ts';

/** The limits the API checks and its description states: one source for both. */
export const LIMITS = {
  name: 100,
  reason: 5000,
  times: 200,
  notes: 500,
  gpPracticeName: 200,
  referrerName: 100,
  referrerRole: 100,
  idempotencyKey: 200,
  pageSize: 50,
  maxPageSize: 100,
  /** bytes of JSON in one request: a referral with every text field full is under 10 KB */
  body: 32 * 1024,
} as const;

/** The fields of each object in the request, in the order the API description lists them. */
export const FIELDS = {
  referral: ['person', 'contactPreferences', 'consent', 'reason', 'needs', 'urgency', 'crisis', 'referrer'],
  person: ['givenName', 'familyName', 'dateOfBirth', 'nhsNumber', 'postcode', 'phone', 'email', 'gpPracticeName', 'gpPracticeOdsCode'],
  contactPreferences: [...CONTACT_METHODS, 'times', 'notes'],
  consent: ['personAgrees', 'gpShare'],
  referrer: ['name', 'role', 'email', 'phone'],
} as const;

export const URGENCIES = ['urgent', 'routine'] as const;
export type RequestedUrgency = (typeof URGENCIES)[number];

/** A GP practice's Organisation Data Service code, like G82001. */
export const ODS_CODE = /^[A-Za-z0-9]{3,10}$/;

/** A referral as the API received it, checked and normalised; the GP practice is resolved later. */
export interface ApiReferralRequest {
  person: {
    givenName: string;
    familyName: string;
    dateOfBirth: string;
    nhsNumber: string | null;
    postcode: string | null;
    district: string | null;
    phone: string | null;
    email: string | null;
    gpPracticeName: string | null;
    gpPracticeOdsCode: string | null;
  };
  /** null when the referrer did not ask the person how to contact them */
  contactPreferences: ContactPreferences | null;
  consentGpShare: boolean | null;
  reason: string;
  needs: string[];
  urgency: RequestedUrgency;
  crisis: boolean;
  referrer: { name: string; role: string | null; email: string | null; phone: string | null };
}

export type ReadResult<T> = { ok: true; value: T } | { ok: false; problems: FieldError[] };

/** One segment of a JSON pointer (RFC 6901): ~ and / are escaped. */
export function pointerSegment(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects problems while the body is read, each at its JSON pointer. */
class Reader {
  readonly problems: FieldError[] = [];

  add(pointer: string, message: string): void {
    this.problems.push({ field: pointer, message });
  }

  /**
   * The object at `pointer`, or null when it is absent (undefined or null) or not an object (a
   * problem). Properties not in `allowed` are each refused at their own pointer.
   */
  object(value: unknown, pointer: string, allowed: readonly string[], what: string): JsonObject | null {
    if (value === undefined || value === null) return null;
    if (!isObject(value)) {
      this.add(pointer, `${what} must be a JSON object, like {${allowed.slice(0, 2).map((f) => `"${f}": …`).join(', ')}}`);
      return null;
    }
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        this.add(`${pointer}/${pointerSegment(key)}`, `Remove ${JSON.stringify(key)}: ${what} has no such field. Its fields are ${allowed.join(', ')}`);
      }
    }
    return value;
  }

  /** A string property: undefined when absent or null; a problem (and undefined) when not a string. */
  text(object: JsonObject | null, key: string, pointer: string): string | undefined {
    const value = object?.[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') {
      this.add(`${pointer}/${key}`, `${key} must be a string (text in double quotes)`);
      return undefined;
    }
    return value;
  }

  flag(object: JsonObject | null, key: string, pointer: string): boolean | undefined {
    const value = object?.[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') {
      this.add(`${pointer}/${key}`, `${key} must be true or false (without quotes)`);
      return undefined;
    }
    return value;
  }

  /** Runs a shared field check on a string property; the problem goes to the property's pointer. */
  check<T>(object: JsonObject | null, key: string, pointer: string, parse: (input: string) => FieldResult<T>): T | undefined {
    if (!object) return undefined;
    const raw = this.text(object, key, pointer);
    if (raw === undefined && object[key] !== undefined && object[key] !== null) return undefined; // wrong type, already said
    const result = parse(raw ?? '');
    if (!result.ok) {
      this.add(`${pointer}/${key}`, result.message);
      return undefined;
    }
    return result.value;
  }
}

const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDateOfBirth(input: string, today: string): FieldResult<string | null> {
  const label = 'the person’s date of birth';
  if (!input.trim()) return { ok: false, message: `Enter ${label}` };
  const match = DATE_SHAPE.exec(input.trim());
  if (!match) return { ok: false, message: 'Enter the person’s date of birth as YYYY-MM-DD, like 1990-04-12' };
  return parseDateParts({ year: match[1]!, month: match[2]!, day: match[3]! }, { label, today, past: true, required: true });
}

function parseOdsCode(input: string): FieldResult<string | null> {
  const value = input.trim();
  if (!value) return { ok: true, value: null };
  if (!ODS_CODE.test(value)) return { ok: false, message: 'Enter the GP practice’s ODS code, like G82001: 3 to 10 letters and numbers' };
  return { ok: true, value: value.toUpperCase() };
}

function parseOptionalText(label: string, max: number) {
  return (input: string): FieldResult<string | null> => {
    const result = parseText(input, { label, max });
    return result.ok ? { ok: true, value: result.value || null } : result;
  };
}

/**
 * Reads the body of POST /api/v1/referrals. `today` is the UK date ('YYYY-MM-DD', for "date of
 * birth must be in the past"); `needs` the need ids the tenant's taxonomy knows.
 */
export function readReferralRequest(body: unknown, options: { today: string; needs: ReadonlySet<string> }): ReadResult<ApiReferralRequest> {
  const r = new Reader();
  if (!isObject(body)) {
    r.add('', 'Send the referral as a JSON object, like {"person": {…}, "consent": {…}, "reason": "…", "referrer": {…}}');
    return { ok: false, problems: r.problems };
  }
  const root = r.object(body, '', FIELDS.referral, 'The referral')!;

  // The person
  const personValue = root.person;
  const person = r.object(personValue, '/person', FIELDS.person, 'person');
  if (personValue === undefined || personValue === null) r.add('/person', 'Add person: who the referral is for, with at least their name, date of birth and a phone number or email address');
  // Without a person object there is nothing more to say about its fields.
  const p = person;
  const givenName = r.check(p, 'givenName', '/person', (v) => parseName(v, 'the person’s given name'));
  const familyName = r.check(p, 'familyName', '/person', (v) => parseName(v, 'the person’s family name'));
  const dateOfBirth = r.check(p, 'dateOfBirth', '/person', (v) => parseDateOfBirth(v, options.today));
  const nhsNumber = r.check(p, 'nhsNumber', '/person', parseNhsNumberField);
  const postcode = r.check(p, 'postcode', '/person', parseFullPostcode);
  const phone = r.check(p, 'phone', '/person', parsePhone);
  const email = r.check(p, 'email', '/person', parseEmail);
  const gpPracticeName = r.check(p, 'gpPracticeName', '/person', parseOptionalText('the GP practice’s name', LIMITS.gpPracticeName));
  const gpPracticeOdsCode = r.check(p, 'gpPracticeOdsCode', '/person', parseOdsCode);
  const phoneGiven = phone !== undefined ? phone !== null : p?.phone !== undefined && p.phone !== null;
  const emailGiven = email !== undefined ? email !== null : p?.email !== undefined && p.email !== null;
  if (person && !phoneGiven && !emailGiven) {
    r.add('/person/phone', 'Enter the person’s phone number or email address, so the service can contact them');
  }

  // How it is safe to contact them
  const prefsValue = root.contactPreferences;
  const prefsObject = r.object(prefsValue, '/contactPreferences', FIELDS.contactPreferences, 'contactPreferences');
  let contactPreferences: ContactPreferences | null = null;
  if (prefsObject) {
    const methods = Object.fromEntries(CONTACT_METHODS.map((m) => [m, r.flag(prefsObject, m, '/contactPreferences') ?? false])) as Record<(typeof CONTACT_METHODS)[number], boolean>;
    const times = r.check(prefsObject, 'times', '/contactPreferences', (v) => parseText(v, { label: 'the best times to contact the person', max: LIMITS.times }));
    const notes = r.check(prefsObject, 'notes', '/contactPreferences', (v) => parseText(v, { label: 'the notes about contacting the person', max: LIMITS.notes }));
    contactPreferences = { ...methods, times: times ?? '', notes: notes ?? '' };
    // A method the person allows must be one the service can use, or the answer is misleading.
    if (person && phone !== undefined && !phone) {
      for (const method of ['call', 'voicemail', 'text'] as const) {
        if (methods[method]) r.add(`/contactPreferences/${method}`, `The person’s phone number is missing: add person.phone, or set ${method} to false`);
      }
    }
    if (person && email !== undefined && !email && methods.email) {
      r.add('/contactPreferences/email', 'The person’s email address is missing: add person.email, or set email to false');
    }
    if (methods.voicemail && !methods.call) {
      r.add('/contactPreferences/voicemail', 'A voicemail is left after a phone call: set call to true as well, or set voicemail to false');
    }
  }

  // Consent
  const consentValue = root.consent;
  const consent = r.object(consentValue, '/consent', FIELDS.consent, 'consent');
  if (consentValue === undefined || consentValue === null) {
    r.add('/consent', 'Add consent, with personAgrees set to true once the person has agreed to this referral');
  }
  const personAgrees = r.flag(consent, 'personAgrees', '/consent');
  if (consent && (consent.personAgrees === undefined || consent.personAgrees === null)) {
    r.add('/consent/personAgrees', 'Confirm the person agrees to this referral: set personAgrees to true');
  } else if (personAgrees === false) {
    r.add('/consent/personAgrees', 'Refer someone only when they agree to it. Ask them first, then send the referral with personAgrees set to true');
  }
  const gpShare = r.flag(consent, 'gpShare', '/consent');

  // Why, and how soon
  const reason = r.check(root, 'reason', '', (v) => parseText(v, { label: 'the reason for the referral', max: LIMITS.reason, required: true }));

  const needs: string[] = [];
  const needsValue = root.needs;
  if (needsValue !== undefined && needsValue !== null) {
    if (!Array.isArray(needsValue)) {
      r.add('/needs', 'needs must be an array of need ids, like ["lantern-needs:anxiety"]');
    } else {
      needsValue.forEach((need, i) => {
        if (typeof need !== 'string') r.add(`/needs/${i}`, 'Each need must be a need id in double quotes, like "lantern-needs:anxiety"');
        else if (!options.needs.has(need)) {
          r.add(`/needs/${i}`, `Unknown need ${JSON.stringify(need.slice(0, 60))}. Use an id from the list in the API description (GET /api/v1/openapi.json), like "lantern-needs:anxiety"`);
        } else if (!needs.includes(need)) needs.push(need);
      });
    }
  }

  const urgencyValue = root.urgency;
  let urgency: RequestedUrgency = 'routine';
  if (urgencyValue !== undefined && urgencyValue !== null) {
    if (typeof urgencyValue === 'string' && (URGENCIES as readonly string[]).includes(urgencyValue)) urgency = urgencyValue as RequestedUrgency;
    else r.add('/urgency', 'urgency must be "urgent" or "routine". If the person is in danger now, set crisis to true as well');
  }
  const crisis = r.flag(root, 'crisis', '') ?? false;

  // Who is referring
  const referrerValue = root.referrer;
  const referrer = r.object(referrerValue, '/referrer', FIELDS.referrer, 'referrer');
  if (referrerValue === undefined || referrerValue === null) {
    r.add('/referrer', 'Add referrer: your name, and an email address or phone number so the service can ask about the referral');
  }
  const referrerName = r.check(referrer, 'name', '/referrer', (v) => parseText(v, { label: 'the referrer’s name', max: LIMITS.referrerName, required: true }));
  const referrerRole = r.check(referrer, 'role', '/referrer', parseOptionalText('the referrer’s role', LIMITS.referrerRole));
  const referrerEmail = r.check(referrer, 'email', '/referrer', parseEmail);
  const referrerPhone = r.check(referrer, 'phone', '/referrer', parsePhone);
  const referrerEmailGiven = referrerEmail !== undefined ? referrerEmail !== null : referrer?.email !== undefined && referrer.email !== null;
  const referrerPhoneGiven = referrerPhone !== undefined ? referrerPhone !== null : referrer?.phone !== undefined && referrer.phone !== null;
  if (referrer && !referrerEmailGiven && !referrerPhoneGiven) {
    r.add('/referrer/email', 'Enter the referrer’s email address or phone number, so the service can ask about the referral');
  }

  if (r.problems.length) return { ok: false, problems: r.problems };
  const postcodeValue = postcode ?? null;
  return {
    ok: true,
    value: {
      person: {
        givenName: givenName!,
        familyName: familyName!,
        dateOfBirth: dateOfBirth!,
        nhsNumber: nhsNumber ?? null,
        postcode: postcodeValue?.postcode ?? null,
        district: postcodeValue?.district ?? null,
        phone: phone ?? null,
        email: email ?? null,
        gpPracticeName: gpPracticeName ?? null,
        gpPracticeOdsCode: gpPracticeOdsCode ?? null,
      },
      contactPreferences,
      consentGpShare: gpShare ?? null,
      reason: reason!,
      needs,
      urgency,
      crisis,
      referrer: { name: referrerName!, role: referrerRole ?? null, email: referrerEmail ?? null, phone: referrerPhone ?? null },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Headers and queries

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** The Idempotency-Key header: 1 to 200 printable ASCII characters (a UUID is ideal). */
export function readIdempotencyKey(header: string | string[] | undefined): FieldResult<string> {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') {
    return {
      ok: false,
      message: 'Send an Idempotency-Key header with a new value for each new referral (a UUID is ideal), and the same value when you send the same referral again',
    };
  }
  if (value.length > LIMITS.idempotencyKey || !/^[\x20-\x7e]+$/.test(value)) {
    return { ok: false, message: `The Idempotency-Key header must be 1 to ${LIMITS.idempotencyKey} printable characters (letters, numbers, punctuation), like a UUID` };
  }
  return { ok: true, value };
}

/** Where a page of the polling list ends: the last referral's change time (to the microsecond) and id. */
export interface ListPosition {
  /** 'YYYY-MM-DDTHH:MM:SS.ffffffZ' */
  at: string;
  id: string;
}

const POSITION_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The opaque cursor a client sends back to continue from a position. */
export function encodeCursor(position: ListPosition): string {
  return Buffer.from(`${position.at}/${position.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): ListPosition | null {
  if (!/^[A-Za-z0-9_-]{1,120}$/.test(cursor)) return null;
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('/');
  if (rest.length || !at || !id || !POSITION_AT.test(at) || !UUID.test(id) || Number.isNaN(Date.parse(at))) return null;
  return { at, id };
}

/** An instant with its time zone: 2026-03-01T09:00:00Z or 2026-03-01T10:00:00.123+01:00. */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:\d{2})$/i;

export function parseInstant(text: string): Date | null {
  const match = INSTANT.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match;
  const date = new Date(text.toUpperCase());
  if (Number.isNaN(date.getTime())) return null;
  // Date.parse rolls 30 February into March; a real date must read back as written.
  const month = Number(mo);
  const day = Number(d);
  const daysInMonth = new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) return null;
  return date;
}

export interface ListQuery {
  updatedSince: Date | null;
  limit: number;
  after: ListPosition | null;
}

const LIST_PARAMETERS = ['updatedSince', 'limit', 'cursor'];

/** The query of GET /api/v1/referrals. Problems are named by the parameter. */
export function readListQuery(query: Record<string, unknown>): ReadResult<ListQuery> {
  const problems: FieldError[] = [];
  for (const key of Object.keys(query)) {
    if (!LIST_PARAMETERS.includes(key)) problems.push({ field: key, message: `Remove the query parameter ${JSON.stringify(key)}: the parameters are ${LIST_PARAMETERS.join(', ')}` });
  }
  const single = (key: string): string | undefined => {
    const value = query[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      problems.push({ field: key, message: `Send ${key} once` });
      return undefined;
    }
    return value;
  };
  let updatedSince: Date | null = null;
  const since = single('updatedSince');
  if (since !== undefined) {
    updatedSince = parseInstant(since.trim());
    if (!updatedSince) problems.push({ field: 'updatedSince', message: 'Give updatedSince as a date and time with a time zone, like 2026-03-01T09:00:00Z' });
  }
  let limit: number = LIMITS.pageSize;
  const limitText = single('limit');
  if (limitText !== undefined) {
    limit = /^\d{1,3}$/.test(limitText.trim()) ? Number(limitText.trim()) : Number.NaN;
    if (!(limit >= 1 && limit <= LIMITS.maxPageSize)) problems.push({ field: 'limit', message: `Give limit as a whole number from 1 to ${LIMITS.maxPageSize}` });
  }
  let after: ListPosition | null = null;
  const cursor = single('cursor');
  if (cursor !== undefined) {
    after = decodeCursor(cursor.trim());
    if (!after) problems.push({ field: 'cursor', message: 'This cursor is not one Lantern gave. Use nextCursor or links.next from the page before, or start again without a cursor' });
  }
  return problems.length ? { ok: false, problems } : { ok: true, value: { updatedSince, limit, after } };
}
