// Changing a person's contact details: clear messages for bad input, and a stale save refused
// without losing what was typed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoEmail, errorSummary, startTestApp, type TestApp } from './support/app.ts';

let t: TestApp;
let personId = '';
before(async () => {
  t = await startTestApp({ people: 1_100 });
  const { rows } = await t.db.query<{ id: string }>(`SELECT id FROM people WHERE tenant_id = 'kent' ORDER BY id LIMIT 1`);
  personId = rows[0]!.id;
});
after(() => t.close());

describe('contact details', () => {
  test('saved, normalised, matched to an area by postcode, and audited with what changed', async () => {
    const triage = await t.signedIn(demoEmail('triage'));
    const response = await triage.submit(`/people/${personId}/contact-details`, { phone: '07700 900 461', email: 'sam@example.com', postcode: 'me4 4qf' });
    assert.equal(response.statusCode, 303);
    const page = await triage.get(response.headers.location as string);
    assert.match(page.body, /Contact details saved/);
    assert.match(page.body, /ME4 4QF/);
    const { rows } = await t.db.query<{ district: string; area: string; version: number }>(
      `SELECT p.district, a.name AS area, p.version FROM people p JOIN areas a ON a.tenant_id = p.tenant_id AND a.id = p.area_id WHERE p.id = $1`,
      [personId],
    );
    assert.equal(rows[0]!.district, 'ME4');
    assert.equal(rows[0]!.area, 'Medway');
    const audit = await t.db.query<{ detail: { changed: string[] } }>(
      `SELECT detail FROM audit_events WHERE action = 'update' AND person_id = $1 ORDER BY id DESC LIMIT 1`, [personId],
    );
    assert.deepEqual(audit.rows[0]!.detail.changed.sort(), ['email', 'phone', 'postcode']);
  });

  test('bad input gets a specific message per field and keeps what was typed', async () => {
    const triage = await t.signedIn(demoEmail('triage'));
    const response = await triage.submit(`/people/${personId}/contact-details`, { phone: '12345', email: 'not-an-email', postcode: 'ZZ99 9ZZZ' });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(errorSummary(response.body), [
      '#phone: Enter a UK phone number, like 01632 960 001 or 07700 900 982',
      '#email: Enter an email address in the correct format, like name@example.com',
      '#postcode: Enter the full postcode, like ME4 4QF',
    ]);
    assert.match(response.body, /value="not-an-email"/);
  });

  test('a second, stale save is refused with a clear message and what was typed is kept', async () => {
    const first = await t.signedIn(demoEmail('triage'));
    const second = await t.signedIn(demoEmail('admin'));
    const formA = await first.get(`/people/${personId}/contact-details`);
    const formB = await second.get(`/people/${personId}/contact-details`);
    const token = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const version = (html: string) => /name="version" value="(\d+)"/.exec(html)![1]!;
    const saveA = await first.post(`/people/${personId}/contact-details`, { _csrf: token(formA.body), version: version(formA.body), phone: '01632 960 001', email: '', postcode: '' });
    assert.equal(saveA.statusCode, 303);
    const saveB = await second.post(`/people/${personId}/contact-details`, { _csrf: token(formB.body), version: version(formB.body), phone: '01632 960 999', email: '', postcode: '' });
    assert.equal(saveB.statusCode, 409);
    assert.match(saveB.body, /Someone else changed these details while you were editing/);
    assert.match(saveB.body, /value="01632 960 999"/, 'what B typed is still in the form');
    assert.match(saveB.body, /01632 960 001/, 'B can see what A saved');
    const { rows } = await t.db.query<{ phone: string }>('SELECT phone FROM people WHERE id = $1', [personId]);
    assert.equal(rows[0]!.phone, '01632 960 001', 'A\'s change was not overwritten');
    // B saves deliberately with the new version.
    const retry = await second.post(`/people/${personId}/contact-details`, { _csrf: token(saveB.body), version: version(saveB.body), phone: '01632 960 999', email: '', postcode: '' });
    assert.equal(retry.statusCode, 303);
  });
});

describe('finding people', () => {
  test('a search past 1,000 matches says so and asks for a narrower search, and paging stops there', async () => {
    const triage = await t.signedIn(demoEmail('triage'));
    const first = await triage.get('/people');
    assert.match(first.body, /More than 1,000 people\. Showing the first 1,000: search by full name or NHS number/);
    const beyond = await triage.get('/people?page=999');
    assert.equal(beyond.statusCode, 200);
    assert.match(beyond.body, /Page 49 of 50/, 'clamped to the last page, with a link back');
    assert.doesNotMatch(beyond.body, /Page 51/);
  });

  test('a name search matches the start of family or given names, in any case, with several words', async () => {
    const { rows } = await t.db.query<{ given_name: string; family_name: string }>(
      `SELECT given_name, family_name FROM people WHERE tenant_id = 'kent' ORDER BY id LIMIT 1`,
    );
    const { given_name: given, family_name: family } = rows[0]!;
    const triage = await t.signedIn(demoEmail('triage'));
    const page = await triage.get(`/people?q=${encodeURIComponent(`${family.slice(0, 3).toUpperCase()} ${given.slice(0, 2).toLowerCase()}`)}`);
    assert.ok(page.body.includes(`${family.toUpperCase()}, ${given}`));
    const expected = await t.db.query<{ n: number }>(
      `SELECT count(*) AS n FROM people WHERE tenant_id = 'kent'
          AND (lower(family_name) LIKE $1 OR lower(given_name) LIKE $1) AND (lower(family_name) LIKE $2 OR lower(given_name) LIKE $2)`,
      [`${family.slice(0, 3).toLowerCase()}%`, `${given.slice(0, 2).toLowerCase()}%`],
    );
    assert.match(page.body, new RegExp(`<p>${Number(expected.rows[0]!.n).toLocaleString('en-GB')} (person|people) match`));
  });
});
