// Contacts during support, with Making Every Contact Count advice counted per period, and the
// status commissioners count at sign-up and as it changes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoEmail, errorSummary, startTestApp, type TestApp, type TestClient } from './support/app.ts';
import { dateFields, personWithEpisode, staffContextOf, type SupportedPerson } from './support/episodes.ts';
import { countMeccAdvice, recordContact, type ContactForm } from '../src/features/episodes/contacts.ts';
import { datePartsFrom } from '../src/features/episodes/fields.ts';
import { addDays } from '../src/domain/calendar-date.ts';
import { disclosedCount } from '../src/domain/disclosure.ts';
import { londonDate } from '../src/domain/working-days.ts';
import type { AppError } from '../src/platform/errors.ts';

let t: TestApp;
let nav3: TestClient;
const today = londonDate(new Date());
const longAgo = new Date(Date.now() - 400 * 86_400_000);

before(async () => {
  t = await startTestApp();
  nav3 = await t.signedIn(demoEmail('navigator3'));
});
after(() => t.close());

const contactForm = (overrides: Partial<ContactForm> = {}): ContactForm => ({
  contactOn: datePartsFrom(today), time: '00:00', kind: 'face_to_face', duration: '45', note: '', mecc: [], ...overrides,
});

describe('contacts', () => {
  test('recorded with when, how, how long, a note and MECC advice; listed newest first; the caseload knows the last one', async () => {
    const who = await personWithEpisode(t.db, { worker: 'navigator3', startedAt: longAgo });
    const url = `/episodes/${who.episodeId}/contacts/new`;
    const first = await nav3.submit(url, { ...dateFields('contactOn', addDays(today, -3)), time: '2:30pm', kind: 'phone', duration: '25', note: 'Talked about the walking group', mecc: 'physical_activity' });
    assert.equal(first.statusCode, 303, errorSummary(first.body).join());
    assert.equal(first.headers.location, `/episodes/${who.episodeId}?done=contact`);
    const form = (await nav3.get(url)).body;
    const body = new URLSearchParams({
      _csrf: /name="_csrf" value="([^"]+)"/.exec(form)![1]!, submission: /name="submission" value="([^"]+)"/.exec(form)![1]!,
      ...dateFields('contactOn', addDays(today, -1)), time: '10:15', kind: 'face_to_face', duration: '60', note: 'Met at the library',
    });
    body.append('mecc', 'smoking');
    body.append('mecc', 'alcohol');
    body.append('mecc', 'gambling'); // not a MECC topic: ignored
    const post = () => t.app.inject({ method: 'POST', url, payload: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: [...nav3.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    assert.equal((await post()).statusCode, 303);
    assert.equal((await post()).statusCode, 303, 'sent twice');
    const stored = await t.db.query<{ kind: string; duration_minutes: number; mecc: string[] }>(
      'SELECT kind, duration_minutes, mecc FROM episode_contacts WHERE episode_id = $1 ORDER BY contact_at', [who.episodeId],
    );
    assert.deepEqual(stored.rows, [
      { kind: 'phone', duration_minutes: 25, mecc: ['physical_activity'] },
      { kind: 'face_to_face', duration_minutes: 60, mecc: ['alcohol', 'smoking'] },
    ], 'one contact for the form sent twice, MECC topics in their fixed order');
    const list = await nav3.get(`/episodes/${who.episodeId}/contacts`);
    assert.match(list.body, /2 contacts, newest first/);
    assert.ok(list.body.indexOf('Met at the library') < list.body.indexOf('Talked about the walking group'));
    assert.match(list.body, /face to face, 60 minutes/);
    assert.match(list.body, /Brief advice: alcohol, smoking\./);
    const summary = await t.db.query<{ last_contact_at: Date }>('SELECT last_contact_at FROM episode_summaries WHERE episode_id = $1', [who.episodeId]);
    assert.equal(londonDate(summary.rows[0]!.last_contact_at), addDays(today, -1));
    const audit = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'contact.create' AND person_id = $1 AND outcome = 'success'`, [who.personId]);
    assert.equal(audit.rows[0]!.n, 2);
  });

  test('says what to fix in the contact form', async () => {
    const who = await personWithEpisode(t.db, { worker: 'navigator3', startedAt: new Date(`${addDays(today, -10)}T12:00:00Z`) });
    const url = `/episodes/${who.episodeId}/contacts/new`;
    const cases: [Record<string, string>, string[]][] = [
      [{ 'contactOn-day': '', 'contactOn-month': '', 'contactOn-year': '', time: '', kind: '', duration: '' }, [
        '#contactOn-day: Enter the date of the contact', '#time: Enter the time of the contact, like 14:30',
        '#kind: Select how the contact happened', '#duration: Enter how long the contact took, in minutes',
      ]],
      [{ ...dateFields('contactOn', addDays(today, 1)), time: '10:00', kind: 'phone', duration: '10' }, ['#contactOn-day: The date of the contact must be today or in the past']],
      [{ ...dateFields('contactOn', addDays(today, -11)), time: '10:00', kind: 'phone', duration: '10' }, [`#contactOn-day: The date of the contact must be on or after the day support started (${new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${addDays(today, -10)}T12:00:00Z`))})`]],
      [{ ...dateFields('contactOn', today), time: '25:00', kind: 'phone', duration: '10' }, ['#time: Time must be a real time, like 09:30 or 14:30']],
      [{ ...dateFields('contactOn', today), time: 'lunchtime', kind: 'phone', duration: '10' }, ['#time: Enter the time of the contact on the 24-hour clock, like 14:30']],
      [{ ...dateFields('contactOn', today), time: '00:00', kind: 'carrier_pigeon', duration: '0' }, ['#kind: Select how the contact happened', '#duration: How long it took must be between 1 and 600 minutes']],
      [{ ...dateFields('contactOn', today), time: '00:00', kind: 'video', duration: '601' }, ['#duration: How long it took must be between 1 and 600 minutes']],
      [{ ...dateFields('contactOn', today), time: '00:00', kind: 'video', duration: '30.5' }, ['#duration: Enter the number of minutes as a whole number, like 30']],
      [{ ...dateFields('contactOn', today), time: '00:00', kind: 'video', duration: '30', note: 'n'.repeat(5001) }, ['#note: The note must be 5,000 characters or fewer']],
    ];
    for (const [form, expected] of cases) {
      const response = await nav3.submit(url, form);
      assert.equal(response.statusCode, 400);
      assert.deepEqual(errorSummary(response.body), expected);
    }
    const kept = await nav3.submit(url, { ...dateFields('contactOn', today), time: 'lunchtime', kind: 'group', duration: '90', mecc: 'healthy_eating' });
    assert.match(kept.body, /value="group" checked/);
    assert.match(kept.body, /value="healthy_eating" checked/);
    assert.match(kept.body, /name="duration" type="text" value="90"/);
  });

  test('the time of a contact cannot be later than now', async () => {
    const who = await personWithEpisode(t.db, { worker: 'navigator3', startedAt: new Date('2025-01-05T09:00:00Z') });
    const ctx = await staffContextOf(t.db, 'navigator3');
    // 12:00 UTC is 13:00 in British Summer Time.
    const now = { now: new Date('2025-06-04T12:00:00Z') };
    await assert.rejects(
      recordContact(ctx, who.episodeId, contactForm({ contactOn: datePartsFrom('2025-06-04'), time: '13:01' }), now),
      (error: AppError) => error.status === 400 && error.fields[0]?.field === 'time' && error.fields[0].message === 'The time of the contact must be in the past',
    );
    await recordContact(ctx, who.episodeId, contactForm({ contactOn: datePartsFrom('2025-06-04'), time: '13:00' }), now);
  });
});

describe('MECC brief advice per reporting period', () => {
  test('counted by topic and organisation, within the period’s UK dates only; counts, never people', async () => {
    const porchlight = await personWithEpisode(t.db, { worker: 'navigator3', startedAt: new Date('2025-09-01T09:00:00Z') });
    const shaw = await personWithEpisode(t.db, { worker: 'navigator2', startedAt: new Date('2025-09-01T09:00:00Z') });
    const nav3ctx = await staffContextOf(t.db, 'navigator3');
    const nav2ctx = await staffContextOf(t.db, 'navigator2');
    const later = { now: new Date('2026-06-01T12:00:00Z') };
    const add = (ctx: typeof nav3ctx, who: SupportedPerson, date: string, time: string, mecc: string[]) =>
      recordContact(ctx, who.episodeId, contactForm({ contactOn: datePartsFrom(date), time, mecc }), later);
    await add(nav3ctx, porchlight, '2025-12-31', '23:30', ['alcohol', 'smoking']); // quarter 3: not counted
    await add(nav3ctx, porchlight, '2026-01-01', '00:30', ['alcohol', 'smoking', 'physical_activity']);
    await add(nav3ctx, porchlight, '2026-02-14', '10:00', []);
    await add(nav3ctx, porchlight, '2026-03-31', '23:30', ['healthy_eating']); // BST: 22:30 UTC, still quarter 4
    await add(nav3ctx, porchlight, '2026-04-01', '00:30', ['sexual_health']); // BST: 23:30 UTC on 31 March, but quarter 1
    await add(nav2ctx, shaw, '2026-02-01', '09:00', ['alcohol', 'sexual_health']);

    const admin = await staffContextOf(t.db, 'admin');
    const counts = await countMeccAdvice(admin, { period: 'quarter-2026-01' }, later);
    assert.equal(counts.rounded, false, 'an administrator sees exact counts');
    assert.equal(counts.period.label, 'January to March 2026 (quarter 4 of 2025 to 2026)');
    assert.equal(counts.contacts, 4);
    assert.equal(counts.contactsWithAdvice, 3);
    assert.equal(counts.shareWithAdvice, 0.75);
    assert.deepEqual(Object.fromEntries(counts.byTopic.map((b) => [b.topic, b.count])), {
      physical_activity: 1, alcohol: 2, smoking: 1, healthy_eating: 1, sexual_health: 1,
    });
    assert.deepEqual(counts.byOrganisation.map((o) => [o.name, o.contacts, o.byTopic.alcohol]), [
      ['Porchlight (Dartford, Gravesham and Swanley with Swale)', 3, 1],
      ['Shaw Trust (West Kent)', 1, 1],
    ]);
    assert.deepEqual(counts.byOrganisation.map((o) => o.withAdvice), [2, 1]);
    assert.ok(!JSON.stringify(counts).includes(porchlight.personId), 'no person in a count');
    const next = await countMeccAdvice(admin, { period: 'quarter-2026-04' }, later);
    assert.deepEqual(next.byTopic.filter((b) => b.count > 0).map((b) => b.topic), ['sexual_health']);
    await assert.rejects(countMeccAdvice(nav3ctx, { period: 'quarter-2026-01' }, later), (error: AppError) => error.status === 403);

    // A commissioner's counts are rounded before they leave the data layer: 1 to 7 as 5.
    const commissioner = await countMeccAdvice(await staffContextOf(t.db, 'commissioner'), { period: 'quarter-2026-01' }, later);
    assert.equal(commissioner.rounded, true);
    assert.deepEqual([commissioner.contacts, commissioner.contactsWithAdvice, commissioner.shareWithAdvice], [5, 5, null]);
    assert.deepEqual(commissioner.byTopic.map((b) => b.count), [5, 5, 5, 5, 5]);
    assert.deepEqual(commissioner.byOrganisation.map((o) => [o.contacts, o.withAdvice, o.shareWithAdvice, o.byTopic.alcohol, o.byTopic.smoking]), [[5, 5, null, 5, 5], [5, 5, null, 5, 0]]);
    const kingston = await countMeccAdvice(await staffContextOf(t.db, 'commissioner', 'kingston'), { period: 'quarter-2026-01' }, later);
    assert.equal(kingston.contacts, 0, 'another tenant’s contacts are not counted');
  });
});

describe('brief advice counts a commissioner sees', () => {
  test('above 7 they are rounded to the nearest 5, and the share comes from the exact counts', async () => {
    // Kingston, so no other test's contacts are in the period
    const who = await personWithEpisode(t.db, { worker: 'navigator', tenant: 'kingston', startedAt: new Date('2025-09-01T09:00:00Z') });
    const nav = await staffContextOf(t.db, 'navigator', 'kingston');
    const later = { now: new Date('2026-06-01T12:00:00Z') };
    for (let day = 1; day <= 12; day++) {
      const mecc = day <= 9 ? ['alcohol'] : [];
      await recordContact(nav, who.episodeId, contactForm({ contactOn: datePartsFrom(`2025-11-${String(day).padStart(2, '0')}`), time: '10:00', mecc }), later);
    }
    const period = { period: 'quarter-2025-10' };
    const exact = await countMeccAdvice(await staffContextOf(t.db, 'admin', 'kingston'), period, later);
    assert.deepEqual([exact.contacts, exact.contactsWithAdvice, exact.shareWithAdvice, exact.byTopic[1]!.count], [12, 9, 0.75, 9]);
    const shown = await countMeccAdvice(await staffContextOf(t.db, 'commissioner', 'kingston'), period, later);
    assert.deepEqual([shown.contacts, shown.contactsWithAdvice, shown.shareWithAdvice, shown.byTopic[1]!.count], [10, 10, 0.75, 10]);
    assert.deepEqual(shown.byOrganisation.map((o) => [o.contacts, o.withAdvice, o.shareWithAdvice]), [[10, 10, 0.75]]);
  });
});

describe('the brief advice page', () => {
  const cell = (html: string, row: string) => {
    const match = new RegExp(`<th scope="row" class="nhsuk-table__header">${row}</th>\\s*<td[^>]*>([\\d,]+)</td>`).exec(html);
    assert.ok(match, `a row for ${row}`);
    return Number(match[1]!.replace(/,/g, ''));
  };

  test('administrators see exact counts of the period, by topic and organisation, and never a name', async () => {
    const who = await personWithEpisode(t.db, { worker: 'navigator3', startedAt: longAgo });
    const admin = await t.signedIn(demoEmail('admin'));
    const before = (await admin.get('/reports/brief-advice')).body;
    const eatingBefore = before.includes('No contacts were recorded') ? 0 : cell(before, 'Healthy eating');
    await recordContact(await staffContextOf(t.db, 'navigator3'), who.episodeId, contactForm({ mecc: ['healthy_eating', 'alcohol'] }));

    const page = await admin.get('/reports/brief-advice');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1>Brief advice given<\/h1>/);
    assert.equal(cell(page.body, 'Healthy eating'), eatingBefore + 1);
    const counts = await countMeccAdvice(await staffContextOf(t.db, 'admin'), {});
    assert.match(page.body, new RegExp(`${counts.contacts} contacts? recorded\\. Brief advice was given in ${counts.contactsWithAdvice} of them \\(\\d+%\\)`));
    assert.equal(cell(page.body, 'Porchlight \\(Dartford, Gravesham and Swanley with Swale\\)'), counts.byOrganisation.find((o) => o.name.startsWith('Porchlight'))!.contacts);
    assert.doesNotMatch(page.body, new RegExp(who.familyName), 'no one is named');
    assert.doesNotMatch(page.body, /Counts are rounded/);
    assert.match(page.body, /href="\/reports\/brief-advice"/, 'in the administrator’s menu');
  });

  test('commissioners see the same counts rounded, say so, and have the page in their menu; other roles are refused', async () => {
    const exact = await countMeccAdvice(await staffContextOf(t.db, 'admin'), {});
    assert.ok(exact.contacts > 0, 'the test before recorded a contact');
    const commissioner = await t.signedIn(demoEmail('commissioner'));
    const page = await commissioner.get('/reports/brief-advice');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Counts are rounded to protect people’s privacy/);
    assert.match(page.body, new RegExp(`${disclosedCount(exact.contacts)} contacts? recorded \\(rounded\\)`));
    for (const topic of exact.byTopic) assert.equal(cell(page.body, topic.name), disclosedCount(topic.count), topic.name);
    assert.match(page.body, /href="\/reports\/brief-advice"/, 'in the commissioner’s menu');
    for (const role of ['navigator', 'triage', 'provider', 'referrer']) {
      assert.equal((await (await t.signedIn(demoEmail(role))).get('/reports/brief-advice')).statusCode, 403, role);
    }
  });

  test('an old quarter with no contacts says so; an unknown period shows the last 3 months', async () => {
    const commissioner = await t.signedIn(demoEmail('commissioner'));
    const oldest = /<option value="(quarter-[\d-]+)">[^<]*<\/option>\s*<\/select>/.exec((await commissioner.get('/reports/brief-advice')).body)![1]!;
    const empty = await commissioner.get(`/reports/brief-advice?period=${oldest}`);
    assert.match(empty.body, /No contacts were recorded in this period/);
    assert.match(empty.body, new RegExp(`<option value="${oldest}" selected>`));
    const unknown = await commissioner.get('/reports/brief-advice?period=%3Cscript%3E');
    assert.equal(unknown.statusCode, 200);
    assert.match(unknown.body, /<h2>The last 3 months/);
  });
});

describe('status commissioners count', () => {
  test('the first record is the status at sign-up; changes are kept as a history; the latest is on the person’s page', async () => {
    const who = await personWithEpisode(t.db, { worker: 'navigator3', startedAt: new Date(`${addDays(today, -30)}T12:00:00Z`) });
    const url = `/episodes/${who.episodeId}/status/new`;
    const form = await nav3.get(url);
    assert.match(form.body, /Record their status at sign-up/);
    assert.match(form.body, /Unemployed and actively seeking work/);
    assert.match(form.body, /Not stated \(person asked but declined to provide a response\)/);
    const signUp = await nav3.submit(url, { ...dateFields('recordedOn', addDays(today, -30)), employmentStatus: '02', accommodationType: 'sofa_surfing', volunteering: 'no', educationTraining: 'no' });
    assert.equal(signUp.headers.location, `/episodes/${who.episodeId}?done=status-sign-up`);
    assert.match((await nav3.get(url)).body, /value="02" checked/, 'a change starts from the latest record');
    const change = await nav3.submit(url, { ...dateFields('recordedOn', addDays(today, -2)), employmentStatus: '07', accommodationType: 'social_tenant', volunteering: 'yes', educationTraining: 'no' });
    assert.equal(change.headers.location, `/episodes/${who.episodeId}?done=status`);
    const rows = await t.db.query<{ at_sign_up: boolean; employment_status: string; accommodation: string; volunteering: boolean }>(
      'SELECT at_sign_up, employment_status, accommodation, volunteering FROM episode_status_records WHERE episode_id = $1 ORDER BY recorded_on', [who.episodeId],
    );
    assert.deepEqual(rows.rows, [
      { at_sign_up: true, employment_status: '02', accommodation: 'not_settled', volunteering: false },
      { at_sign_up: false, employment_status: '07', accommodation: 'settled', volunteering: true },
    ]);
    const history = await nav3.get(`/episodes/${who.episodeId}/status`);
    assert.ok(history.body.indexOf('Unpaid voluntary work') < history.body.indexOf('Unemployed and actively seeking work'), 'latest first');
    assert.equal([...history.body.matchAll(/>At sign-up</g)].length, 1);
    assert.match(history.body, /Not settled: Staying with friends or family for now \(sofa surfing\)/);
    const person = await nav3.get(`/people/${who.personId}`);
    assert.match(person.body, /Unpaid voluntary work and not working or actively seeking work/);
    assert.match(person.body, /Settled: Rents from the council or a housing association/);
  });

  test('says what to fix in the status form', async () => {
    const who = await personWithEpisode(t.db, { worker: 'navigator3', startedAt: new Date(`${addDays(today, -30)}T12:00:00Z`) });
    const url = `/episodes/${who.episodeId}/status/new`;
    const empty = await nav3.submit(url, {});
    assert.deepEqual(errorSummary(empty.body), [
      '#recordedOn-day: Enter the date',
      '#employmentStatus: Select their employment status',
      '#accommodationType: Select where they live now',
      '#volunteering: Select yes if they volunteer, or no if they do not',
      '#educationTraining: Select yes if they are in education or training, or no if they are not',
    ]);
    const crafted = await nav3.submit(url, { ...dateFields('recordedOn', today), employmentStatus: '09', accommodationType: 'castle', volunteering: 'maybe', educationTraining: 'no' });
    assert.equal(errorSummary(crafted.body).length, 3);
    assert.equal((await nav3.submit(url, { ...dateFields('recordedOn', addDays(today, -10)), employmentStatus: '01', accommodationType: 'not_known', volunteering: 'no', educationTraining: 'yes' })).statusCode, 303);
    const early = await nav3.submit(url, { ...dateFields('recordedOn', addDays(today, -20)), employmentStatus: '08', accommodationType: 'not_known', volunteering: 'no', educationTraining: 'no' });
    assert.match(errorSummary(early.body)[0]!, /^#recordedOn-day: A change must be dated on or after their status at sign-up \(\d+ \w+ \d{4}\)$/);
    const future = await nav3.submit(url, { ...dateFields('recordedOn', addDays(today, 1)), employmentStatus: '08', accommodationType: 'not_known', volunteering: 'no', educationTraining: 'no' });
    assert.deepEqual(errorSummary(future.body), ['#recordedOn-day: The date must be today or in the past']);
  });
});
