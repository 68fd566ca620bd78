// The demo and benchmark data generator: reference data is real and consistent, generation is
// deterministic, and the generated people look like the population they stand for.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { Database } from '../src/db/database.ts';
import { createMemoryPGlite } from '../src/db/embedded.ts';
import { migrate } from '../src/db/migrate.ts';
import { isValidNhsNumber } from '../src/domain/nhs-number.ts';
import { parsePostcode } from '../src/domain/postcode.ts';
import { loadDistrictTable } from '../src/platform/places.ts';
import { newPasswordProblems, verifyPassword } from '../src/platform/passwords.ts';
import { DEFAULT_AS_OF, DEMO_PASSWORD, demoSignIns, seedDatabase, type SeedOptions } from '../src/seed/generate.ts';
import { Random, seededPermutation, weightedPicker } from '../src/seed/random.ts';
import {
  ETHNICITY_NOT_STATED_SHARE,
  ETHNICITY_PROFILES,
  TENANTS,
  staffEmail,
  type TenantId,
} from '../src/seed/reference.ts';
import { freshDatabase, testDatabaseKind, type TestDatabase } from './support/database.ts';

const TENANT_IDS = Object.keys(TENANTS) as TenantId[];

describe('seeded random numbers', () => {
  test('the same seed gives the same sequence; another seed a different one', () => {
    const a = new Random('lantern');
    const b = new Random('lantern');
    const c = new Random('lantern!');
    const sa = Array.from({ length: 50 }, () => a.uint32());
    assert.deepEqual(sa, Array.from({ length: 50 }, () => b.uint32()));
    assert.notDeepEqual(sa, Array.from({ length: 50 }, () => c.uint32()));
  });

  test('derived streams are independent of how much the parent has drawn', () => {
    const a = new Random('root');
    const b = new Random('root');
    for (let i = 0; i < 100; i++) b.uint32();
    assert.equal(a.derive('people').uuid(), b.derive('people').uuid());
    assert.notEqual(a.derive('people').uuid(), a.derive('staff').uuid());
  });

  test('int, chance, pick, weighted and uuid stay in range', () => {
    const r = new Random('ranges');
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i++) {
      const n = r.int(-3, 3);
      assert.ok(Number.isInteger(n) && n >= -3 && n <= 3);
      seen.add(n);
      const f = r.next();
      assert.ok(f >= 0 && f < 1);
    }
    assert.equal(seen.size, 7);
    assert.equal(r.int(5, 5), 5);
    assert.throws(() => r.int(2, 1));
    assert.throws(() => r.pick([]));
    assert.equal(r.chance(0), false);
    assert.equal(r.chance(1), true);
    for (let i = 0; i < 100; i++) {
      assert.match(r.uuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    const pick = weightedPicker([['a', 1], ['never', 0], ['b', 3]] as const);
    const counts = { a: 0, b: 0, never: 0 };
    for (let i = 0; i < 20_000; i++) counts[pick(r)]++;
    assert.equal(counts.never, 0);
    assert.ok(Math.abs(counts.b / 20_000 - 0.75) < 0.02, JSON.stringify(counts));
    assert.equal(r.weighted([['only', 2]]), 'only');
    assert.throws(() => weightedPicker([['x', 0]]));
  });

  test('seeded permutations are bijections', () => {
    for (const size of [1, 2, 7, 1000, 4096, 5000]) {
      const p = seededPermutation(new Random(`perm-${size}`), size);
      const out = new Set<number>();
      for (let i = 0; i < size; i++) out.add(p(i));
      assert.equal(out.size, size);
      assert.ok([...out].every((x) => x >= 0 && x < size));
    }
  });
});

describe('reference data', () => {
  const districts = loadDistrictTable();

  for (const tenant of Object.values(TENANTS)) {
    test(`${tenant.id}: every district is a real postcode district, in one area only`, () => {
      const owner = new Map<string, string>();
      for (const area of tenant.areas) {
        assert.ok(area.districts.length > 0, area.name);
        for (const [district, weight] of area.districts) {
          assert.ok(districts.get(district), `${district} (${area.name}) is not in the district table`);
          assert.equal(district, district.toUpperCase());
          assert.ok(weight > 0);
          assert.ok(!owner.has(district), `${district} is in both ${owner.get(district)} and ${area.name}`);
          owner.set(district, area.name);
        }
      }
    });

    test(`${tenant.id}: organisations, partners and staff fit together`, () => {
      const keys = new Set(tenant.organisations.map((o) => o.key));
      assert.equal(keys.size, tenant.organisations.length, 'organisation keys are unique');
      assert.equal(new Set(tenant.organisations.map((o) => o.name)).size, tenant.organisations.length, 'names are unique');
      const areaNames = new Set(tenant.areas.map((a) => a.name));
      for (const o of tenant.organisations) if (o.area) assert.ok(areaNames.has(o.area), `${o.name}: ${o.area}`);
      const kinds = (kind: string) => tenant.organisations.filter((o) => o.kind === kind);
      assert.equal(kinds('commissioner').length, 1);
      assert.equal(kinds('single_point_of_access').length, 1);
      assert.ok(kinds('referrer').length >= 2);
      for (const area of tenant.areas) {
        const partner = tenant.organisations.find((o) => o.key === area.strategicPartner);
        assert.equal(partner?.kind, 'strategic_partner', area.name);
        assert.equal(partner?.area, area.name);
        assert.ok(kinds('gp_practice').some((o) => o.area === area.name), `a GP practice in ${area.name}`);
      }
      for (const o of kinds('gp_practice')) {
        assert.match(o.name, /\(demo\)$/);
        assert.match(o.odsCode ?? '', tenant.id === 'kent' ? /^G82[0-9]{3}$/ : /^H84[0-9]{3}$/);
      }
      const providers = kinds('delivery_provider').length;
      if (tenant.id === 'kent') assert.ok(providers >= 8 && providers <= 15, `${providers} providers`);
      else assert.ok(providers >= 4, `${providers} providers`);

      const roles = new Map(tenant.staff.map((s) => [s.login, s]));
      for (const role of ['admin', 'triage', 'navigator', 'provider', 'commissioner']) {
        assert.equal(roles.get(role)?.role, role, `${role}@ has role ${role}`);
      }
      const orgOf = (login: string) => tenant.organisations.find((o) => o.key === roles.get(login)?.organisation);
      assert.equal(orgOf('navigator')?.kind, 'strategic_partner');
      assert.equal(orgOf('navigator2')?.kind, 'strategic_partner');
      assert.notEqual(orgOf('navigator')?.key, orgOf('navigator2')?.key);
      assert.equal(orgOf('provider')?.kind, 'delivery_provider');
      assert.equal(orgOf('commissioner')?.kind, 'commissioner');
      assert.equal(orgOf('triage')?.kind, 'single_point_of_access');
    });
  }

  test('ethnicity profiles are percentages that add up to 100', () => {
    for (const [name, profile] of Object.entries(ETHNICITY_PROFILES)) {
      const total = Object.values(profile).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(total - 100) < 0.05, `${name}: ${total}`);
    }
  });

  test('the demo password meets the password rules for every demo account', () => {
    for (const s of demoSignIns()) assert.deepEqual(newPasswordProblems(DEMO_PASSWORD, s.email), [], s.email);
  });

  test('demoSignIns lists one account per role, a team lead and two more navigators per tenant', () => {
    const signIns = demoSignIns();
    assert.equal(signIns.length, 16);
    assert.ok(signIns.some((s) => s.email === 'referrer@kent.demo.lantern.test' && s.role === 'referrer'));
    assert.ok(signIns.some((s) => s.email === 'admin@kent.demo.lantern.test' && s.role === 'admin'));
    assert.ok(signIns.some((s) => s.email === 'navigator2@kingston.demo.lantern.test' && s.role === 'navigator'));
    assert.deepEqual(demoSignIns(['kingston']).map((s) => s.tenant), Array(8).fill('kingston'));
  });
});

/** A hash of the seeded rows in a stable order (staff without the salted password hash), of one tenant or all. */
async function dataHash(
  db: Database,
  tables = ['tenants', 'areas', 'area_districts', 'organisations', 'staff_users', 'people'],
  tenant?: TenantId,
) {
  const order: Record<string, string> = {
    tenants: 'id',
    areas: 'tenant_id, id',
    area_districts: 'tenant_id, district',
    organisations: 'tenant_id, id',
    staff_users: 'tenant_id, id',
    people: 'tenant_id, id',
  };
  const hash = crypto.createHash('sha256');
  for (const table of tables) {
    const columns =
      table === 'staff_users'
        ? 'tenant_id, id, organisation_id, email, name, role, password_changed_at, created_at'
        : '*';
    const where = tenant ? `WHERE ${table === 'tenants' ? 'id' : 'tenant_id'} = $1` : '';
    const { rows } = await db.query(`SELECT ${columns} FROM ${table} ${where} ORDER BY ${order[table]}`, tenant ? [tenant] : []);
    hash.update(`${table}:${rows.length}:${JSON.stringify(rows)}\n`);
  }
  return hash.digest('hex');
}

describe('seedDatabase', () => {
  const PEOPLE = 5_000;
  let main: TestDatabase;
  let db: Database;

  before(async () => {
    main = await freshDatabase();
    db = main.db;
    const messages: string[] = [];
    const report = await seedDatabase(db, { tenants: ['kent', 'kingston'], people: PEOPLE, seed: 'seed-test' }, (m) =>
      messages.push(m),
    );
    assert.equal(report.people, 2 * PEOPLE);
    assert.deepEqual(report.tenants.map((t) => [t.tenant, t.people, t.staff]), [['kent', PEOPLE, 8], ['kingston', PEOPLE, 8]]);
    assert.ok(messages.some((m) => m.includes('5,000 of 5,000 people')), messages.join('\n'));
  });
  after(() => main.drop());

  test('inserts each tenant with its areas, districts and organisations', async () => {
    for (const tenant of Object.values(TENANTS)) {
      const count = async (sql: string) => (await db.query<{ n: number }>(sql, [tenant.id])).rows[0]?.n;
      assert.equal(await count('SELECT count(*)::int AS n FROM tenants WHERE id = $1'), 1);
      assert.equal(await count('SELECT count(*)::int AS n FROM areas WHERE tenant_id = $1'), tenant.areas.length);
      assert.equal(
        await count('SELECT count(*)::int AS n FROM area_districts WHERE tenant_id = $1'),
        tenant.areas.reduce((n, a) => n + a.districts.length, 0),
      );
      assert.equal(await count('SELECT count(*)::int AS n FROM organisations WHERE tenant_id = $1'), tenant.organisations.length);
      assert.equal(await count('SELECT count(*)::int AS n FROM people WHERE tenant_id = $1'), PEOPLE);
    }
  });

  test('every person with a district lives in a district of their own area', async () => {
    const { rows } = await db.query<{ n: number; without: number }>(
      `SELECT count(*) FILTER (WHERE d.area_id IS DISTINCT FROM p.area_id)::int AS n,
              count(*) FILTER (WHERE p.district IS NULL)::int AS without
       FROM people p LEFT JOIN area_districts d ON d.tenant_id = p.tenant_id AND d.district = p.district
       WHERE p.district IS NOT NULL OR p.area_id IS NULL`,
    );
    assert.deepEqual(rows[0], { n: 0, without: 0 });
    const noPostcode = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM people WHERE postcode IS NULL AND (district IS NOT NULL OR area_id IS NULL)`,
    );
    assert.equal(noPostcode.rows[0]?.n, 0, 'people without a postcode have no district but still an area');
  });

  test('postcodes, phones, emails and NHS numbers are well formed, fictional and unique where they must be', async () => {
    const { rows } = await db.query<{
      tenant_id: string;
      postcode: string | null;
      district: string | null;
      phone: string | null;
      email: string | null;
      nhs_number: string | null;
    }>('SELECT tenant_id, postcode, district, phone, email, nhs_number FROM people');
    const nhs = new Map<string, Set<string>>();
    let withNhs = 0;
    let withPostcode = 0;
    for (const p of rows) {
      if (p.postcode !== null) {
        withPostcode++;
        const parsed = parsePostcode(p.postcode);
        assert.ok(parsed.ok && parsed.kind === 'full' && parsed.postcode === p.postcode, p.postcode);
        assert.equal(parsed.ok && parsed.district, p.district);
      }
      if (p.phone !== null) assert.match(p.phone, /^07700 900[0-9]{3}$/);
      if (p.email !== null) assert.match(p.email, /^[a-z0-9.]+@example\.(com|org)$/);
      if (p.nhs_number !== null) {
        withNhs++;
        assert.ok(isValidNhsNumber(p.nhs_number), p.nhs_number);
        assert.match(p.nhs_number, /^999/);
        const seen = nhs.get(p.tenant_id) ?? new Set();
        assert.ok(!seen.has(p.nhs_number), `duplicate NHS number ${p.nhs_number}`);
        seen.add(p.nhs_number);
        nhs.set(p.tenant_id, seen);
      }
    }
    assert.ok(Math.abs(withNhs / rows.length - 0.7) < 0.03, `${withNhs} of ${rows.length} have an NHS number`);
    assert.ok(withPostcode / rows.length > 0.97);
  });

  test('everyone is an adult (17 or over), with a plausible spread of ages', async () => {
    const { rows } = await db.query<{ too_young: number; under25: number; over64: number; median: number; total: number }>(
      `SELECT count(*) FILTER (WHERE date_of_birth > ($1::date - interval '17 years'))::int AS too_young,
              count(*) FILTER (WHERE date_of_birth > ($1::date - interval '25 years'))::int AS under25,
              count(*) FILTER (WHERE date_of_birth <= ($1::date - interval '65 years'))::int AS over64,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(year FROM age($1::date, date_of_birth)))::float8 AS median,
              count(*)::int AS total
       FROM people`,
      [DEFAULT_AS_OF.slice(0, 10)],
    );
    const r = rows[0];
    assert.ok(r);
    assert.equal(r.too_young, 0);
    assert.ok(r.median >= 33 && r.median <= 48, `median age ${r.median}`);
    assert.ok(r.under25 / r.total > 0.1 && r.under25 / r.total < 0.2, `under 25: ${r.under25}`);
    assert.ok(r.over64 / r.total > 0.08 && r.over64 / r.total < 0.16, `65 and over: ${r.over64}`);
    const today = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM people WHERE date_of_birth > (current_date - interval '17 years')`,
    );
    assert.equal(today.rows[0]?.n, 0);
  });

  test('ethnicity and gender follow the reference proportions', async () => {
    const { rows } = await db.query<{ tenant_id: string; british: number; not_stated: number; female: number; total: number }>(
      `SELECT tenant_id,
              count(*) FILTER (WHERE ethnic_category = 'A')::int AS british,
              count(*) FILTER (WHERE ethnic_category = 'Z')::int AS not_stated,
              count(*) FILTER (WHERE gender = 'female')::int AS female,
              count(*)::int AS total
       FROM people GROUP BY tenant_id ORDER BY tenant_id`,
    );
    // Census 2021 White British: Kent ~85.1%, Medway ~77.6%, so Kent and Medway together ~84%.
    const census = { kent: 84.0, kingston: ETHNICITY_PROFILES.kingston.A };
    for (const r of rows) {
      const stated = r.total - r.not_stated;
      const britishOfStated = (100 * r.british) / stated;
      assert.ok(
        Math.abs(britishOfStated - census[r.tenant_id as TenantId]) < 2.5,
        `${r.tenant_id}: White British ${britishOfStated.toFixed(1)}% of those stated`,
      );
      assert.ok(Math.abs(r.not_stated / r.total - ETHNICITY_NOT_STATED_SHARE) < 0.01, `${r.tenant_id}: not stated`);
      assert.ok(Math.abs(r.female / r.total - 0.59) < 0.03, `${r.tenant_id}: female ${r.female}`);
    }
    const codes = await db.query<{ n: number }>(`SELECT count(DISTINCT ethnic_category)::int AS n FROM people WHERE tenant_id = 'kingston'`);
    assert.ok((codes.rows[0]?.n ?? 0) >= 15, 'nearly every category appears');
  });

  test('about half the people are the responsibility of their area\'s strategic partner, the rest of no one yet', async () => {
    const { rows } = await db.query<{ wrong: number; held: number; total: number }>(
      `SELECT count(*) FILTER (WHERE p.responsible_organisation_id IS NOT NULL
                                 AND (o.kind <> 'strategic_partner' OR o.area_id <> p.area_id))::int AS wrong,
              count(p.responsible_organisation_id)::int AS held,
              count(*)::int AS total
       FROM people p LEFT JOIN organisations o
         ON o.tenant_id = p.tenant_id AND o.id = p.responsible_organisation_id`,
    );
    const r = rows[0];
    assert.ok(r);
    assert.equal(r.wrong, 0);
    assert.ok(Math.abs(r.held / r.total - 0.5) < 0.03);
  });

  test('demo staff exist for every role, in the right organisations, with the demo password', async () => {
    const { rows } = await db.query<{ email: string; role: string; tenant_id: string; organisation: string; kind: string; password_hash: string }>(
      `SELECT s.email, s.role, s.tenant_id, o.name AS organisation, o.kind, s.password_hash
       FROM staff_users s JOIN organisations o ON o.tenant_id = s.tenant_id AND o.id = s.organisation_id
       ORDER BY s.email`,
    );
    const expected = demoSignIns();
    assert.equal(rows.length, expected.length);
    for (const signIn of expected) {
      const row = rows.find((r) => r.email === signIn.email);
      assert.ok(row, signIn.email);
      assert.deepEqual([row.role, row.tenant_id, row.organisation], [signIn.role, signIn.tenant, signIn.organisation]);
    }
    for (const tenant of TENANT_IDS) {
      const byLogin = (login: string) => rows.find((r) => r.email === staffEmail(tenant, login));
      assert.equal(byLogin('navigator')?.kind, 'strategic_partner');
      assert.equal(byLogin('navigator2')?.kind, 'strategic_partner');
      assert.notEqual(byLogin('navigator')?.organisation, byLogin('navigator2')?.organisation);
      assert.equal(byLogin('provider')?.kind, 'delivery_provider');
      assert.equal(byLogin('commissioner')?.kind, 'commissioner');
      assert.equal(byLogin('referrer')?.kind, 'gp_practice');
      assert.equal(byLogin('navigator3')?.organisation, byLogin('navigator')?.organisation, 'a team lead has a team');
    }
    const first = rows[0];
    assert.ok(first);
    assert.equal(await verifyPassword(first.password_hash, DEMO_PASSWORD), true);
    assert.equal(await verifyPassword(first.password_hash, 'not-the-demo-password'), false);
    const checks = await Promise.all(rows.slice(1).map((r) => verifyPassword(r.password_hash, DEMO_PASSWORD)));
    assert.ok(checks.every(Boolean));
  });

  test('refuses to seed a tenant that already exists, and changes nothing', async () => {
    const before = await dataHash(db);
    await assert.rejects(
      seedDatabase(db, { tenants: ['kingston'], people: 10, seed: 'again' }),
      /tenant "kingston" already exists/,
    );
    assert.equal(await dataHash(db), before);
  });

  test('refuses bad options with plain messages', async () => {
    const bad: [Partial<SeedOptions>, RegExp][] = [
      [{ tenants: [] }, /at least one tenant/],
      [{ tenants: ['york' as TenantId] }, /unknown tenant "york"/],
      [{ people: -1 }, /number of people/],
      [{ people: 1.5 }, /number of people/],
      [{ seed: '' }, /seed/],
      [{ batchSize: 0 }, /batch size/],
      [{ asOf: 'soon' }, /not a date/],
    ];
    for (const [change, message] of bad) {
      await assert.rejects(seedDatabase(db, { tenants: ['kent'], people: 1, seed: 's', ...change }), message);
    }
  });
});

describe('determinism', () => {
  // Fresh databases are the slow part of these tests, so each one serves several checks.
  const options: SeedOptions = { tenants: ['kent', 'kingston'], people: 1_500, seed: 'same', batchSize: 400 };
  const databases: TestDatabase[] = [];
  const fresh = async () => {
    const d = await freshDatabase();
    databases.push(d);
    return d.db;
  };
  let a: Database;
  before(async () => {
    a = await fresh();
    await seedDatabase(a, options);
  });
  after(async () => {
    for (const d of databases) await d.drop();
  });

  test('the same options give identical rows, whatever the batch size', async () => {
    const b = await fresh();
    await seedDatabase(b, { ...options, batchSize: 1_000 });
    assert.equal(await dataHash(a), await dataHash(b));
  });

  test('another seed gives different rows; more people change nothing else; tenants do not affect each other', async () => {
    const c = await fresh();
    // kent from another seed; kingston on its own, from the same seed, with fewer people
    await seedDatabase(c, { ...options, tenants: ['kent'], seed: 'different', people: 500, staff: false });
    await seedDatabase(c, { ...options, tenants: ['kingston'], people: 500, staff: false });

    const kentIds = async (d: Database) =>
      new Set((await d.query<{ id: string }>(`SELECT id FROM people WHERE tenant_id = 'kent'`)).rows.map((r) => r.id));
    const [kentA, kentC] = [await kentIds(a), await kentIds(c)];
    assert.equal([...kentC].filter((id) => kentA.has(id)).length, 0, 'no shared person ids across seeds');
    assert.notEqual(await dataHash(a, ['organisations'], 'kent'), await dataHash(c, ['organisations'], 'kent'));

    const reference = ['tenants', 'areas', 'area_districts', 'organisations'];
    assert.equal(await dataHash(a, reference, 'kingston'), await dataHash(c, reference, 'kingston'));
    const rows = async (d: Database) =>
      (await d.query(`SELECT * FROM people WHERE tenant_id = 'kingston'`)).rows.map((r) => JSON.stringify(r));
    const smaller = await rows(c);
    const larger = new Set(await rows(a));
    assert.equal(smaller.length, 500);
    assert.ok(smaller.every((r) => larger.has(r)), 'the 500-person run is the first 500 of the 1,500-person run');
  });

  test('PGlite and PostgreSQL get identical rows', { skip: testDatabaseKind() === 'pglite' && 'needs TEST_DATABASE_URL' }, async () => {
    const embedded = await createMemoryPGlite();
    try {
      await migrate(embedded);
      await seedDatabase(embedded, options);
      assert.equal(await dataHash(a), await dataHash(embedded));
    } finally {
      await embedded.close();
    }
  });
});
