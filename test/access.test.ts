// Who may reach which person records: role x relationship, decided in the service layer, with an
// audit row for every read, search, change and refusal.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoEmail, startTestApp, type TestApp, type TestClient } from './support/app.ts';

let t: TestApp;
const ids = { ownOrg: '', otherOrg: '', unassigned: '', otherTenant: '' };

before(async () => {
  t = await startTestApp();
  const one = async (sql: string, params: unknown[]) => (await t.db.query<{ id: string }>(sql, params)).rows[0]!.id;
  const byOrgOf = `SELECT p.id FROM people p JOIN staff_users u ON u.tenant_id = p.tenant_id AND u.organisation_id = p.responsible_organisation_id
                    WHERE u.email = $1 ORDER BY p.id LIMIT 1`;
  ids.ownOrg = await one(byOrgOf, [demoEmail('navigator')]);
  ids.otherOrg = await one(byOrgOf, [demoEmail('navigator2')]);
  ids.unassigned = await one(`SELECT id FROM people WHERE tenant_id = 'kent' AND responsible_organisation_id IS NULL ORDER BY id LIMIT 1`, []);
  ids.otherTenant = await one(`SELECT id FROM people WHERE tenant_id = 'kingston' ORDER BY id LIMIT 1`, []);
});
after(() => t.close());

const clients = new Map<string, TestClient>();
async function as(role: string): Promise<TestClient> {
  if (!clients.has(role)) clients.set(role, await t.signedIn(demoEmail(role)));
  return clients.get(role)!;
}

async function lastAudit(): Promise<{ action: string; outcome: string; person_id: string | null; basis: string | null; request_id: string; actor_role: string }> {
  const { rows } = await t.db.query<{ action: string; outcome: string; person_id: string | null; basis: string | null; request_id: string; actor_role: string }>(
    // The person's page reads other sections too (crisis plan, carers...), each audited after the person.
    `SELECT action, outcome, person_id, basis, request_id, actor_role FROM audit_events
      WHERE record_type = 'person' AND action IN ('read', 'update', 'search') OR outcome = 'denied' ORDER BY id DESC LIMIT 1`,
  );
  return rows[0]!;
}

// role -> which of the four people it may open
const EXPECTED: Record<string, Record<keyof typeof ids, number>> = {
  admin: { ownOrg: 200, otherOrg: 200, unassigned: 200, otherTenant: 404 },
  triage: { ownOrg: 200, otherOrg: 200, unassigned: 200, otherTenant: 404 },
  navigator: { ownOrg: 200, otherOrg: 404, unassigned: 404, otherTenant: 404 },
  navigator2: { ownOrg: 404, otherOrg: 200, unassigned: 404, otherTenant: 404 },
  provider: { ownOrg: 404, otherOrg: 404, unassigned: 404, otherTenant: 404 },
  commissioner: { ownOrg: 403, otherOrg: 403, unassigned: 403, otherTenant: 403 },
};

describe('reaching a person record', () => {
  for (const [role, expected] of Object.entries(EXPECTED)) {
    test(`${role}: ${Object.entries(expected).map(([k, v]) => `${k} ${v}`).join(', ')}`, async () => {
      const client = await as(role);
      for (const [which, status] of Object.entries(expected)) {
        const response = await client.get(`/people/${ids[which as keyof typeof ids]}`);
        assert.equal(response.statusCode, status, `${role} opening ${which}`);
        if (status === 200) {
          const row = await lastAudit();
          assert.equal(row.action, 'read');
          assert.equal(row.outcome, 'success');
          assert.equal(row.person_id, ids[which as keyof typeof ids]);
          assert.equal(row.request_id, response.headers['x-request-id']);
          assert.ok(row.basis);
        }
        if (status === 404) {
          const row = await lastAudit();
          assert.deepEqual([row.action, row.outcome], ['read', 'denied'], 'a refusal is audited');
          assert.equal(row.person_id, null, 'a refused read does not confirm the person exists');
          assert.match(response.body, /We cannot find that person/);
        }
      }
    });
  }

  test('a malformed id is simply not found', async () => {
    assert.equal((await (await as('admin')).get('/people/not-a-uuid')).statusCode, 404);
  });
});

describe('searching people', () => {
  test('each role sees only the people within its reach, and the search is audited', async () => {
    const count = async (role: string) => {
      const page = await (await as(role)).get('/people');
      return Number(/<p>(\d+) (?:person|people)/.exec(page.body)?.[1]);
    };
    const { rows } = await t.db.query<{ kent: number; own: number }>(
      `SELECT count(*) FILTER (WHERE tenant_id = 'kent') AS kent,
              count(*) FILTER (WHERE responsible_organisation_id = (SELECT organisation_id FROM staff_users WHERE email = $1)) AS own
         FROM people`,
      [demoEmail('navigator')],
    );
    assert.equal(await count('triage'), Number(rows[0]!.kent));
    assert.equal(await count('navigator'), Number(rows[0]!.own));
    assert.ok(Number(rows[0]!.own) > 0 && Number(rows[0]!.own) < Number(rows[0]!.kent));
    assert.equal(await count('provider'), 0);
    const audit = await lastAudit();
    assert.deepEqual([audit.action, audit.actor_role], ['search', 'provider']);
  });

  test('finds a person by NHS number typed with spaces', async () => {
    const { rows } = await t.db.query<{ nhs_number: string; family_name: string }>(
      `SELECT nhs_number, family_name FROM people WHERE tenant_id = 'kent' AND nhs_number IS NOT NULL LIMIT 1`,
    );
    const n = rows[0]!.nhs_number;
    const page = await (await as('triage')).get(`/people?q=${encodeURIComponent(`${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`)}`);
    assert.match(page.body, /<p>1 person/);
    assert.ok(page.body.includes(`${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`), 'NHS number shown 3-3-4');
  });

  test('a commissioner never reaches person-level pages', async () => {
    const commissioner = await as('commissioner');
    const list = await commissioner.get('/people');
    assert.equal(list.statusCode, 403);
    assert.match(list.body, /Commissioners see reports, not records about named people/);
    const home = (await commissioner.get('/')).body;
    assert.doesNotMatch(home, /href="\/people"/, 'no People link in the menu');
    assert.match(home, /<li><a href="\/reports\/brief-advice">Brief advice given<\/a><\/li>/, 'their reports are listed on their home page');
    assert.match(home, /Small numbers are rounded/);
  });
});

describe('administration pages', () => {
  for (const role of ['triage', 'navigator', 'provider', 'commissioner']) {
    test(`${role} cannot reach staff or audit administration`, async () => {
      const client = await as(role);
      assert.equal((await client.get('/admin/staff')).statusCode, 403);
      assert.equal((await client.get('/admin/audit')).statusCode, 403);
    });
  }

  test("an admin cannot disable another tenant's staff", async () => {
    const { rows } = await t.db.query<{ id: string }>('SELECT id FROM staff_users WHERE email = $1', [demoEmail('navigator', 'kingston')]);
    const response = await (await as('admin')).submit('/admin/staff', {}, `/admin/staff/${rows[0]!.id}/disable`);
    assert.equal(response.statusCode, 404);
    const still = await t.db.query<{ disabled_at: Date | null }>('SELECT disabled_at FROM staff_users WHERE id = $1', [rows[0]!.id]);
    assert.equal(still.rows[0]!.disabled_at, null);
  });

  test('the staff list shows only this tenant', async () => {
    const page = await (await as('admin')).get('/admin/staff');
    assert.match(page.body, new RegExp(demoEmail('triage')));
    assert.doesNotMatch(page.body, /kingston\.demo\.lantern\.test/);
  });

  test('an admin can search the audit log by person and sees who read the record', async () => {
    await (await as('triage')).get(`/people/${ids.ownOrg}`);
    const page = await (await as('admin')).get(`/admin/audit?person=${ids.ownOrg}&action=read`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(demoEmail('triage')));
    const bad = await (await as('admin')).get('/admin/audit?from=yesterday');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Enter the from date as YYYY-MM-DD/);
  });
});

describe('the audit trail', () => {
  test('is append-only: rows cannot be changed or deleted', async () => {
    await assert.rejects(t.db.query(`UPDATE audit_events SET outcome = 'success'`), /append-only/);
    await assert.rejects(t.db.query('DELETE FROM audit_events'), /append-only/);
  });

  test('a change whose audit row cannot be written is not saved, and the person is told it failed', async () => {
    const navigator = await as('navigator');
    const before = await t.db.query<{ phone: string | null; version: number }>('SELECT phone, version FROM people WHERE id = $1', [ids.ownOrg]);
    await t.db.exec(`
      CREATE FUNCTION refuse_update_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.action = 'update' THEN RAISE EXCEPTION 'audit store unavailable'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER refuse_update_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_update_audit();`);
    try {
      const response = await navigator.submit(`/people/${ids.ownOrg}/contact-details`, { phone: '07700 900123', email: '', postcode: '' });
      assert.equal(response.statusCode, 500);
      assert.match(response.body, /has not been saved/);
    } finally {
      await t.db.exec('DROP TRIGGER refuse_update_audit ON audit_events; DROP FUNCTION refuse_update_audit();');
    }
    const after = await t.db.query<{ phone: string | null; version: number }>('SELECT phone, version FROM people WHERE id = $1', [ids.ownOrg]);
    assert.deepEqual(after.rows[0], before.rows[0]);
  });
});
