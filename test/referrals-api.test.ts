// The partner referrals API, as a partner system meets it: keys in the Authorization header,
// referrals validated field by field with JSON pointers, one referral however often (or however
// concurrently) it is sent, progress of its own organisation's referrals only, every call audited
// as the organisation, and every answer exactly as the OpenAPI description says.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, demoEmail, type TestApp } from './support/app.ts';
import { ApiCaller, doc, documented, keyFor, openApiAjv, referralBody, resolve, escapePointer, validatorAt, type MediaType } from './support/api.ts';
import { FIELDS } from '../src/features/referrals/api/request.ts';
import { NEEDS_TERMS } from '../src/seed/taxonomy.ts';
import { REFERRER_STATUS } from '../src/domain/referral-states.ts';
import { changeState, withReferral } from '../src/features/referrals/service.ts';
import { staffContextFor, type StaffContext } from '../src/platform/context.ts';
import { LIMITS, readReferralRequest } from '../src/features/referrals/api/request.ts';
import { KNOWN_NEEDS } from '../src/features/referrals/api/service.ts';
import fc from 'fast-check';

let t: TestApp;
let gp: { key: string; keyId: string; organisationId: string };
let police: { key: string; keyId: string; organisationId: string };
let kingston: { key: string; keyId: string; organisationId: string };
let asGp: ApiCaller;
let asPolice: ApiCaller;
let asKingston: ApiCaller;

before(async () => {
  t = await startTestApp();
  gp = await keyFor(t.db, 'kent', 'Riverside Surgery (demo)');
  police = await keyFor(t.db, 'kent', 'Kent Police');
  kingston = await keyFor(t.db, 'kingston', 'Metropolitan Police (South West)');
  asGp = new ApiCaller(t, gp.key);
  asPolice = new ApiCaller(t, police.key);
  asKingston = new ApiCaller(t, kingston.key);
});
after(() => t.close());

const staffCtx = (role: string): Promise<StaffContext> => staffContextFor(t.db, demoEmail(role));

const count = async (sql: string, params: unknown[] = []) => Number((await t.db.query<{ n: number }>(sql, params)).rows[0]!.n);

describe('the API description', () => {
  test('is served without a key as OpenAPI 3.1, and every schema in it compiles under JSON Schema 2020-12 (strict)', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    const served = JSON.parse(response.body);
    assert.equal(served.openapi, '3.1.0');
    assert.deepEqual(served, JSON.parse(JSON.stringify(doc)));
    const ajv = openApiAjv();
    let compiled = 0;
    const walk = (node: unknown, pointer: string): void => {
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        const here = `${pointer}/${escapePointer(key)}`;
        const isSchema = key === 'schema' || pointer === '/components/schemas';
        if (isSchema && value && typeof value === 'object') {
          ajv.compile({ $ref: `https://lantern.test/api/v1/openapi.json#${here}` });
          compiled++;
        } else walk(value, here);
      }
    };
    walk(served, '');
    assert.ok(compiled >= 20, `compiled ${compiled} schemas`);
  });

  test('every $ref points at something, and every example is valid against its own schema', () => {
    const refs: string[] = [];
    const collect = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') refs.push(value);
        else collect(value);
      }
    };
    collect(doc);
    assert.ok(refs.length > 10);
    for (const ref of refs) resolve({ $ref: ref });

    let examples = 0;
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const base = `/paths/${escapePointer(template)}/${method}`;
        const media: [string, MediaType][] = [];
        const requestJson = operation.requestBody?.content['application/json'];
        if (requestJson) media.push([`${base}/requestBody/content/application~1json`, requestJson]);
        for (const [status, response] of Object.entries(operation.responses)) {
          const { value, pointer } = resolve(response);
          const json = value.content?.['application/json'];
          if (json) media.push([`${pointer ?? `${base}/responses/${status}`}/content/application~1json`, json]);
        }
        for (const [pointer, content] of media) {
          for (const [name, example] of Object.entries(content.examples ?? {})) {
            const validate = validatorAt(`${pointer}/schema`);
            assert.ok(validate(example.value), `example ${name} at ${pointer}: ${JSON.stringify(validate.errors)}`);
            examples++;
          }
        }
      }
    }
    assert.ok(examples >= 10, `${examples} examples checked`);
  });

  test('names every need, documents the key, the idempotency header and a 401 on every call that needs a key', () => {
    assert.deepEqual(doc.components.schemas.Need!.enum, NEEDS_TERMS.map((n) => n.id));
    for (const part of ['person', 'contactPreferences', 'consent', 'referrer'] as const) {
      const schema = { person: 'Person', contactPreferences: 'ContactPreferences', consent: 'Consent', referrer: 'Referrer' }[part];
      assert.deepEqual(Object.keys(doc.components.schemas[schema]!.properties!), [...FIELDS[part]], `${schema} documents the fields the API reads`);
    }
    assert.deepEqual(Object.keys(doc.components.schemas.ReferralRequest!.properties!), [...FIELDS.referral]);
    for (const need of NEEDS_TERMS) assert.ok(doc.info.description.includes(need.id), `${need.id} listed in the description`);
    assert.deepEqual(doc.components.securitySchemes.apiKey, { ...doc.components.securitySchemes.apiKey, type: 'http', scheme: 'bearer' });
    assert.equal(doc.components.parameters.IdempotencyKey!.required, true);
    assert.deepEqual(doc.paths['/referrals']!.post!.parameters, [{ $ref: '#/components/parameters/IdempotencyKey' }]);
    const ids = new Set<string>();
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const operation of Object.values(item)) {
        assert.ok(!ids.has(operation.operationId), `operationId ${operation.operationId} is unique`);
        ids.add(operation.operationId);
        if (template !== '/openapi.json') assert.ok(operation.responses['401'], `${template} documents 401`);
      }
    }
  });
});

describe('keys', () => {
  test('no key, a malformed header, a malformed key and an unknown key are each refused with 401, WWW-Authenticate and a plain message', async () => {
    const cases: [ApiCaller, Record<string, string>, RegExp][] = [
      [new ApiCaller(t, null), {}, /^Send your organisation’s API key in the Authorization header/],
      [new ApiCaller(t, null), { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, /must be the word Bearer, a space, and your API key/],
      [new ApiCaller(t, 'not-a-key'), {}, /^This is not a Lantern API key/],
      [new ApiCaller(t, `lantern_live_${'A'.repeat(43)}`), {}, /^This API key is not known/],
    ];
    for (const [caller, headers, message] of cases) {
      const response = await caller.call('GET', '/api/v1/referrals', { headers });
      assert.equal(response.status, 401);
      assert.match(String(response.headers['www-authenticate']), /^Bearer realm="Lantern partner API"/);
      assert.equal(response.body.error.code, 'unauthenticated');
      assert.match(response.body.error.message, message);
      assert.equal(response.headers['set-cookie'], undefined, 'the API sets no cookies');
    }
  });

  test('a key is checked before the body is read: an unknown caller cannot post anything', async () => {
    const response = await new ApiCaller(t, null).call('POST', '/api/v1/referrals', { body: '{not json', headers: { 'idempotency-key': 'x' } });
    assert.equal(response.status, 401);
  });

  test('a signed-in staff session is not a key', async () => {
    const admin = await t.signedIn(demoEmail('admin'));
    const response = await admin.get('/api/v1/referrals');
    assert.equal(response.statusCode, 401);
    documented('GET', '/api/v1/referrals', response);
  });

  test('last used is recorded at most once a minute per key', async () => {
    const { key, keyId } = await keyFor(t.db, 'kent', 'Kent Police', 'Last used');
    const caller = new ApiCaller(t, key);
    const lastUsed = async () => (await t.db.query<{ at: Date | null }>('SELECT last_used_at AS at FROM api_keys WHERE id = $1', [keyId])).rows[0]!.at;
    assert.equal(await lastUsed(), null);
    await caller.get('/api/v1/referrals');
    const first = await lastUsed();
    assert.ok(first);
    await t.db.query("UPDATE api_keys SET last_used_at = now() - interval '30 seconds' WHERE id = $1", [keyId]);
    const moved = await lastUsed();
    await caller.get('/api/v1/referrals');
    assert.equal((await lastUsed())!.getTime(), moved!.getTime(), 'not written again within the minute');
    await t.db.query("UPDATE api_keys SET last_used_at = now() - interval '61 seconds' WHERE id = $1", [keyId]);
    await caller.get('/api/v1/referrals');
    assert.ok((await lastUsed())!.getTime() > moved!.getTime(), 'written again after a minute');
  });

  test('a revoked key is refused from the very next request, and the attempt is audited', async () => {
    const { key, keyId, organisationId } = await keyFor(t.db, 'kent', 'Kent Police', 'To revoke');
    const caller = new ApiCaller(t, key);
    assert.equal((await caller.get('/api/v1/referrals')).status, 200);
    await t.db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [keyId]);
    const refused = await caller.get('/api/v1/referrals');
    assert.equal(refused.status, 401);
    assert.match(refused.body.error.message, /^This API key has been revoked\. Ask your Lantern administrator for a new key\.$/);
    const audit = await t.db.query<{ actor_role: string; actor_organisation_id: string; outcome: string; detail: { apiKeyId: string } }>(
      "SELECT actor_role, actor_organisation_id, outcome, detail FROM audit_events WHERE action = 'api.authenticate' AND record_id = $1", [keyId],
    );
    assert.deepEqual(audit.rows.map((r) => [r.actor_role, r.actor_organisation_id, r.outcome, r.detail.apiKeyId]), [['api', organisationId, 'denied', keyId]]);
  });
});

describe('sending a referral', () => {
  test('makes one referral counted under the organisation’s source, by the API channel, acknowledged to the referrer', async () => {
    const body = referralBody({ person: { ...referralBody().person, gpPracticeOdsCode: 'g82902', nhsNumber: '943 476 5919' }, urgency: 'urgent' });
    const response = await asPolice.submit(body);
    assert.equal(response.status, 201);
    const ack = response.body;
    assert.match(ack.reference, /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    assert.deepEqual(Object.keys(ack).sort(), ['id', 'links', 'receivedAt', 'reference', 'status', 'statusText']);
    assert.equal(ack.status, 'received');
    assert.equal(ack.statusText, REFERRER_STATUS.received);
    assert.equal(ack.links.self, `/api/v1/referrals/${ack.reference}`);
    assert.equal(response.headers.location, ack.links.self);
    assert.equal(response.headers['idempotent-replayed'], undefined);
    assert.equal(response.headers['cache-control'], 'no-store');

    const { rows } = await t.db.query<{
      source: string; channel: string; referrer_organisation_id: string; referrer_name: string; person_consents: boolean; consent_gp_share: boolean;
      gp_name: string; urgency: string; due_at: Date; received_at: Date; needs: string[]; nhs_number: string; postcode: string; district: string;
    }>(
      `SELECT r.source, r.channel, r.referrer_organisation_id, r.referrer_name, r.person_consents, r.consent_gp_share, gp.name AS gp_name,
              r.urgency, r.due_at, r.received_at, r.needs, r.nhs_number, r.postcode, r.district
         FROM referrals r LEFT JOIN organisations gp ON gp.tenant_id = r.tenant_id AND gp.id = r.gp_organisation_id
        WHERE r.id = $1`, [ack.id],
    );
    const r = rows[0]!;
    assert.equal(r.source, 'police');
    assert.equal(r.channel, 'api');
    assert.equal(r.referrer_organisation_id, police.organisationId);
    assert.equal(r.referrer_name, 'Dr Alex Morgan');
    assert.equal(r.person_consents, true);
    assert.equal(r.consent_gp_share, true);
    assert.equal(r.gp_name, 'Thames View Medical Centre (demo)', 'the ODS code links the practice');
    assert.equal(r.urgency, 'urgent');
    assert.equal(r.due_at.getTime() - r.received_at.getTime(), 24 * 3600 * 1000);
    assert.deepEqual(r.needs, ['lantern-needs:depression']);
    assert.equal(r.nhs_number, '9434765919');
    assert.equal(r.district, 'DA1');

    const acks = await t.db.query<{ channel: string; recipient: string; personalisation: { body: string } }>(
      'SELECT channel, recipient, personalisation FROM notifications WHERE reference = $1', [`referral-ack:${ack.reference}`],
    );
    assert.deepEqual(acks.rows.map((a) => [a.channel, a.recipient]), [['email', 'alex.morgan@example.org']]);
    assert.match(acks.rows[0]!.personalisation.body, new RegExp(ack.reference));
    assert.doesNotMatch(acks.rows[0]!.personalisation.body, /Apitest|Robin/, 'no names in messages that leave Lantern');
  });

  test('an organisation without a source of its own counts as other; a practice Lantern does not know is kept by name and code', async () => {
    const { rows } = await t.db.query<{ name: string }>("SELECT name FROM organisations WHERE tenant_id = 'kent' AND referral_source IS NULL AND kind = 'strategic_partner' LIMIT 1");
    const partner = new ApiCaller(t, (await keyFor(t.db, 'kent', rows[0]!.name)).key);
    const response = await partner.submit(referralBody({ person: { ...referralBody().person, gpPracticeName: 'Harbour Surgery', gpPracticeOdsCode: 'Y99999' } }));
    assert.equal(response.status, 201);
    const r = (await t.db.query<{ source: string; gp_organisation_id: string | null; gp_practice_name: string }>(
      'SELECT source, gp_organisation_id, gp_practice_name FROM referrals WHERE id = $1', [response.body.id],
    )).rows[0]!;
    assert.deepEqual(r, { source: 'other', gp_organisation_id: null, gp_practice_name: 'Harbour Surgery (ODS code Y99999)' });
  });

  test('a crisis referral goes to the top: urgency crisis, and the single point of access is told', async () => {
    const response = await asGp.submit(referralBody({ crisis: true }));
    assert.equal(response.status, 201);
    const r = (await t.db.query<{ urgency: string }>('SELECT urgency FROM referrals WHERE id = $1', [response.body.id])).rows[0]!;
    assert.equal(r.urgency, 'crisis');
    assert.equal(await count('SELECT count(*) AS n FROM notifications WHERE reference = $1', [`referral:${response.body.id}:crisis`]), 1);
  });

  test('field problems are listed by JSON pointer with specific messages, and nothing is saved', async () => {
    const before = await count('SELECT count(*) AS n FROM referrals');
    const body = referralBody();
    body.person.dateOfBirth = '2099-01-01';
    body.person.nhsNumber = '1234567890';
    body.person.shoeSize = 9;
    body.needs = ['lantern-needs:depression', 'sadness'];
    body.consent.personAgrees = false;
    const response = await asGp.submit(body);
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'invalid');
    assert.match(response.body.error.message, /Nothing has been saved/);
    assert.deepEqual(response.body.error.fields, [
      { field: '/person/shoeSize', message: 'Remove "shoeSize": person has no such field. Its fields are givenName, familyName, dateOfBirth, nhsNumber, postcode, phone, email, gpPracticeName, gpPracticeOdsCode' },
      { field: '/person/dateOfBirth', message: 'The person’s date of birth must be in the past' },
      { field: '/person/nhsNumber', message: 'Enter a valid NHS number. Check it against a letter from the NHS or the NHS App' },
      { field: '/consent/personAgrees', message: 'Refer someone only when they agree to it. Ask them first, then send the referral with personAgrees set to true' },
      { field: '/needs/1', message: 'Unknown need "sadness". Use an id from the list in the API description (GET /api/v1/openapi.json), like "lantern-needs:anxiety"' },
    ]);
    assert.equal(typeof response.body.error.requestId, 'string');
    assert.equal(await count('SELECT count(*) AS n FROM referrals'), before);
  });

  test('the Idempotency-Key header is required and must be 1 to 200 printable characters', async () => {
    const missing = await asGp.submit(referralBody(), null);
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.code, 'idempotency_key');
    assert.match(missing.body.error.message, /^Send an Idempotency-Key header/);
    assert.deepEqual(missing.body.error.fields.map((f: { field: string }) => f.field), ['Idempotency-Key']);
    const long = await asGp.submit(referralBody(), 'k'.repeat(201));
    assert.equal(long.status, 400);
    assert.match(long.body.error.message, /1 to 200 printable characters/);
    assert.equal((await asGp.submit(referralBody(), 'k'.repeat(200))).status, 201);
  });

  test('only JSON is read: other content types 415, broken JSON 400, more than the limit 413', async () => {
    const form = await asGp.call('POST', '/api/v1/referrals', { body: 'reason=hello', headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': 'f1' } });
    assert.equal(form.status, 415);
    assert.match(form.body.error.message, /Content-Type: application\/json/);
    const broken = await asGp.call('POST', '/api/v1/referrals', { body: '{"person": ', headers: { 'idempotency-key': 'f2' } });
    assert.equal(broken.status, 400);
    assert.equal(broken.body.error.code, 'invalid_json');
    const poisoned = await asGp.call('POST', '/api/v1/referrals', { body: '{"__proto__": {"admin": true}}', headers: { 'idempotency-key': 'f3' } });
    assert.equal(poisoned.status, 400);
    const large = await asGp.submit(referralBody({ reason: 'x'.repeat(LIMITS.body) }));
    assert.equal(large.status, 413);
    assert.equal(large.body.error.code, 'too_large');
  });
});

describe('idempotency', () => {
  test('the same key and body again gives the same referral with 200 and Idempotent-Replayed; a different body is refused with 422', async () => {
    const body = referralBody();
    const key = crypto.randomUUID();
    const first = await asGp.submit(body, key);
    const again = await asGp.submit(structuredClone(body), key);
    assert.equal(first.status, 201);
    assert.equal(again.status, 200);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.headers.location, first.headers.location);
    assert.deepEqual(again.body, first.body);
    const changed = await asGp.submit({ ...body, reason: 'Something else entirely' }, key);
    assert.equal(changed.status, 422);
    assert.equal(changed.body.error.code, 'idempotency_key_reused');
    assert.equal(await count('SELECT count(*) AS n FROM referrals WHERE idempotency_key = $1', [`api:${gp.organisationId}:${key}`]), 1);
    const replays = await t.db.query<{ actor_role: string; detail: { apiKeyId: string } }>(
      "SELECT actor_role, detail FROM audit_events WHERE action = 'referral.submit_replayed' AND record_id = $1", [first.body.id],
    );
    assert.deepEqual(replays.rows.map((r) => [r.actor_role, r.detail.apiKeyId]), [['api', gp.keyId]]);
  });

  test('two organisations choosing the same key make two referrals', async () => {
    const key = 'shared-key-1';
    const a = await asGp.submit(referralBody(), key);
    const b = await asPolice.submit(referralBody(), key);
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.notEqual(a.body.id, b.body.id);
  });

  async function assertOneReferral(key: string, statuses: number[], ids: string[]): Promise<void> {
    assert.equal(new Set(ids).size, 1, 'every answer names the same referral');
    assert.deepEqual(statuses.filter((s) => s === 201).length, 1, 'exactly one was created');
    assert.deepEqual(statuses.filter((s) => s === 200).length, statuses.length - 1, 'the rest were replays');
    assert.equal(await count('SELECT count(*) AS n FROM referrals WHERE idempotency_key = $1', [`api:${gp.organisationId}:${key}`]), 1);
    const reference = (await t.db.query<{ reference: string }>('SELECT reference FROM referrals WHERE id = $1', [ids[0]])).rows[0]!.reference;
    assert.equal(await count('SELECT count(*) AS n FROM notifications WHERE reference = $1', [`referral-ack:${reference}`]), 1, 'one acknowledgement');
    assert.equal(await count("SELECT count(*) AS n FROM audit_events WHERE action = 'referral.submit' AND outcome = 'success' AND record_id = $1", [ids[0]]), 1);
  }

  test('100 identical submissions at once (inject) make one referral and one acknowledgement', async () => {
    const body = referralBody();
    const key = crypto.randomUUID();
    const responses = await Promise.all(Array.from({ length: 100 }, () => asGp.submit(structuredClone(body), key)));
    await assertOneReferral(key, responses.map((r) => r.status), responses.map((r) => r.body.id));
    for (const r of responses) if (r.status === 200) assert.equal(r.headers['idempotent-replayed'], 'true');
  });

  test('100 identical submissions at once over real HTTP make one referral and one acknowledgement', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    assert.ok(address && typeof address === 'object');
    const url = `http://127.0.0.1:${address.port}/api/v1/referrals`;
    const body = JSON.stringify(referralBody());
    const key = crypto.randomUUID();
    const responses = await Promise.all(Array.from({ length: 100 }, async () => {
      const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${gp.key}`, 'content-type': 'application/json', 'idempotency-key': key }, body });
      const text = await response.text();
      documented('POST', '/api/v1/referrals', { statusCode: response.status, body: text });
      return { status: response.status, id: JSON.parse(text).id as string, replayed: response.headers.get('idempotent-replayed') };
    }));
    await assertOneReferral(key, responses.map((r) => r.status), responses.map((r) => r.id));
    assert.equal(responses.filter((r) => r.replayed === 'true').length, 99);
  });

  test('500 different submissions at once make 500 referrals, each acknowledged once', async () => {
    const before = await count('SELECT count(*) AS n FROM referrals');
    const responses = await Promise.all(Array.from({ length: 500 }, () => asGp.submit(referralBody())));
    assert.deepEqual([...new Set(responses.map((r) => r.status))], [201]);
    const references = responses.map((r) => r.body.reference as string);
    assert.equal(new Set(references).size, 500);
    assert.equal(await count('SELECT count(*) AS n FROM referrals'), before + 500);
    const acks = await t.db.query<{ reference: string; n: number }>(
      "SELECT reference, count(*) AS n FROM notifications WHERE reference = ANY($1::text[]) GROUP BY reference",
      [references.map((r) => `referral-ack:${r}`)],
    );
    assert.equal(acks.rows.length, 500);
    assert.ok(acks.rows.every((a) => Number(a.n) === 1));
  });
});

describe('following progress', () => {
  test('an organisation reads its own referral’s progress; another organisation and another tenant get 404', async () => {
    const sent = (await asGp.submit(referralBody())).body;
    const own = await asGp.get(`/api/v1/referrals/${sent.reference}`);
    assert.equal(own.status, 200);
    assert.deepEqual(Object.keys(own.body).sort(), ['id', 'links', 'receivedAt', 'reference', 'status', 'statusText', 'updatedAt']);
    assert.equal(own.body.receivedAt, sent.receivedAt);
    const typed = await asGp.get(`/api/v1/referrals/${sent.reference.replace('-', '').toLowerCase()}`);
    assert.equal(typed.status, 200, 'case and the hyphen do not matter');
    for (const [caller, who] of [[asPolice, 'another organisation'], [asKingston, 'another tenant']] as const) {
      const refused = await caller.get(`/api/v1/referrals/${sent.reference}`);
      assert.equal(refused.status, 404, who);
      assert.equal(refused.body.error.code, 'not_found');
    }
    assert.equal((await asGp.get('/api/v1/referrals/NOT-AREF')).status, 404);

    const audit = await t.db.query<{ outcome: string; actor_role: string; actor_organisation_id: string; tenant_id: string; basis: string; detail: { apiKeyId: string } }>(
      "SELECT outcome, actor_role, actor_organisation_id, tenant_id, basis, detail FROM audit_events WHERE action = 'referral.status' AND record_id = $1 ORDER BY id", [sent.id],
    );
    assert.deepEqual(audit.rows.map((r) => [r.outcome, r.actor_role, r.actor_organisation_id, r.tenant_id, r.basis, r.detail.apiKeyId]), [
      ['success', 'api', gp.organisationId, 'kent', 'referring organisation', gp.keyId],
      ['success', 'api', gp.organisationId, 'kent', 'referring organisation', gp.keyId],
      ['denied', 'api', police.organisationId, 'kent', 'sent by another organisation', police.keyId],
    ]);
    const kingstonDenied = await count("SELECT count(*) AS n FROM audit_events WHERE action = 'referral.status' AND tenant_id = 'kingston' AND outcome = 'denied' AND basis = 'not found in tenant'");
    assert.equal(kingstonDenied, 1, 'the other tenant’s attempt is audited in its own tenant, without the referral');
  });

  test('the submission is audited as the organisation with its key', async () => {
    const sent = (await asPolice.submit(referralBody())).body;
    const { rows } = await t.db.query<{ actor_role: string; actor_user_id: string | null; actor_organisation_id: string; tenant_id: string; basis: string; person_id: string | null; detail: { apiKeyId: string; channel: string } }>(
      "SELECT actor_role, actor_user_id, actor_organisation_id, tenant_id, basis, person_id, detail FROM audit_events WHERE action = 'referral.submit' AND record_id = $1", [sent.id],
    );
    assert.equal(rows.length, 1);
    const row = rows[0]!;
    assert.deepEqual([row.actor_role, row.actor_user_id, row.actor_organisation_id, row.tenant_id, row.basis], ['api', null, police.organisationId, 'kent', 'partner system']);
    assert.equal(row.detail.apiKeyId, police.keyId);
    assert.equal(row.detail.channel, 'api');
    assert.ok(row.person_id, 'a new person record');
  });

  test('a closed referral shows a reason category, never the worker’s note', async () => {
    const sent = (await asGp.submit(referralBody())).body;
    const triage = await staffCtx('triage');
    await withReferral(triage, sent.id, 'update', (tx, access) => changeState(tx, triage, access, 'unable_to_sign_up', {
      closedAt: new Date(), closeReason: 'no_response', closeNote: 'Three calls; partner answered and sounded angry.',
    }));
    const closed = await asGp.get(`/api/v1/referrals/${sent.reference}`);
    assert.equal(closed.status, 200);
    assert.equal(closed.body.status, 'unable_to_sign_up');
    assert.equal(closed.body.statusText, REFERRER_STATUS.unable_to_sign_up);
    assert.deepEqual(Object.keys(closed.body.closure).sort(), ['closedAt', 'reason', 'reasonText']);
    assert.equal(closed.body.closure.reason, 'no_response');
    assert.equal(closed.body.closure.reasonText, 'No response after several attempts to contact');
    assert.doesNotMatch(closed.raw.body, /angry|Three calls/);
    assert.ok(closed.body.updatedAt > sent.receivedAt);
  });

  test('the list holds only the organisation’s own referrals, a page at a time, each once, in the order they changed', async () => {
    const caller = new ApiCaller(t, (await keyFor(t.db, 'kent', 'Probation Service (Kent, Surrey and Sussex)')).key);
    const empty = await caller.get('/api/v1/referrals');
    assert.deepEqual(empty.body, { data: [], nextCursor: null, links: { self: '/api/v1/referrals', next: null } });
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) sent.push((await caller.submit(referralBody())).body.reference);
    const seen: string[] = [];
    let url = '/api/v1/referrals?limit=2';
    let pages = 0;
    for (;;) {
      const page = await caller.get(url);
      assert.equal(page.status, 200);
      pages++;
      seen.push(...page.body.data.map((r: { reference: string }) => r.reference));
      if (!page.body.links.next) break;
      url = page.body.links.next;
    }
    assert.deepEqual(seen, sent, 'every referral once, in the order they changed');
    assert.equal(pages, 3);

    // Polling: keep the last nextCursor; later, only what changed since comes back.
    const all = await caller.get('/api/v1/referrals?limit=100');
    const cursor = all.body.nextCursor;
    assert.deepEqual((await caller.get(`/api/v1/referrals?cursor=${cursor}`)).body.data, []);
    const triage = await staffCtx('triage');
    const changedId = all.body.data[1]!.id;
    await withReferral(triage, changedId, 'update', (tx, access) => changeState(tx, triage, access, 'withdraw', {
      closedAt: new Date(), closeReason: 'duplicate', closeNote: null,
    }));
    const polled = await caller.get(`/api/v1/referrals?cursor=${cursor}`);
    assert.deepEqual(polled.body.data.map((r: { id: string }) => r.id), [changedId]);
    assert.equal(polled.body.data[0]!.status, 'withdrawn');
    assert.equal(polled.body.data[0]!.closure.reason, 'duplicate');
    assert.notEqual(polled.body.nextCursor, cursor);

    const since = await caller.get(`/api/v1/referrals?updatedSince=${encodeURIComponent(polled.body.data[0]!.updatedAt)}`);
    assert.deepEqual(since.body.data.map((r: { id: string }) => r.id), [changedId]);

    // Nobody else's referrals, in the same tenant or another.
    const policeList = await asPolice.get('/api/v1/referrals?limit=100');
    assert.ok(policeList.body.data.every((r: { reference: string }) => !sent.includes(r.reference)));
    const kingstonList = await asKingston.get('/api/v1/referrals?limit=100');
    assert.deepEqual(kingstonList.body.data, []);
    const listed = await t.db.query<{ actor_role: string; detail: { count: number; apiKeyId: string } }>(
      "SELECT actor_role, detail FROM audit_events WHERE action = 'referral.status_list' AND actor_organisation_id = $1 ORDER BY id", [police.organisationId],
    );
    assert.ok(listed.rows.some((r) => r.actor_role === 'api' && r.detail.apiKeyId === police.keyId));
  });

  test('query problems are named by parameter', async () => {
    const response = await asGp.get('/api/v1/referrals?limit=1000&updatedSince=yesterday&cursor=abc&sort=new');
    assert.equal(response.status, 400);
    assert.deepEqual(response.body.error.fields.map((f: { field: string }) => f.field), ['sort', 'updatedSince', 'limit', 'cursor']);
    assert.match(response.body.error.fields[1]!.message, /like 2026-03-01T09:00:00Z/);
  });
});

describe('the description matches what the API does', () => {
  test('property: every body the API accepts is valid against the documented request schema', () => {
    const requestSchema = validatorAt('/components/schemas/ReferralRequest');
    const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
    const name = fc.stringMatching(/^[A-Z][a-z' -]{0,30}$/);
    const body = fc.record({
      person: fc.record({
        givenName: name,
        familyName: name,
        dateOfBirth: fc.date({ min: new Date('1900-01-02T00:00:00Z'), max: new Date('2020-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
        nhsNumber: maybe(fc.constantFrom('9434765919', '943 476 5919', '943-476-5919')),
        postcode: maybe(fc.constantFrom('ME4 4QF', 'me44qf', 'DA1 1AA')),
        phone: maybe(fc.constantFrom('07700 900982', '+447700900982', '01632 960 001')),
        email: maybe(fc.constantFrom('sam@example.com', 'Sam.Taylor@Example.org')),
        gpPracticeName: maybe(fc.string({ maxLength: 50 })),
        gpPracticeOdsCode: maybe(fc.stringMatching(/^[A-Za-z0-9]{3,10}$/)),
      }, { requiredKeys: ['givenName', 'familyName', 'dateOfBirth'] }),
      contactPreferences: fc.record({
        call: fc.boolean(), voicemail: fc.boolean(), text: fc.boolean(), email: fc.boolean(), letter: fc.boolean(),
        times: maybe(fc.string({ maxLength: 50 })), notes: maybe(fc.string({ maxLength: 50 })),
      }, { requiredKeys: [] }),
      consent: fc.record({ personAgrees: fc.constant(true), gpShare: maybe(fc.boolean()) }, { requiredKeys: ['personAgrees'] }),
      reason: fc.string({ minLength: 1, maxLength: 200 }),
      needs: fc.subarray([...KNOWN_NEEDS]),
      urgency: fc.constantFrom('urgent', 'routine'),
      crisis: fc.boolean(),
      referrer: fc.record({
        name: fc.string({ minLength: 1, maxLength: 50 }),
        role: maybe(fc.string({ maxLength: 50 })),
        email: maybe(fc.constantFrom('alex@example.org')),
        phone: maybe(fc.constantFrom('01632 960 001')),
      }, { requiredKeys: ['name'] }),
    }, { requiredKeys: ['person', 'consent', 'reason', 'referrer'] });
    let accepted = 0;
    fc.assert(fc.property(body, (b) => {
      if (!readReferralRequest(b, { today: '2026-03-02', needs: KNOWN_NEEDS }).ok) return;
      accepted++;
      assert.ok(requestSchema(b), `${JSON.stringify(b)}\n${JSON.stringify(requestSchema.errors)}`);
    }), { numRuns: 500 });
    assert.ok(accepted > 50, `${accepted} accepted bodies checked`);
  });

  test('a body the API accepts is valid against the documented request schema, and the documented example is accepted', async () => {
    const requestSchema = validatorAt('/components/schemas/ReferralRequest');
    for (const body of [referralBody(), referralBody({ crisis: true, urgency: 'urgent', needs: [] })]) {
      assert.ok(requestSchema(body), JSON.stringify(requestSchema.errors));
      assert.equal((await asGp.submit(body)).status, 201);
    }
    const example = doc.paths['/referrals']!.post!.requestBody!.content['application/json']!.examples!.gp!.value;
    const response = await asGp.submit(example);
    assert.equal(response.status, 201, JSON.stringify(response.body));
  });
});
