// Keeping listings true: provider staff edit their own organisation's listings, changes to a
// published listing wait for a tenant administrator's moderation (before/after comparison,
// approve or reject with a reason, stale approvals refused), and who may reach what.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../src/db/database.ts';
import type { ListingInput } from '../src/features/directory/listing.ts';
import { getListing, saveListing } from '../src/features/directory/store.ts';
import { emptyListing } from '../src/features/directory/manage/edit.ts';
import { hashPassword } from '../src/platform/passwords.ts';
import { DEMO_PASSWORD, demoEmail, errorSummary, startTestApp, type TestApp, type TestClient } from './support/app.ts';

let t: TestApp;
const orgs = { shed: { id: '', name: '' }, sport: { id: '', name: '' } };
const SPORT_PROVIDER = 'provider-sport@kent.demo.lantern.test';

async function organisation(db: Database, tenant: string, name: string) {
  const { rows } = await db.query<{ id: string; name: string }>('SELECT id, name FROM organisations WHERE tenant_id = $1 AND name LIKE $2', [tenant, `${name}%`]);
  return rows[0]!;
}

/** A complete listing for the tests, saved the one way listings are saved. */
function testListing(id: string, org: { id: string; name: string } | null, overrides: Partial<ListingInput> = {}, tenant = 'kent'): ListingInput {
  return {
    ...emptyListing(tenant, id, org),
    name: `Walk and Talk ${id}`,
    summary: 'A friendly walk in the park with time to chat.',
    description: 'We meet at the gate and walk for an hour.',
    eligibility: 'Adults in Dartford',
    howToAccess: 'Just turn up',
    published: true,
    phone: '01632 960 001',
    email: 'walk@example.org',
    url: 'https://walk.example.org',
    selfReferral: true,
    channels: ['in_person'],
    languages: ['English'],
    fiveWays: ['be_active', 'connect'],
    hours: [
      { id: `${id}-mo`, day: 'MO', opens: '09:00', closes: '12:00', locationId: null, description: '' },
      { id: `${id}-mo2`, day: 'MO', opens: '14:00', closes: '16:00', locationId: null, description: '' },
      { id: `${id}-we`, day: 'WE', opens: '10:00', closes: '11:30', locationId: null, description: '' },
    ],
    locations: [{ id: `${id}-loc`, name: 'Central Park gate', address1: 'Park Road', city: 'Dartford', postcode: 'DA1 1AA', district: null, latitude: null, longitude: null }],
    ...overrides,
  };
}

async function save(listing: ListingInput): Promise<void> {
  await t.db.transaction((tx) => saveListing(tx, listing));
}

const clients = new Map<string, TestClient>();
async function as(email: string): Promise<TestClient> {
  if (!clients.has(email)) clients.set(email, await t.signedIn(email));
  return clients.get(email)!;
}
const provider = () => as(demoEmail('provider'));
const admin = () => as(demoEmail('admin'));

/** Every field of a page's form as shown (inputs, textareas, ticked radios; checkbox groups as "a|b"). */
async function formFields(client: TestClient, page: string): Promise<Record<string, string>> {
  const html = (await client.get(page)).body;
  const fields: Record<string, string> = {};
  const ticked: Record<string, string[]> = {};
  for (const [tag] of html.matchAll(/<input\b[^>]*>/g)) {
    const attr = (name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
    const name = attr('name');
    const type = attr('type') ?? 'text';
    if (!name || type === 'hidden') continue;
    if (type === 'radio' || type === 'checkbox') {
      ticked[name] ??= [];
      if (/\schecked\b/.test(tag)) ticked[name]!.push(attr('value') ?? '');
    } else fields[name] = decode(attr('value') ?? '');
  }
  for (const m of html.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) fields[m[1]!] = decode(m[2]!.replace(/^\n/, ''));
  for (const [name, values] of Object.entries(ticked)) fields[name] = values.join('|');
  return fields;
}

function decode(text: string): string {
  return text.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

async function postEdit(client: TestClient, url: string, fields: Record<string, string>) {
  // Repeated fields for checkbox groups: URLSearchParams with several values.
  const page = await client.get(url);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const version = /name="version" value="([^"]*)"/.exec(page.body)![1]!;
  const revision = /name="revision" value="([^"]*)"/.exec(page.body)![1]!;
  const params = new URLSearchParams({ _csrf: csrf, version, revision });
  for (const [key, value] of Object.entries(fields)) {
    if (['channels', 'accessibility', 'fiveWays'].includes(key)) for (const v of value.split('|').filter(Boolean)) params.append(key, v);
    else params.set(key, value);
  }
  return t.app.inject({
    method: 'POST', url, payload: params.toString(),
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
  });
}

/** Opens the edit form, changes some answers, and posts it as a browser would. */
async function edit(client: TestClient, id: string, answers: Record<string, string>, base = '/manage/listings') {
  const url = `${base}/${encodeURIComponent(id)}/edit`;
  const fields = await formFields(client, url);
  return postEdit(client, url, { ...fields, ...answers });
}

async function pendingChanges(id: string) {
  const { rows } = await t.db.query<{ id: string; status: string; proposed: Record<string, unknown>; previous: Record<string, unknown> }>(
    "SELECT id, status, proposed, previous FROM directory_changes WHERE tenant_id = 'kent' AND service_id = $1 ORDER BY proposed_at",
    [id],
  );
  return rows;
}

async function lastAudit(action: string) {
  const { rows } = await t.db.query<{ action: string; record_id: string; actor_role: string | null; outcome: string; detail: Record<string, unknown> | null }>(
    'SELECT action, record_id, actor_role, outcome, detail FROM audit_events WHERE action = $1 ORDER BY id DESC LIMIT 1',
    [action],
  );
  return rows[0];
}

before(async () => {
  t = await startTestApp();
  orgs.shed = await organisation(t.db, 'kent', "Dartford Men's Shed");
  orgs.sport = await organisation(t.db, 'kent', 'Kent Sport');
  await t.db.query(
    `INSERT INTO staff_users (tenant_id, organisation_id, email, name, role, password_hash) VALUES ('kent', $1, $2, 'Sam Sporty', 'provider', $3)`,
    [orgs.sport.id, SPORT_PROVIDER, await hashPassword(DEMO_PASSWORD)],
  );
  await save(testListing('manage-shed-1', orgs.shed));
  await save(testListing('manage-sport-1', orgs.sport));
  const kingston = await organisation(t.db, 'kingston', 'Kingston Recovery College');
  await save(testListing('manage-kingston-1', kingston, {}, 'kingston'));
});
after(() => t.close());

describe('who may reach listings', () => {
  test('navigators, triage workers and commissioners are refused (403)', async () => {
    for (const role of ['navigator', 'triage', 'commissioner']) {
      const client = await as(demoEmail(role));
      for (const url of ['/manage/listings', '/manage/listings/manage-shed-1', '/manage/listings/manage-shed-1/edit', '/admin/directory', '/admin/directory/changes', '/admin/directory/reports', '/admin/directory/listings/manage-shed-1']) {
        assert.equal((await client.get(url)).statusCode, 403, `${role} opening ${url}`);
      }
      const refused = await client.submit('/account/password', {}, '/manage/listings/manage-shed-1/still-right');
      assert.equal(refused.statusCode, 403, `${role} confirming`);
    }
  });

  test('provider staff see their own organisation’s listings and not another’s (404)', async () => {
    const client = await provider();
    const list = await client.get('/manage/listings');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Walk and Talk manage-shed-1/);
    assert.doesNotMatch(list.body, /manage-sport-1|manage-kingston-1/);
    assert.equal((await client.get('/manage/listings/manage-shed-1')).statusCode, 200);
    for (const url of ['/manage/listings/manage-sport-1', '/manage/listings/manage-sport-1/edit', '/manage/listings/manage-kingston-1', '/manage/listings/no-such-listing']) {
      const response = await client.get(url);
      assert.equal(response.statusCode, 404, url);
      assert.match(response.body, /We cannot find that listing/);
    }
    const posted = await client.submit('/manage/listings/manage-shed-1', {}, '/manage/listings/manage-sport-1/still-right');
    assert.equal(posted.statusCode, 404);
    const edited = await client.submit('/manage/listings/manage-shed-1', { name: 'Taken over' }, '/manage/listings/manage-sport-1/edit');
    assert.equal(edited.statusCode, 404);
    assert.equal((await getListing(t.db, 'kent', 'manage-sport-1'))!.name, 'Walk and Talk manage-sport-1');
    // the other organisation's provider sees theirs
    const sport = await as(SPORT_PROVIDER);
    assert.equal((await sport.get('/manage/listings/manage-sport-1')).statusCode, 200);
    assert.equal((await sport.get('/manage/listings/manage-shed-1')).statusCode, 404);
  });

  test('provider staff cannot moderate (403)', async () => {
    const client = await provider();
    for (const url of ['/admin/directory', '/admin/directory/changes', '/admin/directory/reports', '/admin/directory/listings', '/admin/directory/listings/manage-shed-1']) {
      assert.equal((await client.get(url)).statusCode, 403, url);
    }
  });

  test('administrators reach every listing in their tenant, and nothing in another (404)', async () => {
    const kent = await admin();
    assert.equal((await kent.get('/admin/directory/listings/manage-sport-1')).statusCode, 200);
    assert.equal((await kent.get('/admin/directory/listings/manage-kingston-1')).statusCode, 404);
    const kingston = await as(demoEmail('admin', 'kingston'));
    assert.equal((await kingston.get('/admin/directory/listings/manage-kingston-1')).statusCode, 200);
    for (const url of ['/admin/directory/listings/manage-shed-1', '/admin/directory/listings/manage-shed-1/edit']) {
      assert.equal((await kingston.get(url)).statusCode, 404, url);
    }
    const list = await kingston.get('/admin/directory/listings');
    assert.doesNotMatch(list.body, /manage-shed-1/);
    const posted = await kingston.submit('/admin/directory/listings/manage-kingston-1', {}, '/admin/directory/listings/manage-shed-1/unpublish');
    assert.equal(posted.statusCode, 404);
    assert.equal((await getListing(t.db, 'kent', 'manage-shed-1'))!.published, true);
  });

  test('an administrator who opens a provider’s address is sent to the same page in the directory pages', async () => {
    const response = await (await admin()).get('/manage/listings/manage-shed-1');
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, '/admin/directory/listings/manage-shed-1');
  });

  test('signed out, the listing pages ask for sign-in', async () => {
    const response = await t.client().get('/manage/listings');
    assert.equal(response.statusCode, 303);
    assert.match(String(response.headers.location), /^\/sign-in/);
  });
});

describe('provider staff change a published listing', () => {
  const id = 'manage-shed-edit';
  before(() => save(testListing(id, orgs.shed)));

  test('the form shows the listing as it is', async () => {
    const fields = await formFields(await provider(), `/manage/listings/${id}/edit`);
    assert.equal(fields.name, `Walk and Talk ${id}`);
    assert.equal(fields.phone, '01632 960 001');
    assert.equal(fields['hours-MO-opens'], '09:00');
    assert.equal(fields['hours-MO-closes'], '12:00');
    assert.equal(fields['hours-TU-opens'], '');
    assert.equal(fields.postcode, 'DA1 1AA');
    assert.equal(fields.selfReferral, 'yes');
    assert.equal(fields.channels, 'in_person');
    assert.equal(fields.fiveWays, 'connect|be_active');
    assert.match((await (await provider()).get(`/manage/listings/${id}/edit`)).body, /Also open 14:00 to 16:00/);
  });

  test('the change waits for approval: the public listing does not change, and the provider sees it waiting', async () => {
    const client = await provider();
    const response = await edit(client, id, { phone: '01632 960 999', summary: 'Walks every week, with tea after.', channels: 'in_person|phone', 'hours-TU-opens': '18:00', 'hours-TU-closes': '20:00' });
    assert.equal(response.statusCode, 303, response.body);
    assert.equal(response.headers.location, `/manage/listings/${id}?done=proposed`);

    const listing = (await getListing(t.db, 'kent', id))!;
    assert.equal(listing.phone, '01632 960 001', 'the public listing is unchanged');
    assert.equal(listing.summary, 'A friendly walk in the park with time to chat.');

    const changes = await pendingChanges(id);
    assert.equal(changes.length, 1);
    assert.equal(changes[0]!.status, 'pending');
    assert.equal(changes[0]!.proposed.phone, '01632 960 999');
    assert.equal(changes[0]!.previous.phone, '01632 960 001');
    assert.equal(changes[0]!.previous.version, listing.version);

    const page = await client.get(`/manage/listings/${id}?done=proposed`);
    assert.match(page.body, /sent for approval/);
    assert.match(page.body, /Waiting for approval/);
    assert.match(page.body, /Your changes of .* are waiting for approval/);
    assert.match(page.body, /01632 960 999/);

    const row = await lastAudit('listing_change_proposed');
    assert.equal(row?.record_id, id);
    assert.equal(row?.actor_role, 'provider');
    assert.deepEqual((row?.detail?.changed as string[]).sort(), ['channels', 'hours-TU', 'phone', 'summary']);
  });

  test('the Monday times nobody touched stay as they were, both of them', async () => {
    const proposed = (await pendingChanges(id))[0]!.proposed as { hours: { day: string; opens: string; closes: string }[] };
    assert.deepEqual(proposed.hours.map((h) => `${h.day} ${h.opens}-${h.closes}`), ['MO 09:00-12:00', 'MO 14:00-16:00', 'TU 18:00-20:00', 'WE 10:00-11:30']);
  });

  test('editing again carries on from the waiting change and replaces it', async () => {
    const client = await provider();
    const fields = await formFields(client, `/manage/listings/${id}/edit`);
    assert.equal(fields.phone, '01632 960 999', 'the form starts from the waiting change');
    const response = await edit(client, id, { email: 'hello@walk.example.org' });
    assert.equal(response.statusCode, 303);
    const changes = await pendingChanges(id);
    assert.equal(changes.length, 1, 'still one change waiting');
    assert.equal(changes[0]!.proposed.email, 'hello@walk.example.org');
    assert.equal(changes[0]!.proposed.phone, '01632 960 999');
  });

  test('saving what is already waiting changes nothing', async () => {
    const response = await edit(await provider(), id, {});
    assert.equal(response.headers.location, `/manage/listings/${id}?done=unchanged`);
  });

  test('plain-English messages for what is wrong, with the answers kept', async () => {
    const response = await edit(await provider(), id, {
      name: '', phone: 'call us', textNumber: '12', email: 'not-an-email', url: 'not a website', free: 'no', costDescription: '',
      channels: '', minimumAge: '30', maximumAge: '18', 'hours-MO-opens': '25:00', 'hours-FR-opens': '09:00', 'hours-FR-closes': '',
      'hours-SA-opens': '10:00', 'hours-SA-closes': '10:00', postcode: 'XX1', summary: 'x'.repeat(301),
    });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(errorSummary(response.body), [
      '#name: Enter the name of the service',
      '#summary: The summary must be 300 characters or fewer',
      '#phone: Enter a UK phone number, like 01632 960 001, 0800 123 4567 or 116 123',
      '#textNumber: Enter a mobile number or a short code for text messages, like 07700 900 982 or 85258',
      '#email: Enter an email address in the correct format, like name@example.com',
      '#url: Enter a website address in the correct format, like https://www.example.org',
      '#costDescription: Enter what it costs, like £5 a session',
      '#channels: Select how people can use the service',
      '#maximumAge: The oldest age must be the same as or more than the youngest age',
      '#hours-MO-opens: Enter Monday&#39;s opening time on the 24-hour clock, like 09:00',
      '#hours-FR-closes: Enter the time it closes on Friday, or leave both times empty if it is closed',
      '#hours-SA-closes: Saturday&#39;s closing time must be different from its opening time. If it is open all day, enter 00:00 and 24:00',
      '#postcode: Enter the full postcode, like ME4 4QF',
    ]);
    assert.match(response.body, /value="call us"/, 'what was typed is shown again');
    assert.match(response.body, /<title>Error: /);
    assert.equal((await pendingChanges(id))[0]!.proposed.email, 'hello@walk.example.org', 'nothing saved');
  });

  test('times can be written the way people write them', async () => {
    const response = await edit(await provider(), id, { 'hours-TH-opens': '9am', 'hours-TH-closes': '5:30pm', 'hours-SU-opens': '0:00', 'hours-SU-closes': '24:00' });
    assert.equal(response.statusCode, 303);
    const proposed = (await pendingChanges(id))[0]!.proposed as { hours: { day: string; opens: string; closes: string }[] };
    assert.ok(proposed.hours.some((h) => h.day === 'TH' && h.opens === '09:00' && h.closes === '17:30'));
    assert.ok(proposed.hours.some((h) => h.day === 'SU' && h.opens === '00:00' && h.closes === '24:00'));
  });

  test('changing everything back withdraws the waiting change', async () => {
    const client = await provider();
    const response = await edit(client, id, {
      phone: '01632 960 001', summary: 'A friendly walk in the park with time to chat.', email: 'walk@example.org', channels: 'in_person',
      'hours-TU-opens': '', 'hours-TU-closes': '', 'hours-TH-opens': '', 'hours-TH-closes': '', 'hours-SU-opens': '', 'hours-SU-closes': '',
    });
    assert.equal(response.headers.location, `/manage/listings/${id}?done=withdrawn`);
    assert.equal((await pendingChanges(id)).length, 0);
    assert.equal((await lastAudit('listing_change_withdrawn'))?.record_id, id);
  });

  test('a save over someone else’s newer change is refused, not lost', async () => {
    const client = await provider();
    const url = `/manage/listings/${id}/edit`;
    const fields = await formFields(client, url);
    const page = await client.get(url);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const version = /name="version" value="([^"]*)"/.exec(page.body)![1]!;
    // meanwhile an administrator corrects the listing
    const fix = await edit(await admin(), id, { eligibility: 'Adults in Dartford and Gravesham' }, '/admin/directory/listings');
    assert.equal(fix.statusCode, 303);
    const params = new URLSearchParams({ ...fields, _csrf: csrf, version, revision: '', phone: '01632 960 123', channels: 'in_person', fiveWays: 'connect' });
    const response = await t.app.inject({
      method: 'POST', url, payload: params.toString(),
      headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(response.statusCode, 409);
    assert.match(response.body, /Someone else changed this listing while you were editing it/);
    assert.match(response.body, /value="01632 960 123"/);
    assert.equal((await pendingChanges(id)).length, 0);
    // saving again from the refreshed form works
    const again = await edit(client, id, { phone: '01632 960 123' });
    assert.equal(again.statusCode, 303);
    assert.equal((await pendingChanges(id)).length, 1);
    await t.db.query("DELETE FROM directory_changes WHERE service_id = $1", [id]);
  });
});

describe('provider staff change a listing that is not published yet', () => {
  const id = 'manage-shed-draft';
  before(async () => {
    await save(testListing(id, orgs.shed, { published: false, lastConfirmedAt: new Date('2024-01-01T12:00:00Z') }));
  });

  test('it is saved at once (nobody sees it yet), and counts as checked', async () => {
    const client = await provider();
    const page = await client.get(`/manage/listings/${id}/edit`);
    assert.match(page.body, /not in the public directory yet/);
    assert.match(page.body, />Save listing</);
    const response = await edit(client, id, { name: 'Shed Walks', 'hours-MO-opens': '10:00' });
    assert.equal(response.headers.location, `/manage/listings/${id}?done=saved`);
    const listing = (await getListing(t.db, 'kent', id))!;
    assert.equal(listing.name, 'Shed Walks');
    assert.equal(listing.published, false);
    assert.deepEqual(listing.hours.filter((h) => h.day === 'MO').map((h) => `${h.opens}-${h.closes}`), ['10:00-12:00'], 'a changed day keeps only its new times');
    assert.ok(Date.now() - listing.lastConfirmedAt.getTime() < 60_000);
    assert.equal((await pendingChanges(id)).length, 0);
    assert.equal((await lastAudit('listing_edited'))?.record_id, id);
  });

  test('an administrator publishes it', async () => {
    const response = await (await admin()).submit(`/admin/directory/listings/${id}`, {}, `/admin/directory/listings/${id}/publish`);
    assert.equal(response.statusCode, 303);
    assert.equal((await getListing(t.db, 'kent', id))!.published, true);
    assert.equal((await lastAudit('listing_published'))?.record_id, id);
  });
});

describe('moderation', () => {
  const first = 'manage-mod-first';
  const second = 'manage-mod-second';
  before(async () => {
    await save(testListing(first, orgs.shed));
    await save(testListing(second, orgs.shed));
    await t.db.query("DELETE FROM notifications");
  });
  beforeEach(() => t.db.query("DELETE FROM directory_changes WHERE service_id IN ($1, $2)", [first, second]));

  test('the queue shows waiting changes oldest first, each with only what changed, before and after', async () => {
    await edit(await provider(), second, { phone: '01632 960 222' });
    await edit(await provider(), first, { name: 'Walk and Talk Dartford', url: 'walk-dartford.example.org' });
    const page = await (await admin()).get('/admin/directory/changes');
    assert.equal(page.statusCode, 200);
    const secondAt = page.body.indexOf(`Walk and Talk ${second}`);
    const firstAt = page.body.indexOf(`Walk and Talk ${first}`);
    assert.ok(secondAt > 0 && firstAt > secondAt, 'oldest first');

    const review = await (await admin()).get(`/admin/directory/changes/${(await pendingChanges(first))[0]!.id}`);
    const table = /<table class="nhsuk-table">([\s\S]*?)<\/table>/.exec(review.body)![1]!;
    const headers = [...table.matchAll(/<th scope="col"[^>]*>([^<]+)<\/th>/g)].map((m) => m[1]);
    assert.deepEqual(headers, ['Detail', 'Before', 'After']);
    const rows = [...table.matchAll(/<tr class="nhsuk-table__row">\s*<th scope="row"[^>]*>([^<]+)<\/th>\s*<td[^>]*>([^<]*)<\/td>\s*<td[^>]*>([^<]*)<\/td>/g)].map((m) => [m[1], m[2], m[3]]);
    assert.deepEqual(rows, [
      ['Name', `Walk and Talk ${first}`, 'Walk and Talk Dartford'],
      ['Website', 'https://walk.example.org', 'https://walk-dartford.example.org'],
    ]);
  });

  test('approving applies the change, confirms the listing and emails the provider', async () => {
    await t.db.query("UPDATE directory_services SET last_confirmed_at = '2024-06-01' WHERE tenant_id = 'kent' AND id = $1", [first]);
    await edit(await provider(), first, { phone: '0800 123 4567', 'hours-FR-opens': '09:00', 'hours-FR-closes': '17:00' });
    const before = (await getListing(t.db, 'kent', first))!;
    const change = (await pendingChanges(first))[0]!;
    const response = await (await admin()).submit(`/admin/directory/changes/${change.id}`, {}, `/admin/directory/changes/${change.id}/approve`);
    assert.equal(response.statusCode, 303);

    const after = (await getListing(t.db, 'kent', first))!;
    assert.equal(after.phone, '0800 123 4567');
    assert.ok(after.hours.some((h) => h.day === 'FR' && h.opens === '09:00' && h.closes === '17:00'));
    assert.equal(after.version, before.version + 1);
    assert.ok(Date.now() - after.lastConfirmedAt.getTime() < 60_000, 'confirmed now');
    assert.equal((await pendingChanges(first))[0]!.status, 'approved');

    const { rows } = await t.db.query<{ recipient: string; template: string; personalisation: Record<string, string>; status: string }>(
      "SELECT recipient, template, personalisation, status FROM notifications WHERE reference = $1", [`directory_change:${change.id}`],
    );
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.recipient, demoEmail('provider'));
    assert.equal(rows[0]!.template, 'listing-change-approved');
    assert.match(rows[0]!.personalisation.body!, /approved the change you made/);
    const jobs = await t.db.query("SELECT 1 FROM jobs WHERE kind = 'notification.deliver'");
    assert.ok(jobs.rows.length >= 1, 'a delivery job waits');
    assert.equal((await lastAudit('listing_change_approved'))?.record_id, first);

    const page = await (await admin()).get(`/admin/directory/listings/${first}`);
    assert.match(page.body, /0800 123 4567/);
    const done = await (await admin()).get(`/admin/directory/changes/${change.id}`);
    assert.match(done.body, /Approved by Helen Marsh/);
    assert.doesNotMatch(done.body, /Approve and publish/);
  });

  test('rejecting needs a reason, which the provider is sent and sees', async () => {
    await edit(await provider(), second, { summary: 'Free beer' });
    const change = (await pendingChanges(second))[0]!;
    const empty = await (await admin()).submit(`/admin/directory/changes/${change.id}`, { reason: ' ' }, `/admin/directory/changes/${change.id}/reject`);
    assert.equal(empty.statusCode, 400);
    assert.deepEqual(errorSummary(empty.body), ['#reason: Enter why you are not approving this change. The provider will see it']);
    const response = await (await admin()).submit(`/admin/directory/changes/${change.id}`, { reason: 'We cannot list alcohol.' }, `/admin/directory/changes/${change.id}/reject`);
    assert.equal(response.statusCode, 303);
    assert.equal((await pendingChanges(second))[0]!.status, 'rejected');
    assert.equal((await getListing(t.db, 'kent', second))!.summary, 'A friendly walk in the park with time to chat.');
    const { rows } = await t.db.query<{ template: string; personalisation: Record<string, string> }>(
      'SELECT template, personalisation FROM notifications WHERE reference = $1', [`directory_change:${change.id}`],
    );
    assert.equal(rows[0]!.template, 'listing-change-rejected');
    assert.match(rows[0]!.personalisation.body!, /We cannot list alcohol\./);
    const page = await (await provider()).get(`/manage/listings/${second}`);
    assert.match(page.body, /The last change was not approved/);
    assert.match(page.body, /We cannot list alcohol\./);
    assert.equal((await lastAudit('listing_change_rejected'))?.record_id, second);
  });

  test('a change to a listing that changed since it was proposed cannot be approved', async () => {
    await edit(await provider(), first, { phone: '01632 960 444' });
    const change = (await pendingChanges(first))[0]!;
    const client = await admin();
    const review = await client.get(`/admin/directory/changes/${change.id}`);
    const revision = /name="revision" value="([^"]+)"/.exec(review.body)![1]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(review.body)![1]!;
    // meanwhile the listing is corrected directly
    await edit(client, first, { email: 'new@walk.example.org' }, '/admin/directory/listings');
    const response = await client.post(`/admin/directory/changes/${change.id}/approve`, { _csrf: csrf, revision: decode(revision) });
    assert.equal(response.statusCode, 409);
    assert.deepEqual(errorSummary(response.body), [
      '#approve: This listing has changed since this change was proposed, so approving it would undo those later changes. Reject this change, saying why, and ask the provider to make it again on the listing as it is now.',
    ]);
    const listing = (await getListing(t.db, 'kent', first))!;
    assert.equal(listing.email, 'new@walk.example.org', 'the later change stays');
    assert.notEqual(listing.phone, '01632 960 444');
    assert.equal((await pendingChanges(first))[0]!.status, 'pending');
    const again = await client.get(`/admin/directory/changes/${change.id}`);
    assert.match(again.body, /This change can no longer be approved/);
    assert.doesNotMatch(again.body, /Approve and publish/);
  });

  test('a proposal the provider changed after the page was opened is not approved unseen', async () => {
    await edit(await provider(), second, { phone: '01632 960 555' });
    const change = (await pendingChanges(second))[0]!;
    const client = await admin();
    const review = await client.get(`/admin/directory/changes/${change.id}`);
    const revision = decode(/name="revision" value="([^"]+)"/.exec(review.body)![1]!);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(review.body)![1]!;
    await edit(await provider(), second, { phone: '01632 960 666' });
    const response = await client.post(`/admin/directory/changes/${change.id}/approve`, { _csrf: csrf, revision });
    assert.equal(response.statusCode, 409);
    assert.match(response.body, /The provider changed this proposal after you opened it/);
    assert.match(response.body, /01632 960 666/, 'the page shows the proposal as it is now');
    assert.notEqual((await getListing(t.db, 'kent', second))!.phone, '01632 960 666');
  });

  test('another tenant’s administrator cannot see or decide a change (404)', async () => {
    await edit(await provider(), first, { phone: '01632 960 777' });
    const change = (await pendingChanges(first))[0]!;
    const kingston = await as(demoEmail('admin', 'kingston'));
    assert.equal((await kingston.get(`/admin/directory/changes/${change.id}`)).statusCode, 404);
    assert.doesNotMatch((await kingston.get('/admin/directory/changes')).body, new RegExp(first));
    const page = await kingston.get('/admin/directory/changes');
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await kingston.get('/admin/directory/listings/manage-kingston-1')).body)![1]!;
    assert.equal(page.statusCode, 200);
    const approve = await kingston.post(`/admin/directory/changes/${change.id}/approve`, { _csrf: csrf, revision: 'x' });
    assert.equal(approve.statusCode, 404);
    assert.equal((await pendingChanges(first))[0]!.status, 'pending');
  });
});

describe('confirming a listing is still right', () => {
  const id = 'manage-shed-confirm';
  before(() => save(testListing(id, orgs.shed, { lastConfirmedAt: new Date('2024-01-01T12:00:00Z') })));

  test('one click, by the provider', async () => {
    const client = await provider();
    const page = await client.get(`/manage/listings/${id}`);
    assert.match(page.body, /This listing may be out of date/);
    const response = await client.submit(`/manage/listings/${id}`, {});
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, `/manage/listings/${id}?done=confirmed`);
    const listing = (await getListing(t.db, 'kent', id))!;
    assert.ok(Date.now() - listing.lastConfirmedAt.getTime() < 60_000);
    assert.equal((await lastAudit('listing_confirmed'))?.actor_role, 'provider');
    assert.doesNotMatch((await client.get(`/manage/listings/${id}`)).body, /may be out of date/);
  });
});
