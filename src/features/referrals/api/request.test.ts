import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeCursor, encodeCursor, FIELDS, LIMITS, parseInstant, pointerSegment, readIdempotencyKey, readListQuery, readReferralRequest,
} from './request.ts';

const NEEDS = new Set(['lantern-needs:anxiety', 'lantern-needs:depression', 'lantern-needs:loneliness']);
const options = { today: '2026-03-02', needs: NEEDS };

type Json = Record<string, unknown>;
/** A referral body whose parts the tests change. */
interface Body extends Json {
  person: Json;
  consent: Json;
  referrer: Json;
  contactPreferences?: unknown;
}

function validBody(): Body {
  return {
    person: { givenName: 'Sam', familyName: 'Taylor', dateOfBirth: '1988-07-21', nhsNumber: '943 476 5919', postcode: 'me44qf', phone: '07700 900982', email: 'Sam@Example.com' },
    contactPreferences: { call: true, voicemail: true, text: false, email: true, letter: false, times: 'Mornings', notes: '' },
    consent: { personAgrees: true, gpShare: true },
    reason: '  Low mood for months.  ',
    needs: ['lantern-needs:anxiety', 'lantern-needs:anxiety', 'lantern-needs:loneliness'],
    urgency: 'urgent',
    crisis: false,
    referrer: { name: 'Dr Alex Morgan', role: 'GP', email: 'alex@example.org' },
  };
}

/** The problems for a body, as 'pointer: message'. */
function problems(body: unknown): string[] {
  const result = readReferralRequest(body, options);
  return result.ok ? [] : result.problems.map((p) => `${p.field}: ${p.message}`);
}

function withChange(change: (body: Body) => void): Body {
  const body = structuredClone(validBody());
  change(body);
  return body;
}

describe('reading a referral sent to the API', () => {
  test('a complete referral is read and normalised the way the web forms normalise it', () => {
    const result = readReferralRequest(validBody(), options);
    assert.ok(result.ok, JSON.stringify(result));
    const v = result.value;
    assert.equal(v.person.nhsNumber, '9434765919');
    assert.equal(v.person.postcode, 'ME4 4QF');
    assert.equal(v.person.district, 'ME4');
    assert.equal(v.person.email, 'sam@example.com');
    assert.equal(v.reason, 'Low mood for months.');
    assert.deepEqual(v.needs, ['lantern-needs:anxiety', 'lantern-needs:loneliness'], 'a need named twice is kept once');
    assert.equal(v.urgency, 'urgent');
    assert.equal(v.consentGpShare, true);
    assert.deepEqual(v.contactPreferences, { call: true, voicemail: true, text: false, email: true, letter: false, times: 'Mornings', notes: '' });
    assert.deepEqual(v.referrer, { name: 'Dr Alex Morgan', role: 'GP', email: 'alex@example.org', phone: null });
  });

  test('optional parts left out take safe defaults: routine, no crisis, preferences not asked, GP sharing not said', () => {
    const result = readReferralRequest(withChange((b) => {
      delete b.contactPreferences; delete b.urgency; delete b.crisis; delete b.needs; delete b.consent.gpShare;
      b.person = { givenName: 'Sam', familyName: 'Taylor', dateOfBirth: '1988-07-21', email: 'sam@example.com' };
    }), options);
    assert.ok(result.ok);
    assert.equal(result.value.urgency, 'routine');
    assert.equal(result.value.crisis, false);
    assert.equal(result.value.contactPreferences, null);
    assert.equal(result.value.consentGpShare, null);
    assert.deepEqual(result.value.needs, []);
    assert.equal(result.value.person.phone, null);
  });

  test('null counts as left out for optional fields', () => {
    const result = readReferralRequest(withChange((b) => {
      b.person.nhsNumber = null; b.person.postcode = null; b.contactPreferences = null; b.needs = null; b.urgency = null; b.referrer.role = null;
    }), options);
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.value.person.nhsNumber, null);
  });

  test('each problem is named by a JSON pointer with a message saying what to send', () => {
    assert.deepEqual(problems(withChange((b) => { b.person.dateOfBirth = '21/07/1988'; })), [
      '/person/dateOfBirth: Enter the person’s date of birth as YYYY-MM-DD, like 1990-04-12',
    ]);
    assert.deepEqual(problems(withChange((b) => { b.person.dateOfBirth = '2023-02-30'; })), ['/person/dateOfBirth: The person’s date of birth must be a real date']);
    assert.deepEqual(problems(withChange((b) => { b.person.dateOfBirth = '2026-03-02'; })), ['/person/dateOfBirth: The person’s date of birth must be in the past']);
    assert.deepEqual(problems(withChange((b) => { b.person.nhsNumber = '9434765918'; })), [
      '/person/nhsNumber: Enter a valid NHS number. Check it against a letter from the NHS or the NHS App',
    ]);
    assert.deepEqual(problems(withChange((b) => { b.person.postcode = 'ME4'; })), ['/person/postcode: Enter a full postcode, like ME4 4QF']);
    assert.deepEqual(problems(withChange((b) => { b.person.phone = '12345'; })), ['/person/phone: Enter a UK phone number, like 01632 960 001 or 07700 900 982']);
    assert.deepEqual(problems(withChange((b) => { b.person.givenName = '  '; })), ['/person/givenName: Enter the person’s given name']);
    assert.deepEqual(problems(withChange((b) => { b.person.familyName = 'T4ylor'; })), [
      '/person/familyName: The person’s family name must only include letters, spaces, hyphens and apostrophes',
    ]);
    assert.deepEqual(problems(withChange((b) => { b.reason = 'x'.repeat(LIMITS.reason + 1); })), ['/reason: Reason for the referral must be 5,000 characters or fewer']);
    assert.deepEqual(problems(withChange((b) => { b.person.gpPracticeOdsCode = 'G8-2001'; })), [
      '/person/gpPracticeOdsCode: Enter the GP practice’s ODS code, like G82001: 3 to 10 letters and numbers',
    ]);
  });

  test('unknown needs are refused by position, with where to find the known ones', () => {
    assert.deepEqual(problems(withChange((b) => { b.needs = ['lantern-needs:anxiety', 'sadness', 7]; })), [
      '/needs/1: Unknown need "sadness". Use an id from the list in the API description (GET /api/v1/openapi.json), like "lantern-needs:anxiety"',
      '/needs/2: Each need must be a need id in double quotes, like "lantern-needs:anxiety"',
    ]);
  });

  test('unknown properties are refused at their own pointer, escaped as RFC 6901 says', () => {
    assert.deepEqual(problems(withChange((b) => { b.person['middle/name~'] = 'Jo'; b.priority = 'high'; })), [
      `/priority: Remove "priority": The referral has no such field. Its fields are ${FIELDS.referral.join(', ')}`,
      `/person/middle~1name~0: Remove "middle/name~": person has no such field. Its fields are ${FIELDS.person.join(', ')}`,
    ]);
  });

  test('the person must agree, and the service needs a way to reach the person and the referrer', () => {
    assert.deepEqual(problems(withChange((b) => { b.consent.personAgrees = false; })), [
      '/consent/personAgrees: Refer someone only when they agree to it. Ask them first, then send the referral with personAgrees set to true',
    ]);
    assert.deepEqual(problems(withChange((b) => { b.consent = {}; })), ['/consent/personAgrees: Confirm the person agrees to this referral: set personAgrees to true']);
    assert.deepEqual(problems(withChange((b) => { delete b.person.phone; delete b.person.email; b.contactPreferences = { letter: true }; })), [
      '/person/phone: Enter the person’s phone number or email address, so the service can contact them',
    ]);
    assert.deepEqual(problems(withChange((b) => { b.referrer = { name: 'Dr Alex Morgan' }; })), [
      '/referrer/email: Enter the referrer’s email address or phone number, so the service can ask about the referral',
    ]);
  });

  test('contact preferences must be ones the service can act on', () => {
    assert.deepEqual(problems(withChange((b) => { delete b.person.phone; b.contactPreferences = { call: true, text: true }; })), [
      '/contactPreferences/call: The person’s phone number is missing: add person.phone, or set call to false',
      '/contactPreferences/text: The person’s phone number is missing: add person.phone, or set text to false',
    ]);
    assert.deepEqual(problems(withChange((b) => { b.contactPreferences = { voicemail: true }; })), [
      '/contactPreferences/voicemail: A voicemail is left after a phone call: set call to true as well, or set voicemail to false',
    ]);
    assert.deepEqual(problems(withChange((b) => { delete b.person.email; b.contactPreferences = { email: true }; })), [
      '/contactPreferences/email: The person’s email address is missing: add person.email, or set email to false',
    ]);
  });

  test('wrong types are named with the type to send', () => {
    assert.deepEqual(problems(withChange((b) => { b.crisis = 'yes'; b.person.givenName = 42; b.needs = 'lantern-needs:anxiety'; b.urgency = 'soon'; })), [
      '/person/givenName: givenName must be a string (text in double quotes)',
      '/needs: needs must be an array of need ids, like ["lantern-needs:anxiety"]',
      '/urgency: urgency must be "urgent" or "routine". If the person is in danger now, set crisis to true as well',
      '/crisis: crisis must be true or false (without quotes)',
    ]);
    assert.deepEqual(problems([]), [': Send the referral as a JSON object, like {"person": {…}, "consent": {…}, "reason": "…", "referrer": {…}}']);
    assert.deepEqual(problems(withChange((b) => { (b as Json).person = 'Sam Taylor'; })), [
      '/person: person must be a JSON object, like {"givenName": …, "familyName": …}',
    ]);
  });

  test('an empty object is told every part it needs, once each', () => {
    assert.deepEqual(problems({}), [
      '/person: Add person: who the referral is for, with at least their name, date of birth and a phone number or email address',
      '/consent: Add consent, with personAgrees set to true once the person has agreed to this referral',
      '/reason: Enter the reason for the referral',
      '/referrer: Add referrer: your name, and an email address or phone number so the service can ask about the referral',
    ]);
  });

  test('property: any JSON at all is answered with a result, never an exception, and every pointer points into the body', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const result = readReferralRequest(value, options);
      if (result.ok) return;
      for (const p of result.problems) {
        assert.match(p.field, /^(|(\/([^/~]|~[01])*)+)$/, 'a JSON pointer');
        assert.ok(p.message.length > 0);
      }
    }), { numRuns: 300 });
  });

  test('property: any extra property, anywhere, is refused at exactly its pointer', () => {
    const places = ['', '/person', '/contactPreferences', '/consent', '/referrer'] as const;
    fc.assert(fc.property(fc.constantFrom(...places), fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue(), (place, key, value) => {
      const allowed: readonly string[] = place === '' ? FIELDS.referral : FIELDS[place.slice(1) as keyof typeof FIELDS];
      fc.pre(!allowed.includes(key) && key !== '__proto__');
      const body = validBody();
      const target = (place === '' ? body : body[place.slice(1)]) as Json;
      Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
      const result = readReferralRequest(body, options);
      assert.equal(result.ok, false);
      if (!result.ok) assert.ok(result.problems.some((p) => p.field === `${place}/${pointerSegment(key)}`), JSON.stringify(result.problems));
    }), { numRuns: 300 });
  });

  test('property: names, dates and needs that the web forms accept are accepted and kept', () => {
    const name = fc.stringMatching(/^[A-Z][a-z]{0,20}(?:[ '-][A-Z][a-z]{1,20})?$/);
    const date = fc.date({ min: new Date('1901-01-01T00:00:00Z'), max: new Date('2026-03-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    fc.assert(fc.property(name, name, date, fc.subarray([...NEEDS]), fc.boolean(), (given, family, dob, needs, crisis) => {
      const result = readReferralRequest(withChange((b) => {
        b.person.givenName = given; b.person.familyName = family; b.person.dateOfBirth = dob; b.needs = needs; b.crisis = crisis;
      }), options);
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(result.value.person.givenName, given);
      assert.equal(result.value.person.dateOfBirth, dob);
      assert.deepEqual(result.value.needs, needs);
      assert.equal(result.value.crisis, crisis);
    }), { numRuns: 200 });
  });
});

describe('the Idempotency-Key header', () => {
  test('is required, 1 to 200 printable characters', () => {
    assert.equal(readIdempotencyKey(undefined).ok, false);
    assert.match((readIdempotencyKey(undefined) as { message: string }).message, /^Send an Idempotency-Key header/);
    assert.equal(readIdempotencyKey('').ok, false);
    assert.deepEqual(readIdempotencyKey('a'), { ok: true, value: 'a' });
    assert.deepEqual(readIdempotencyKey('k'.repeat(200)), { ok: true, value: 'k'.repeat(200) });
    assert.equal(readIdempotencyKey('k'.repeat(201)).ok, false);
    assert.equal(readIdempotencyKey('caf\u00e9').ok, false);
    assert.equal(readIdempotencyKey('tab\there').ok, false);
  });

  test('property: every printable ASCII string of 1 to 200 characters is a key, kept exactly', () => {
    fc.assert(fc.property(fc.stringMatching(/^[\x20-\x7e]{1,200}$/), (key) => {
      assert.deepEqual(readIdempotencyKey(key), { ok: true, value: key });
    }));
  });
});

describe('the polling query', () => {
  test('defaults, limits and unknown parameters', () => {
    assert.deepEqual(readListQuery({}), { ok: true, value: { updatedSince: null, limit: LIMITS.pageSize, after: null } });
    const since = readListQuery({ updatedSince: '2026-03-01T09:00:00+01:00', limit: '100' });
    assert.ok(since.ok);
    assert.equal(since.value.updatedSince?.toISOString(), '2026-03-01T08:00:00.000Z');
    assert.equal(since.value.limit, 100);
    const bad = readListQuery({ limit: '0', updatedSince: '2026-03-01', cursor: 'nonsense', page: '2' });
    assert.ok(!bad.ok);
    assert.deepEqual(bad.problems.map((p) => p.field), ['page', 'updatedSince', 'limit', 'cursor']);
    assert.ok(!readListQuery({ limit: '101' }).ok);
    assert.ok(!readListQuery({ limit: ['5', '6'] }).ok);
  });

  test('instants must be real and carry a time zone', () => {
    assert.equal(parseInstant('2026-02-30T10:00:00Z'), null);
    assert.equal(parseInstant('2026-02-28T24:00:00Z'), null);
    assert.equal(parseInstant('2026-02-28T10:00:00'), null);
    assert.equal(parseInstant('2026-02-28T10:00Z')?.toISOString(), '2026-02-28T10:00:00.000Z');
    assert.equal(parseInstant('2026-02-28T10:00:00.123456Z')?.toISOString(), '2026-02-28T10:00:00.123Z');
  });

  test('property: a cursor gives back its position; any other string is refused or read as a well-formed position', () => {
    const at = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
      .chain((d) => fc.integer({ min: 0, max: 999 }).map((micros) => `${d.toISOString().slice(0, 23)}${String(micros).padStart(3, '0')}Z`));
    fc.assert(fc.property(at, fc.uuid(), (a, id) => {
      assert.deepEqual(decodeCursor(encodeCursor({ at: a, id })), { at: a, id });
    }));
    fc.assert(fc.property(fc.string(), (text) => {
      const position = decodeCursor(text);
      if (position) {
        assert.match(position.at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
        assert.match(position.id, /^[0-9a-f-]{36}$/);
      }
    }));
  });
});
