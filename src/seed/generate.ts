// Deterministic demo and benchmark data: tenants, areas and their postcode districts,
// organisations, demo staff and (any number of) people.
//
// The same options give byte-identical rows (ids and timestamps included) on PGlite and
// PostgreSQL; only staff password hashes differ, because argon2 salts each hash at random.
// Each part of the data has its own random stream (src/seed/random.ts), so asking for more people
// changes nothing else, and the first N people of a larger run are the N people of a smaller one.
import type { Database, Transaction } from '../db/database.ts';
import { nhsNumberCheckDigit } from '../domain/nhs-number.ts';
import { hashPassword } from '../platform/passwords.ts';
import { Random, seededPermutation, weightedPicker } from './random.ts';
import {
  AGE_BANDS,
  ETHNICITY_NOT_STATED_SHARE,
  ETHNICITY_PROFILES,
  ETHNIC_CATEGORIES,
  GENDER_WEIGHTS,
  NAME_POOLS,
  NAME_POOLS_BY_ETHNICITY,
  TENANTS,
  staffEmail,
  type EthnicCategory,
  type Gender,
  type NamePool,
  type NamePoolName,
  type StaffRole,
  type TenantId,
  type TenantReference,
} from './reference.ts';

/** The password of every demo staff account (17 characters; meets the 12-character rule). */
export const DEMO_PASSWORD = 'lantern-demo-2026';

/** Generated dates are relative to this instant unless `asOf` is given, so runs are repeatable. */
export const DEFAULT_AS_OF = '2026-01-01T00:00:00.000Z';

/**
 * People per INSERT. Measured with 1,000,000 people on a busy 2-CPU machine, 5,000 was as fast as
 * anything tried on both drivers (PostgreSQL 15: 22,000-27,000 rows a second; in-memory PGlite:
 * about 17,000); 2,000 and 20,000 were slower. Time goes mostly on the people table's indexes and
 * foreign keys, not on generating rows.
 */
export const DEFAULT_BATCH_SIZE = 5_000;

export const SEED_TENANTS: readonly TenantId[] = ['kent', 'kingston'];

export interface SeedOptions {
  tenants: TenantId[];
  /** People per tenant. */
  people: number;
  /** Any string; the same seed gives the same data. */
  seed: string;
  /** Create the demo staff accounts (default true). */
  staff?: boolean;
  /** People per INSERT (default DEFAULT_BATCH_SIZE). */
  batchSize?: number;
  /** ISO date-time that ages and record dates are relative to (default DEFAULT_AS_OF). */
  asOf?: string;
}

export interface TenantSeedReport {
  tenant: TenantId;
  name: string;
  areas: number;
  districts: number;
  organisations: number;
  staff: number;
  people: number;
  /** Wall time for the tenant, and the part of it spent generating rows in JavaScript. */
  millis: number;
  generateMillis: number;
}

export interface SeedReport {
  seed: string;
  asOf: string;
  tenants: TenantSeedReport[];
  /** People inserted across all tenants. */
  people: number;
  millis: number;
}

export interface DemoSignIn {
  email: string;
  role: StaffRole;
  tenant: TenantId;
  /** The organisation's name. */
  organisation: string;
  /** The staff member's name. */
  name: string;
}

/** The demo staff accounts (all with DEMO_PASSWORD), for the README and start-up messages. */
export function demoSignIns(tenants: readonly TenantId[] = SEED_TENANTS): DemoSignIn[] {
  return tenants.flatMap((id) => {
    const tenant = TENANTS[id];
    return tenant.staff.map((s) => ({
      email: staffEmail(id, s.login),
      role: s.role,
      tenant: id,
      organisation: organisationByKey(tenant, s.organisation).name,
      name: s.name,
    }));
  });
}

/**
 * Inserts the demo tenants with their areas, organisations, staff (unless `staff: false`) and
 * `people` people each, one transaction per tenant. Refuses (throws) if a tenant already exists.
 */
export async function seedDatabase(
  db: Database,
  options: SeedOptions,
  log: (message: string) => void = () => {},
): Promise<SeedReport> {
  const { tenants, people, seed } = options;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const asOf = options.asOf ?? DEFAULT_AS_OF;
  const asOfMs = Date.parse(asOf);
  if (!Array.isArray(tenants) || tenants.length === 0) throw new Error('Seed: choose at least one tenant');
  for (const id of tenants) {
    if (!Object.hasOwn(TENANTS, id)) throw new Error(`Seed: unknown tenant "${id}" (known: ${SEED_TENANTS.join(', ')})`);
  }
  if (new Set(tenants).size !== tenants.length) throw new Error('Seed: a tenant is listed twice');
  if (!Number.isSafeInteger(people) || people < 0) throw new Error('Seed: the number of people must be a whole number, 0 or more');
  if (typeof seed !== 'string' || seed === '') throw new Error('Seed: the seed must be a non-empty string');
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
    throw new Error('Seed: the batch size must be between 1 and 100,000');
  }
  if (Number.isNaN(asOfMs)) throw new Error(`Seed: asOf "${asOf}" is not a date`);

  for (const id of tenants) await refuseExistingTenant(db, id);

  const started = performance.now();
  const reports: TenantSeedReport[] = [];
  for (const id of tenants) {
    reports.push(await seedTenant(db, TENANTS[id], { ...options, batchSize, asOf }, asOfMs, log));
  }
  return {
    seed,
    asOf: new Date(asOfMs).toISOString(),
    tenants: reports,
    people: reports.reduce((sum, r) => sum + r.people, 0),
    millis: Math.round(performance.now() - started),
  };
}

async function refuseExistingTenant(db: Database | Transaction, id: TenantId): Promise<void> {
  const existing = await db.query('SELECT 1 FROM tenants WHERE id = $1', [id]);
  if (existing.rows.length > 0) {
    throw new Error(`Seed: tenant "${id}" already exists in this database. Seed into an empty database.`);
  }
}

const DAY_MS = 86_400_000;
/** Reference records (tenant, areas, organisations, staff) are dated this long before asOf. */
const SET_UP_DAYS_BEFORE = 1_100;
/** People are created at random over this many days before asOf. */
const PEOPLE_CREATED_OVER_DAYS = 1_095;

async function seedTenant(
  db: Database,
  tenant: TenantReference,
  options: SeedOptions & { batchSize: number; asOf: string },
  asOfMs: number,
  log: (message: string) => void,
): Promise<TenantSeedReport> {
  const started = performance.now();
  const random = new Random(options.seed).derive(`tenant/${tenant.id}`);
  const setUpAt = new Date(asOfMs - SET_UP_DAYS_BEFORE * DAY_MS).toISOString();

  const areaIds = new Map(tenant.areas.map((a) => [a.name, random.derive(`area/${a.name}`).uuid()]));
  const organisationIds = new Map(
    tenant.organisations.map((o) => [o.key, random.derive(`organisation/${o.key}`).uuid()]),
  );
  const areaId = (name: string) => mustGet(areaIds, name, `area "${name}"`);
  const organisationId = (key: string) => mustGet(organisationIds, key, `organisation "${key}"`);

  const staff = options.staff === false ? [] : tenant.staff;
  // argon2 runs on libuv's thread pool, so the hashes are made in parallel.
  const hashes = await Promise.all(staff.map(() => hashPassword(DEMO_PASSWORD)));

  let generateMillis = 0;
  let inserted = 0;
  await db.transaction(async (tx) => {
    await refuseExistingTenant(tx, tenant.id);
    await tx.query('INSERT INTO tenants (id, name, settings, created_at) VALUES ($1, $2, $3, $4)', [tenant.id, tenant.name, JSON.stringify(tenant.settings), setUpAt]);
    for (const area of tenant.areas) {
      await tx.query('INSERT INTO areas (tenant_id, id, name, created_at) VALUES ($1, $2, $3, $4)', [
        tenant.id, areaId(area.name), area.name, setUpAt,
      ]);
      await tx.query(
        `INSERT INTO area_districts (tenant_id, district, area_id)
         SELECT $1, d, $2 FROM unnest($3::text[]) AS d`,
        [tenant.id, areaId(area.name), area.districts.map(([district]) => district)],
      );
    }
    for (const o of tenant.organisations) {
      await tx.query(
        `INSERT INTO organisations (tenant_id, id, name, kind, area_id, ods_code, referral_source, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [tenant.id, organisationId(o.key), o.name, o.kind, o.area ? areaId(o.area) : null, o.odsCode ?? null, referralSourceOf(o), setUpAt],
      );
    }
    for (const [i, s] of staff.entries()) {
      await tx.query(
        `INSERT INTO staff_users
           (tenant_id, id, organisation_id, email, name, role, team_lead, password_hash, password_changed_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
        [
          tenant.id, random.derive(`staff/${s.login}`).uuid(), organisationId(s.organisation),
          staffEmail(tenant.id, s.login), s.name, s.role, s.teamLead ?? false, hashes[i], setUpAt,
        ],
      );
    }
    log(`${tenant.id}: ${tenant.areas.length} areas, ${tenant.organisations.length} organisations, ${staff.length} staff`);

    // Two buffers: the next batch is generated while the database stores the previous one.
    const generator = new PeopleGenerator(tenant, random, areaIds, organisationIds, asOfMs);
    const buffers = [new PeopleBatch(), new PeopleBatch()] as const;
    let pending: Promise<unknown> | undefined;
    let generated = 0;
    let nextLog = 100_000;
    const settle = async () => {
      if (!pending) return;
      await pending;
      pending = undefined;
      inserted = generated;
      if (inserted >= nextLog || inserted === options.people) {
        log(`${tenant.id}: ${inserted.toLocaleString('en-GB')} of ${options.people.toLocaleString('en-GB')} people`);
        while (nextLog <= inserted) nextLog += 100_000;
      }
    };
    for (let b = 0; generated < options.people; b++) {
      const batch = buffers[b % 2] as PeopleBatch;
      const count = Math.min(options.batchSize, options.people - generated);
      const t0 = performance.now();
      generator.fill(batch, count);
      generateMillis += performance.now() - t0;
      await settle();
      pending = tx.query(INSERT_PEOPLE, [tenant.id, ...batch.columns()]);
      // Awaited by settle(); this only keeps a failure from counting as unhandled meanwhile.
      pending.catch(() => {});
      generated += count;
    }
    await settle();
  });

  return {
    tenant: tenant.id,
    name: tenant.name,
    areas: tenant.areas.length,
    districts: tenant.areas.reduce((sum, a) => sum + a.districts.length, 0),
    organisations: tenant.organisations.length,
    staff: staff.length,
    people: inserted,
    millis: Math.round(performance.now() - started),
    generateMillis: Math.round(generateMillis),
  };
}

// One statement per batch: each column is one array parameter, zipped by unnest. Works the same
// on PGlite and PostgreSQL and keeps the number of parameters fixed whatever the batch size.
const INSERT_PEOPLE = `
  INSERT INTO people (tenant_id, id, nhs_number, given_name, family_name, date_of_birth, gender,
                      ethnic_category, postcode, district, area_id, phone, email,
                      responsible_organisation_id, created_at, updated_at)
  SELECT $1, p.id, p.nhs_number, p.given_name, p.family_name, p.date_of_birth, p.gender,
         p.ethnic_category, p.postcode, p.district, p.area_id, p.phone, p.email,
         p.responsible_organisation_id, p.created_at, p.created_at
  FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::date[], $7::text[], $8::text[],
              $9::text[], $10::text[], $11::uuid[], $12::text[], $13::text[], $14::uuid[],
              $15::timestamptz[])
    AS p(id, nhs_number, given_name, family_name, date_of_birth, gender, ethnic_category,
         postcode, district, area_id, phone, email, responsible_organisation_id, created_at)`;

class PeopleBatch {
  id: string[] = [];
  nhsNumber: (string | null)[] = [];
  givenName: string[] = [];
  familyName: string[] = [];
  dateOfBirth: string[] = [];
  gender: string[] = [];
  ethnicCategory: string[] = [];
  postcode: (string | null)[] = [];
  district: (string | null)[] = [];
  areaId: string[] = [];
  phone: (string | null)[] = [];
  email: (string | null)[] = [];
  responsibleOrganisationId: (string | null)[] = [];
  createdAt: string[] = [];

  columns(): unknown[] {
    return [
      this.id, this.nhsNumber, this.givenName, this.familyName, this.dateOfBirth, this.gender,
      this.ethnicCategory, this.postcode, this.district, this.areaId, this.phone, this.email,
      this.responsibleOrganisationId, this.createdAt,
    ];
  }

  clear(): void {
    for (const column of this.columns() as unknown[][]) column.length = 0;
  }
}

/** Letters Royal Mail uses in the inward code (never C, I, K, M, O or V). */
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';
/** Share of people with no postcode (no fixed abode): district unknown, area still set. */
const NO_POSTCODE_SHARE = 0.015;
const PHONE_SHARE = 0.92;
const EMAIL_SHARE = 0.7;
const NHS_NUMBER_SHARE = 0.7;
/** Share of people whose area's strategic partner is responsible for them now. */
const RESPONSIBLE_PARTNER_SHARE = 0.5;

interface AreaPlan {
  id: string;
  partnerId: string;
  district: (random: Random) => string;
  ethnicity: (random: Random) => EthnicCategory;
}

class PeopleGenerator {
  private readonly random: Random;
  private readonly nhsNumbers: NhsNumbers;
  private readonly area: (random: Random) => AreaPlan;
  private readonly gender = weightedPicker(GENDER_WEIGHTS);
  private readonly ageBand = weightedPicker(AGE_BANDS);
  private readonly namePool: Record<EthnicCategory, (random: Random) => NamePool>;
  private readonly asOf: { year: number; month: number; day: number; ms: number };
  private readonly emailSlugs = new Map<string, string>();

  constructor(
    tenant: TenantReference,
    tenantRandom: Random,
    areaIds: Map<string, string>,
    organisationIds: Map<string, string>,
    asOfMs: number,
  ) {
    this.random = tenantRandom.derive('people');
    this.nhsNumbers = new NhsNumbers(tenantRandom.derive('nhs-numbers'));
    this.area = weightedPicker(
      tenant.areas.map((a): [AreaPlan, number] => [
        {
          id: mustGet(areaIds, a.name, `area "${a.name}"`),
          partnerId: mustGet(organisationIds, a.strategicPartner, `organisation "${a.strategicPartner}"`),
          district: weightedPicker(a.districts),
          ethnicity: weightedPicker(ethnicityWeights(ETHNICITY_PROFILES[a.ethnicity])),
        },
        a.weight,
      ]),
    );
    const pools = {} as Record<EthnicCategory, (random: Random) => NamePool>;
    for (const code of ETHNIC_CATEGORIES) {
      const weights = code === 'L' ? tenant.otherAsianNames : NAME_POOLS_BY_ETHNICITY[code];
      pools[code] = weightedPicker(weights.map(([name, w]): [NamePool, number] => [NAME_POOLS[name as NamePoolName], w]));
    }
    this.namePool = pools;
    const asOf = new Date(asOfMs);
    this.asOf = { year: asOf.getUTCFullYear(), month: asOf.getUTCMonth(), day: asOf.getUTCDate(), ms: asOfMs };
  }

  /** Replaces the batch's rows with the next `count` people. The order of draws is part of the output. */
  fill(batch: PeopleBatch, count: number): void {
    batch.clear();
    const r = this.random;
    for (let i = 0; i < count; i++) {
      const area = this.area(r);
      const ethnicity = area.ethnicity(r);
      const gender: Gender = this.gender(r);
      const pool = this.namePool[ethnicity](r);
      const female = gender === 'female' || (gender !== 'male' && r.chance(0.5));
      const givenName = r.pick(female ? pool.female : pool.male);
      const familyName = r.pick(pool.family);
      const [minAge, maxAge] = this.ageBand(r);
      const age = r.int(minAge, maxAge);
      const birth = Date.UTC(this.asOf.year - age, this.asOf.month, this.asOf.day) - r.int(0, 364) * DAY_MS;

      let postcode: string | null = null;
      let district: string | null = null;
      if (!r.chance(NO_POSTCODE_SHARE)) {
        district = area.district(r);
        postcode =
          `${district} ${r.int(0, 9)}` +
          INWARD_LETTERS[r.int(0, INWARD_LETTERS.length - 1)] +
          INWARD_LETTERS[r.int(0, INWARD_LETTERS.length - 1)];
      }
      const phone = r.chance(PHONE_SHARE) ? `07700 900${String(r.int(0, 999)).padStart(3, '0')}` : null;
      const email = r.chance(EMAIL_SHARE) ? this.email(givenName, familyName, r) : null;
      const nhsNumber = r.chance(NHS_NUMBER_SHARE) ? this.nhsNumbers.next() : null;
      const responsible = r.chance(RESPONSIBLE_PARTNER_SHARE) ? area.partnerId : null;
      const createdAt = this.asOf.ms - r.int(1, PEOPLE_CREATED_OVER_DAYS * 86_400) * 1000;

      batch.id.push(r.uuid());
      batch.nhsNumber.push(nhsNumber);
      batch.givenName.push(givenName);
      batch.familyName.push(familyName);
      batch.dateOfBirth.push(new Date(birth).toISOString().slice(0, 10));
      batch.gender.push(gender);
      batch.ethnicCategory.push(ethnicity);
      batch.postcode.push(postcode);
      batch.district.push(district);
      batch.areaId.push(area.id);
      batch.phone.push(phone);
      batch.email.push(email);
      batch.responsibleOrganisationId.push(responsible);
      batch.createdAt.push(new Date(createdAt).toISOString());
    }
  }

  private email(given: string, family: string, r: Random): string {
    const g = this.slug(given);
    const f = this.slug(family);
    const domain = r.chance(0.5) ? 'example.com' : 'example.org';
    switch (r.int(0, 3)) {
      case 0:
        return `${g}.${f}@${domain}`;
      case 1:
        return `${g}.${f}${r.int(1, 99)}@${domain}`;
      case 2:
        return `${g.slice(0, 1)}${f}${r.int(1, 999)}@${domain}`;
      default:
        return `${g}${f.slice(0, 1)}${r.int(10, 99)}@${domain}`;
    }
  }

  /** A name as ASCII letters for an email address ('Zsófia' gives 'zsofia', "O'Brien" 'obrien'). */
  private slug(name: string): string {
    let slug = this.emailSlugs.get(name);
    if (slug === undefined) {
      slug = name
        .replace(/Ł/g, 'L')
        .replace(/ł/g, 'l')
        .normalize('NFD')
        .replace(/[^A-Za-z]/g, '')
        .toLowerCase();
      if (slug === '') slug = 'person';
      this.emailSlugs.set(name, slug);
    }
    return slug;
  }
}

/** Census percentages scaled to leave ETHNICITY_NOT_STATED_SHARE for Z (not stated). */
function ethnicityWeights(profile: Record<Exclude<EthnicCategory, 'Z'>, number>): [EthnicCategory, number][] {
  const stated = Object.entries(profile) as [EthnicCategory, number][];
  const total = stated.reduce((sum, [, w]) => sum + w, 0);
  return [
    ...stated.map(([code, w]): [EthnicCategory, number] => [code, ((1 - ETHNICITY_NOT_STATED_SHARE) * w) / total]),
    ['Z', ETHNICITY_NOT_STATED_SHARE],
  ];
}

/**
 * NHS numbers in the test range, unique within a tenant: the 999 block (999 000 000x to
 * 999 999 999x) in a seeded order, then 998, 997 ... down to 900 if more are needed (about
 * 909,000 valid numbers per block). Every number starts with 9, never issued to a patient.
 */
class NhsNumbers {
  private readonly order: (index: number) => number;
  private block = 999;
  private index = 0;

  constructor(random: Random) {
    this.order = seededPermutation(random, 1_000_000);
  }

  next(): string {
    for (;;) {
      if (this.index === 1_000_000) {
        this.block -= 1;
        this.index = 0;
        if (this.block < 900) throw new Error('Seed: ran out of test NHS numbers (about 90 million per tenant)');
      }
      const nine = `${this.block}${String(this.order(this.index++)).padStart(6, '0')}`;
      const check = nhsNumberCheckDigit(nine);
      if (check !== null) return `${nine}${check}`;
    }
  }
}

/** The source an organisation's referrals count under: its own, or the one its kind implies. */
function referralSourceOf(o: { kind: string; referralSource?: string }): string | null {
  if (o.referralSource) return o.referralSource;
  if (o.kind === 'gp_practice') return 'gp';
  if (o.kind === 'delivery_provider') return 'delivery_network';
  return null;
}

function organisationByKey(tenant: TenantReference, key: string) {
  const organisation = tenant.organisations.find((o) => o.key === key);
  if (!organisation) throw new Error(`Seed reference data: ${tenant.id} has no organisation "${key}"`);
  return organisation;
}

function mustGet<K, V>(map: Map<K, V>, key: K, what: string): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`Seed reference data: unknown ${what}`);
  return value;
}
