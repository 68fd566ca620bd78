// Deterministic referrals for the demo and for benchmarks, made from a tenant's seeded people and
// organisations (run seedDatabase first).
//
// Two mixes:
// - 'history': a year of a service's referrals, as the Live Well Kent quarterly report shows them
//   (self-referrals and other statutory services the largest sources; about two in three signed
//   up and one in three unable to sign up). Old referrals are closed; the last weeks' are on
//   waiting lists, and the last days' wait for triage, a few overdue. Recent weeks are weighted
//   heavily, so that 150 referrals give a demo queue and waiting lists with people on them. Each has the events of its
//   history, contact attempts while it waited, the access its organisation was granted, and a
//   support episode when it was signed up. Used by the demo (`npm start`) and `seed --referrals N`.
// - 'open': every referral waiting for triage, received over the last fortnight: the worst case
//   for the triage queue, used by the benchmark (`seed --open-referrals N`).
//
// Dates are relative to `asOf` (the demo uses the moment its database is made, so its queue is
// alive whenever it is opened); the same seed and `asOf` give the same rows. Deadlines come from
// the domain's clock (src/domain/working-days.ts), with bank holidays, as live ones do. Rows are
// written a batch at a time, each column one array zipped by unnest, as src/seed/generate.ts does.
import type { Database, Transaction } from '../db/database.ts';
import { checkEligibility } from '../domain/eligibility.ts';
import { parsePostcode } from '../domain/postcode.ts';
import { newReferenceCode } from '../domain/reference-code.ts';
import { firstResponseDue, londonDate, type ClockSettings, type Urgency } from '../domain/working-days.ts';
import type { ReferralState } from '../domain/referral-states.ts';
import { getTenantSettings } from '../platform/tenant-settings.ts';
import { Random, seededPermutation, weightedPicker } from './random.ts';
import { NAME_POOLS, type TenantId } from './reference.ts';
import { needTermId } from './taxonomy.ts';

export type ReferralMix = 'history' | 'open';

export interface ReferralSeedOptions {
  tenant: TenantId;
  count: number;
  /** Any string; the same seed (and asOf) gives the same referrals. */
  seed: string;
  mix?: ReferralMix;
  /** Referral dates are before this instant (default: now). */
  asOf?: Date;
  /** Referrals per INSERT (default 5,000). */
  batchSize?: number;
}

export interface ReferralSeedReport {
  tenant: TenantId;
  referrals: number;
  byState: Partial<Record<ReferralState, number>>;
  events: number;
  contactAttempts: number;
  episodes: number;
  millis: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// ---------------------------------------------------------------------------------------------
// The mix, from Live Well Kent's quarter 1 report (section 8.3): 603 self-referrals, 290 from
// other statutory services, 175 from GPs, 138 from the delivery network, 18 from CAMHS and other
// children's services, and 407 from "all other" organisations (split here across the remaining
// sources); 1,116 signed up and 513 unable to sign up.

const SOURCES = weightedPicker<Source>([
  ['self', 603], ['other_statutory', 290], ['gp', 175], ['delivery_network', 138], ['camhs', 18],
  ['voluntary', 130], ['carer', 90], ['secondary_mental_health', 52], ['police', 60], ['probation', 45], ['other', 30],
]);
type Source = 'self' | 'carer' | 'gp' | 'delivery_network' | 'other_statutory' | 'camhs' | 'police' | 'probation' | 'secondary_mental_health' | 'voluntary' | 'other';
type Channel = 'web' | 'phone' | 'email' | 'text' | 'face_to_face' | 'letter' | 'api';

const CHANNELS: Record<Source, (r: Random) => Channel> = {
  self: weightedPicker<Channel>([['web', 50], ['phone', 35], ['email', 7], ['text', 5], ['face_to_face', 3]]),
  carer: weightedPicker<Channel>([['phone', 45], ['web', 40], ['email', 10], ['face_to_face', 5]]),
  gp: weightedPicker<Channel>([['web', 45], ['api', 35], ['email', 15], ['letter', 5]]),
  other_statutory: weightedPicker<Channel>([['email', 45], ['phone', 30], ['web', 25]]),
  delivery_network: weightedPicker<Channel>([['web', 40], ['phone', 30], ['email', 20], ['face_to_face', 10]]),
  camhs: weightedPicker<Channel>([['web', 40], ['email', 40], ['api', 20]]),
  police: weightedPicker<Channel>([['email', 50], ['phone', 30], ['api', 20]]),
  probation: weightedPicker<Channel>([['email', 60], ['web', 40]]),
  secondary_mental_health: weightedPicker<Channel>([['api', 40], ['email', 40], ['web', 20]]),
  voluntary: weightedPicker<Channel>([['web', 50], ['email', 30], ['phone', 20]]),
  other: weightedPicker<Channel>([['phone', 40], ['email', 40], ['web', 20]]),
};

/** Professionals who refer without an organisation in Lantern, by source. */
const PROFESSIONAL_ROLES: Partial<Record<Source, readonly string[]>> = {
  other_statutory: ['Social worker (adult social care)', 'Housing options officer', 'Jobcentre work coach', 'Community nurse', 'Hospital discharge coordinator'],
  voluntary: ['Support worker', 'Foodbank coordinator', 'Peer support worker', 'Tenancy support worker'],
  other: ['Pharmacist', 'Employer’s occupational health adviser', 'Faith community leader'],
  gp: ['GP', 'Practice nurse', 'Social prescribing link worker'],
  delivery_network: ['Group leader', 'Activity coordinator'],
  camhs: ['Transition worker'],
  police: ['Police officer (mental health triage)'],
  probation: ['Probation officer'],
  secondary_mental_health: ['Care coordinator', 'Discharge nurse'],
};
const CARER_RELATIONSHIPS = ['mother', 'father', 'partner', 'daughter', 'son', 'sister', 'friend'];

const NEED_SLUGS = weightedPicker<string>([
  ['anxiety', 20], ['depression', 20], ['loneliness', 14], ['debt-money', 9], ['employment', 8], ['housing', 7],
  ['practical-support', 8], ['physical-activity', 5], ['talking-therapies', 6], ['bereavement', 4], ['drugs-alcohol', 3],
  ['carers', 3], ['sleep', 3], ['serious-mental-illness', 3], ['volunteering', 2], ['learning', 2], ['trauma', 2], ['physical-health', 2],
]);

const REASONS = [
  'I have been feeling low for months and I do not go out any more. I would like some help to get back into things.',
  'Since I lost my job I have been struggling with money and it is making my anxiety much worse.',
  'I feel very lonely since my partner died last year. I do not know many people round here.',
  'Panic attacks most days. I have stopped taking the bus and I am worried about losing my job.',
  'Recently discharged from the community mental health team and would benefit from support to stay well and connect with local groups.',
  'Not sleeping, worrying all the time about rent arrears. Would like help with the debts and someone to talk to.',
  'Struggling since moving here, no friends nearby, feeling isolated and down.',
  'Caring for my mum full time and I am exhausted. I need some time for myself and someone to talk to.',
  'Has asked for help with low mood and drinking more than they would like. Motivated to make changes.',
  'Wants to get back to work after a long period of illness and needs help with confidence.',
  'Known to us with a long-standing mental illness; stable at present but isolated. Would value activities and a routine.',
  'Came to the foodbank in distress. Money worries, housing uncertain, says they feel hopeless at times.',
  'Left custody recently and has no support network. Asks for help with housing and feeling low.',
  'Young person moving on from CAMHS; would benefit from community support as they turn 18.',
  'I would like to try something like walking or gardening to help my mood.',
  'Feeling overwhelmed after a bereavement. Not eating properly.',
];
const TRIAGE_REASONS = [
  'Spoke to them by phone. Low mood, no current risk to self. Wants local groups and help with money. Routine.',
  'Referrer concerned about worsening mood; no plan or intent. Needs contact within the urgent time.',
  'Isolated, would like activities near home. No risk identified. Local strategic partner.',
  'Debt and housing are the main worries: delivery network for debt advice, navigator to follow up.',
  'History of serious mental illness, stable. Needs a navigator who knows the area.',
  'Checked with GP: no current risk. Prefers contact by text in the evening.',
];
const UNABLE = weightedPicker<[string, string]>([
  [['no_response', 'No reply to calls, texts or a letter.'], 45],
  [['declined', 'Said they are feeling better and do not want support now.'], 20],
  [['insufficient_information', 'The referral had no phone number or address that worked.'], 15],
  [['not_eligible', 'Lives outside the area: given details of their local service.'], 8],
  [['already_supported', 'Already supported by the community mental health team.'], 7],
  [['moved_away', 'Moved out of the area.'], 5],
]);
const SIGNPOSTED = [
  ['NHS Talking Therapies', 'Asked for counselling only: referred to talking therapies, who they can contact directly.'],
  ['Citizens Advice', 'Needs debt advice above all: given the details of Citizens Advice.'],
  ['Community mental health team', 'Needs more than we offer: passed to the community mental health team with consent.'],
  ['Local carers’ support service', 'Needs carers’ support: pointed to the local carers’ service.'],
] as const;
const TIMES = ['Weekday mornings', 'After 5pm', 'Any time', 'Not before 10am', ''];
const CONTACT_NOTES = ['', '', '', 'Do not say where you are calling from if someone else answers.', 'Hard of hearing: text first.', 'Works shifts: text to arrange a time.'];

const OUT_OF_AREA: Record<TenantId, readonly string[]> = {
  kent: ['SE9 4PQ', 'RH1 1AA', 'TN31 7AB'],
  kingston: ['SW19 1AA', 'SM1 1AA', 'KT17 1AA'],
};

// ---------------------------------------------------------------------------------------------
// The tenant as seeded

interface SeedPerson {
  id: string; givenName: string; familyName: string; dateOfBirth: string | null; nhsNumber: string | null; postcode: string | null;
  district: string | null; areaId: string | null; phone: string | null; email: string | null;
}
interface SeedOrganisation { id: string; kind: string; areaId: string | null; referralSource: string | null }
interface SeedStaff { id: string; organisationId: string; role: string }

interface Tenant {
  id: TenantId;
  clocks: ClockSettings;
  minimumAge: number;
  contactAttemptsBeforeClosing: number;
  districts: Set<string>;
  areaOfDistrict: Map<string, string>;
  people: SeedPerson[];
  partnerOf: Map<string, string>;
  organisations: SeedOrganisation[];
  staffOf: Map<string, SeedStaff[]>;
  triageStaff: SeedStaff[];
  references: Set<string>;
}

async function loadTenant(db: Database, tenant: TenantId): Promise<Tenant> {
  const settings = await getTenantSettings(db, tenant);
  const districts = await db.query<{ district: string; area_id: string }>('SELECT district, area_id FROM area_districts WHERE tenant_id = $1', [tenant]);
  const people = await db.query<{
    id: string; given_name: string; family_name: string; date_of_birth: string | null; nhs_number: string | null; postcode: string | null;
    district: string | null; area_id: string | null; phone: string | null; email: string | null;
  }>('SELECT id, given_name, family_name, date_of_birth, nhs_number, postcode, district, area_id, phone, email FROM people WHERE tenant_id = $1 ORDER BY id', [tenant]);
  if (people.rows.length === 0) throw new Error(`Seed: tenant "${tenant}" has no people to refer. Seed people first.`);
  const organisations = await db.query<{ id: string; kind: string; area_id: string | null; referral_source: string | null }>(
    'SELECT id, kind, area_id, referral_source FROM organisations WHERE tenant_id = $1 ORDER BY id', [tenant],
  );
  const staff = await db.query<{ id: string; organisation_id: string; role: string }>(
    `SELECT id, organisation_id, role FROM staff_users WHERE tenant_id = $1 AND disabled_at IS NULL ORDER BY id`, [tenant],
  );
  const existing = await db.query<{ reference: string }>('SELECT reference FROM referrals WHERE tenant_id = $1', [tenant]);
  const orgs = organisations.rows.map((o) => ({ id: o.id, kind: o.kind, areaId: o.area_id, referralSource: o.referral_source }));
  const staffOf = new Map<string, SeedStaff[]>();
  for (const s of staff.rows) {
    if (s.role !== 'navigator' && s.role !== 'provider') continue;
    const list = staffOf.get(s.organisation_id) ?? [];
    list.push({ id: s.id, organisationId: s.organisation_id, role: s.role });
    staffOf.set(s.organisation_id, list);
  }
  return {
    id: tenant,
    clocks: { crisisResponseMinutes: settings.crisisResponseMinutes, urgentResponseHours: settings.urgentResponseHours, routineContactWorkingDays: settings.routineContactWorkingDays },
    minimumAge: settings.minimumAge,
    contactAttemptsBeforeClosing: settings.contactAttemptsBeforeClosing,
    districts: new Set(districts.rows.map((d) => d.district)),
    areaOfDistrict: new Map(districts.rows.map((d) => [d.district, d.area_id])),
    people: people.rows.map((p) => ({
      id: p.id, givenName: p.given_name, familyName: p.family_name, dateOfBirth: p.date_of_birth, nhsNumber: p.nhs_number,
      postcode: p.postcode, district: p.district, areaId: p.area_id, phone: p.phone, email: p.email,
    })),
    partnerOf: new Map(orgs.filter((o) => o.kind === 'strategic_partner' && o.areaId).map((o) => [o.areaId!, o.id])),
    organisations: orgs,
    staffOf,
    triageStaff: staff.rows.filter((s) => s.role === 'triage' || s.role === 'admin').map((s) => ({ id: s.id, organisationId: s.organisation_id, role: s.role })),
    references: new Set(existing.rows.map((r) => r.reference)),
  };
}

// ---------------------------------------------------------------------------------------------
// Rows

class Batch {
  referrals: Record<string, unknown[]> = {};
  events: Record<string, unknown[]> = {};
  attempts: Record<string, unknown[]> = {};
  grants: Record<string, unknown[]> = {};
  episodes: Record<string, unknown[]> = {};

  static add(table: Record<string, unknown[]>, row: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(row)) (table[key] ??= []).push(value);
  }
}

const REFERRAL_COLUMNS: [string, string][] = [
  ['id', 'uuid'], ['reference', 'text'], ['person_id', 'uuid'], ['match_status', 'text'], ['source', 'text'], ['channel', 'text'],
  ['received_at', 'timestamptz'], ['original_received_at', 'timestamptz'], ['fast_track', 'boolean'], ['referrer_organisation_id', 'uuid'],
  ['referrer_name', 'text'], ['referrer_role', 'text'], ['referrer_relationship', 'text'], ['referrer_email', 'text'], ['referrer_phone', 'text'],
  ['given_name', 'text'], ['family_name', 'text'], ['date_of_birth', 'date'], ['nhs_number', 'text'], ['postcode', 'text'], ['district', 'text'],
  ['phone', 'text'], ['email', 'text'], ['gp_organisation_id', 'uuid'], ['contact_preferences', 'text'], ['consent_gp_share', 'boolean'],
  ['person_consents', 'boolean'], ['reason', 'text'], ['needs', 'text'], ['crisis_flag', 'boolean'], ['eligibility', 'text'], ['urgency', 'text'],
  ['due_at', 'timestamptz'], ['state', 'text'], ['triaged_at', 'timestamptz'], ['triaged_by', 'uuid'], ['triage_reasons', 'text'],
  ['mental_health_need', 'text'], ['dual_diagnosis', 'boolean'], ['offending_history', 'boolean'], ['area_id', 'uuid'],
  ['routed_organisation_id', 'uuid'], ['responsible_user_id', 'uuid'], ['redirect_service_name', 'text'], ['redirect_note', 'text'],
  ['first_reached_at', 'timestamptz'], ['last_contact_at', 'timestamptz'], ['contact_attempts', 'integer'], ['closed_at', 'timestamptz'],
  ['close_reason', 'text'], ['close_note', 'text'], ['signed_up_at', 'timestamptz'], ['updated_at', 'timestamptz'], ['version', 'integer'],
];
/** Columns passed as text and converted in SQL (arrays of arrays cannot go through unnest). */
const CONVERT: Record<string, string> = {
  contact_preferences: 'v.contact_preferences::jsonb',
  eligibility: 'v.eligibility::jsonb',
  needs: `CASE WHEN v.needs = '' THEN '{}'::text[] ELSE string_to_array(v.needs, ',') END`,
};

function insertSql(table: string, columns: [string, string][], extra: { columns: string[]; values: string[] } = { columns: [], values: [] }): string {
  const names = columns.map(([c]) => c);
  return `INSERT INTO ${table} (tenant_id, ${[...names, ...extra.columns].join(', ')})
    SELECT $1, ${[...names.map((c) => CONVERT[c] ?? `v.${c}`), ...extra.values].join(', ')}
      FROM unnest(${columns.map(([, type], i) => `$${i + 2}::${type}[]`).join(', ')}) AS v(${names.join(', ')})`;
}

const INSERT_REFERRALS = insertSql('referrals', REFERRAL_COLUMNS, { columns: ['created_at'], values: ['v.received_at'] });
const EVENT_COLUMNS: [string, string][] = [
  ['referral_id', 'uuid'], ['at', 'timestamptz'], ['actor_user_id', 'uuid'], ['kind', 'text'], ['from_state', 'text'], ['to_state', 'text'], ['note', 'text'], ['detail', 'text'],
];
const INSERT_EVENTS = insertSql('referral_events', EVENT_COLUMNS).replace('v.detail', 'v.detail::jsonb');
const ATTEMPT_COLUMNS: [string, string][] = [
  ['id', 'uuid'], ['referral_id', 'uuid'], ['at', 'timestamptz'], ['by_user_id', 'uuid'], ['channel', 'text'], ['outcome', 'text'], ['reached', 'boolean'], ['note', 'text'],
];
const INSERT_ATTEMPTS = insertSql('referral_contact_attempts', ATTEMPT_COLUMNS);
const GRANT_COLUMNS: [string, string][] = [
  ['person_id', 'uuid'], ['organisation_id', 'uuid'], ['basis', 'text'], ['source_id', 'uuid'], ['granted_at', 'timestamptz'],
];
const INSERT_GRANTS = `${insertSql('person_access', GRANT_COLUMNS)} ON CONFLICT DO NOTHING`;
const EPISODE_COLUMNS: [string, string][] = [
  ['id', 'uuid'], ['person_id', 'uuid'], ['referral_id', 'uuid'], ['organisation_id', 'uuid'], ['worker_id', 'uuid'], ['started_at', 'timestamptz'],
];
const INSERT_EPISODES = insertSql('episodes', EPISODE_COLUMNS, { columns: ['created_at', 'updated_at'], values: ['v.started_at', 'v.started_at'] });

async function insert(tx: Transaction, sql: string, tenant: string, columns: [string, string][], table: Record<string, unknown[]>): Promise<number> {
  const n = table[columns[0]![0]]?.length ?? 0;
  if (n === 0) return 0;
  await tx.query(sql, [tenant, ...columns.map(([c]) => table[c] ?? new Array(n).fill(null))]);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Generating

interface PersonUpdate { needs: Set<string>; prefs: string | null; responsibleOrganisationId: string | null }

class ReferralGenerator {
  private readonly people: (i: number) => SeedPerson;
  private readonly byState: Partial<Record<ReferralState, number>> = {};
  readonly personUpdates = new Map<string, PersonUpdate>();
  private readonly openEpisodes = new Set<string>();

  constructor(private readonly tenant: Tenant, private readonly r: Random, private readonly mix: ReferralMix, private readonly asOf: number) {
    const order = seededPermutation(r.derive('people-order'), tenant.people.length);
    this.people = (i) => tenant.people[order(i % tenant.people.length)]!;
  }

  states(): Partial<Record<ReferralState, number>> {
    return this.byState;
  }

  /** The next referral (index i) with its history, into the batch. The order of draws is part of the output. */
  add(batch: Batch, i: number): void {
    const r = this.r;
    const t = this.tenant;
    const person = this.people(i);
    const repeat = i >= t.people.length;
    const age = this.mix === 'open' ? r.int(0, 14 * DAY) : this.ageOfHistory(r);
    const receivedAt = this.asOf - age;
    const source = SOURCES(r);
    const channel = CHANNELS[source](r);
    let state = this.mix === 'open' ? 'received' : this.stateFor(age, r);
    // A person has one open support episode at a time: someone already supported is not signed up twice.
    const alreadySupported = state === 'signed_up' && this.openEpisodes.has(person.id);
    if (alreadySupported) state = 'unable_to_sign_up';
    this.byState[state] = (this.byState[state] ?? 0) + 1;

    // Urgency: a few more crisis and urgent referrals among those still waiting for triage, so a
    // small demo queue shows each kind.
    const crisisShare = state === 'received' ? 0.08 : 0.03;
    const urgency: Urgency = r.chance(crisisShare) ? 'crisis' : r.chance(state === 'received' ? 0.2 : 0.15) ? 'urgent' : 'routine';
    const crisisFlag = urgency === 'crisis' && r.chance(0.8);

    // Who referred.
    const referrerOrg = this.referrerOrganisation(source, person, r);
    const professional = source !== 'self' && source !== 'carer';
    const referrerFamily = r.pick(NAME_POOLS.british.family);
    const referrerGiven = r.pick(r.chance(0.5) ? NAME_POOLS.british.female : NAME_POOLS.british.male);
    const referrer = source === 'self'
      ? { name: null, role: null, relationship: null, email: null, phone: null }
      : source === 'carer'
        ? { name: `${referrerGiven} ${person.familyName}`, role: null, relationship: r.pick(CARER_RELATIONSHIPS), email: r.chance(0.6) ? `${slug(referrerGiven)}.${slug(person.familyName)}@example.org` : null, phone: `07700 900${String(r.int(0, 999)).padStart(3, '0')}` }
        : { name: `${source === 'gp' ? 'Dr ' : ''}${referrerGiven} ${referrerFamily}`, role: r.pick(PROFESSIONAL_ROLES[source] ?? ['Referrer']), relationship: null, email: `${slug(referrerGiven)}.${slug(referrerFamily)}@example.org`, phone: null };

    // The person as the referral described them: mostly as we know them, sometimes from outside the area.
    let postcode = person.postcode;
    let district = person.district;
    if ((source === 'self' || source === 'carer') && r.chance(0.03)) {
      const parsed = parsePostcode(r.pick(OUT_OF_AREA[t.id]));
      if (parsed.ok) {
        postcode = parsed.postcode;
        district = parsed.district;
      }
    }
    const needsReview = state === 'received' && !repeat && r.chance(0.12);
    const nhsNumber = needsReview ? null : person.nhsNumber;
    const gpOrganisationId = source === 'gp' ? referrerOrg : null;
    const eligibility = checkEligibility(
      { dateOfBirth: person.dateOfBirth, district, gpInArea: gpOrganisationId ? true : null, on: londonDate(new Date(receivedAt)) },
      { minimumAge: t.minimumAge, districts: t.districts },
    );
    const asked = !professional || r.chance(0.5);
    const prefs = asked
      ? JSON.stringify({
          call: r.chance(0.85), voicemail: r.chance(0.5), text: r.chance(0.6), email: r.chance(0.55), letter: r.chance(0.2),
          times: r.pick(TIMES), notes: r.pick(CONTACT_NOTES),
        })
      : '{}';
    const needs = [...new Set(Array.from({ length: r.int(1, 3) }, () => needTermId(NEED_SLUGS(r))))];
    const dueAt = firstResponseDue(new Date(receivedAt), urgency, t.clocks).getTime();

    // What happened to it.
    const id = r.uuid();
    const events: Record<string, unknown>[] = [];
    const event = (at: number, kind: string, from: ReferralState | null, to: ReferralState | null, actor: string | null, note: string | null, detail: Record<string, unknown> | null) =>
      events.push({ referral_id: id, at: iso(at), actor_user_id: actor, kind, from_state: from, to_state: to, note, detail: detail ? JSON.stringify(detail) : null });
    event(receivedAt, 'received', null, 'received', null, null, { source, channel, urgency, match: needsReview ? 'needs_review' : 'linked' });

    const row: Record<string, unknown> = {
      triaged_at: null, triaged_by: null, triage_reasons: null, mental_health_need: null, dual_diagnosis: null, offending_history: null,
      routed_organisation_id: null, responsible_user_id: null, redirect_service_name: null, redirect_note: null, first_reached_at: null,
      last_contact_at: null, contact_attempts: 0, closed_at: null, close_reason: null, close_note: null, signed_up_at: null,
    };
    let updatedAt = receivedAt;
    const triager = t.triageStaff.length ? r.pick(t.triageStaff).id : null;
    const span = this.asOf - receivedAt;

    if (state === 'withdrawn' || (state === 'redirected' && r.chance(0.6))) {
      // Closed at triage, never routed.
      const at = receivedAt + Math.min(span * 0.5, r.int(20 * MINUTE, 2 * DAY));
      if (state === 'withdrawn') {
        const duplicate = r.chance(0.7);
        Object.assign(row, { closed_at: iso(at), close_reason: duplicate ? 'duplicate' : 'entered_in_error', close_note: duplicate ? 'Duplicate of a referral received the same day by phone.' : 'Entered against the wrong person.' });
        event(at, 'withdraw', 'received', 'withdrawn', triager, row.close_note as string, { reason: row.close_reason });
      } else {
        const [service, note] = r.pick(SIGNPOSTED);
        Object.assign(row, { redirect_service_name: service, redirect_note: note, closed_at: iso(at) });
        event(at, 'redirect', 'received', 'redirected', triager, note, { outsideEligibility: !eligibility.eligible });
      }
      updatedAt = at;
    } else if (state !== 'received') {
      // Triaged and routed to a waiting list.
      const triagedAt = receivedAt + Math.min(span * 0.25, r.int(30 * MINUTE, 2 * DAY));
      const routed = this.routeFor(person, r);
      const team = t.staffOf.get(routed) ?? [];
      const worker = team.length && r.chance(0.75) ? r.pick(team).id : null;
      const reasons = r.pick(TRIAGE_REASONS);
      Object.assign(row, {
        triaged_at: iso(triagedAt), triaged_by: triager, triage_reasons: reasons,
        mental_health_need: r.weighted([['smi', 12], ['cmi', 72], ['not_known', 16]] as const),
        dual_diagnosis: r.weighted([[true, 10], [false, 70], [null, 20]] as const),
        offending_history: r.weighted([[true, 5], [false, 40], [null, 55]] as const),
        routed_organisation_id: routed, responsible_user_id: worker,
      });
      event(triagedAt, 'route', 'received', 'waiting', triager, reasons, { urgency, routedOrganisationId: routed });
      if (worker) event(triagedAt + r.int(1, 60) * MINUTE, 'allocate', null, null, triager, null, { from: null, to: worker });
      Batch.add(batch.grants, { person_id: person.id, organisation_id: routed, basis: 'referral routed to organisation', source_id: id, granted_at: iso(triagedAt) });

      const end = state === 'waiting' ? this.asOf : triagedAt + Math.min((this.asOf - triagedAt) * 0.8, r.int(3 * DAY, 40 * DAY));
      let unable = state === 'unable_to_sign_up' ? UNABLE(r) : null;
      if (alreadySupported) unable = ['already_supported', 'Already has support open with us: added to their current support.'];
      // "No response" needs the attempts to show for it; an organisation not yet in Lantern records none.
      if (unable?.[0] === 'no_response' && !team.length) unable = ['insufficient_information', 'The referral had no phone number or address that worked.'];
      const attempts = !team.length ? 0
        : unable?.[0] === 'no_response' ? t.contactAttemptsBeforeClosing
          : state === 'waiting' ? r.int(0, 3) : r.int(1, 3);
      const reachedAt = state === 'signed_up' || unable?.[0] === 'declined' ? attempts : 0;
      let last = triagedAt;
      for (let k = 1; k <= attempts; k++) {
        const at = triagedAt + Math.floor(((end - triagedAt) * k) / (attempts + 1));
        const reached = k === reachedAt;
        const outcome = reached ? (state === 'signed_up' ? r.pick(['spoke', 'met']) : 'declined') : r.pick(['no_answer', 'left_voicemail', 'message_sent']);
        const by = worker ?? r.pick(team).id;
        Batch.add(batch.attempts, {
          id: r.uuid(), referral_id: id, at: iso(at), by_user_id: by, channel: outcome === 'message_sent' ? 'text' : outcome === 'met' ? 'face_to_face' : 'phone',
          outcome, reached, note: reached ? 'Talked through what support they would like.' : '',
        });
        event(at, 'contact_attempt', null, null, by, null, { outcome, reached });
        if (reached && !row.first_reached_at) row.first_reached_at = iso(at);
        last = at;
      }
      if (attempts) Object.assign(row, { last_contact_at: iso(last), contact_attempts: attempts });

      if (state === 'signed_up') {
        const episodeId = r.uuid();
        Object.assign(row, { signed_up_at: iso(end), first_reached_at: row.first_reached_at ?? iso(end) });
        event(end, 'sign_up', 'waiting', 'signed_up', worker, null, { episodeId });
        Batch.add(batch.episodes, { id: episodeId, person_id: person.id, referral_id: id, organisation_id: routed, worker_id: worker, started_at: iso(end) });
        Batch.add(batch.grants, { person_id: person.id, organisation_id: routed, basis: 'support episode', source_id: episodeId, granted_at: iso(end) });
        this.openEpisodes.add(person.id);
        this.update(person.id, needs, prefs, routed);
        updatedAt = end;
      } else if (unable) {
        Object.assign(row, { closed_at: iso(end), close_reason: unable[0], close_note: unable[1] });
        event(end, 'unable_to_sign_up', 'waiting', 'unable_to_sign_up', worker ?? triager, unable[1], { reason: unable[0] });
        updatedAt = end;
      } else if (state === 'redirected') {
        const [service, note] = r.pick(SIGNPOSTED);
        Object.assign(row, { redirect_service_name: service, redirect_note: note, closed_at: iso(end) });
        event(end, 'redirect', 'waiting', 'redirected', worker ?? triager, note, { outsideEligibility: false });
        updatedAt = end;
      } else {
        updatedAt = Math.max(last, triagedAt);
      }
    }
    if (state !== 'signed_up' && !needsReview) this.update(person.id, needs, prefs, null);

    for (const e of events) Batch.add(batch.events, e);
    Batch.add(batch.referrals, {
      id, reference: this.reference(r), person_id: needsReview ? null : person.id,
      match_status: needsReview ? 'needs_review' : r.chance(0.7) ? 'linked' : 'created',
      source, channel, received_at: iso(receivedAt), original_received_at: iso(receivedAt),
      fast_track: state === 'received' && r.chance(0.02), referrer_organisation_id: referrerOrg,
      referrer_name: referrer.name, referrer_role: referrer.role, referrer_relationship: referrer.relationship, referrer_email: referrer.email,
      referrer_phone: referrer.phone, given_name: person.givenName, family_name: person.familyName, date_of_birth: person.dateOfBirth,
      nhs_number: nhsNumber, postcode, district, phone: person.phone, email: person.email, gp_organisation_id: gpOrganisationId,
      contact_preferences: prefs, consent_gp_share: source === 'self' ? r.weighted([[true, 75], [false, 15], [null, 10]] as const) : null,
      person_consents: source === 'self' ? null : r.chance(0.95), reason: r.pick(REASONS), needs: needs.join(','), crisis_flag: crisisFlag,
      eligibility: JSON.stringify(eligibility), urgency, due_at: iso(dueAt), state, area_id: district ? (t.areaOfDistrict.get(district) ?? null) : person.areaId,
      ...row, updated_at: iso(updatedAt), version: events.length,
    });
  }

  /**
   * How long ago a referral of a year's history came in: three in ten in the last ten days and
   * three in ten in the weeks before, so a small demo still has a queue and waiting lists.
   */
  private ageOfHistory(r: Random): number {
    const band = r.next();
    if (band < 0.3) return r.int(10 * MINUTE, 10 * DAY);
    if (band < 0.6) return r.int(10 * DAY, 60 * DAY);
    return r.int(60 * DAY, 365 * DAY);
  }

  private stateFor(age: number, r: Random): ReferralState {
    if (age < 10 * DAY) {
      // Most are triaged within a day or two; a few wait longer (and some of those are overdue).
      const received = age < DAY ? 0.9 : age < 3 * DAY ? 0.6 : age < 6 * DAY ? 0.3 : 0.15;
      return r.chance(received) ? 'received' : r.weighted([['waiting', 85], ['redirected', 10], ['withdrawn', 5]] as const);
    }
    if (age < 60 * DAY) return r.weighted([['waiting', 50], ['signed_up', 30], ['unable_to_sign_up', 12], ['redirected', 5], ['withdrawn', 3]] as const);
    return r.weighted([['signed_up', 64], ['unable_to_sign_up', 29], ['redirected', 5], ['withdrawn', 2]] as const);
  }

  private referrerOrganisation(source: Source, person: SeedPerson, r: Random): string | null {
    const orgs = this.tenant.organisations;
    const kind = source === 'gp' ? 'gp_practice' : source === 'delivery_network' ? 'delivery_provider' : null;
    const candidates = kind
      ? orgs.filter((o) => o.kind === kind)
      : orgs.filter((o) => o.kind === 'referrer' && o.referralSource === source);
    if (!candidates.length) return null;
    const local = candidates.filter((o) => o.areaId === person.areaId);
    return r.pick(local.length ? local : candidates).id;
  }

  /** Mostly the area's strategic partner; sometimes a delivery network provider, local if there is one. */
  private routeFor(person: SeedPerson, r: Random): string {
    const partner = person.areaId ? this.tenant.partnerOf.get(person.areaId) : undefined;
    const providers = this.tenant.organisations.filter((o) => o.kind === 'delivery_provider');
    if (partner && (providers.length === 0 || r.chance(0.85))) return partner;
    const local = providers.filter((o) => o.areaId === person.areaId);
    return r.pick(local.length ? local : providers.length ? providers : [...this.tenant.partnerOf.values()].map((id) => ({ id }))).id;
  }

  private reference(r: Random): string {
    for (;;) {
      const code = newReferenceCode((n) => Uint8Array.from({ length: n }, () => r.int(0, 255)));
      if (!this.tenant.references.has(code)) {
        this.tenant.references.add(code);
        return code;
      }
    }
  }

  private update(personId: string, needs: string[], prefs: string, responsible: string | null): void {
    const u = this.personUpdates.get(personId) ?? { needs: new Set<string>(), prefs: null, responsibleOrganisationId: null };
    for (const n of needs) u.needs.add(n);
    if (prefs !== '{}') u.prefs = prefs;
    if (responsible) u.responsibleOrganisationId = responsible;
    this.personUpdates.set(personId, u);
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
const slug = (name: string) => name.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase() || 'name';

/**
 * Adds `count` referrals to a seeded tenant, in one transaction. Refuses to add the same seed's
 * referrals twice.
 */
export async function seedReferrals(db: Database, options: ReferralSeedOptions, log: (message: string) => void = () => {}): Promise<ReferralSeedReport> {
  const started = performance.now();
  const mix = options.mix ?? 'history';
  const batchSize = options.batchSize ?? 5_000;
  if (!Number.isSafeInteger(options.count) || options.count < 0) throw new Error('Seed: the number of referrals must be a whole number, 0 or more');
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new Error('Seed: the batch size must be 1 or more');
  const asOf = (options.asOf ?? new Date()).getTime();
  if (Number.isNaN(asOf)) throw new Error('Seed: asOf is not a date');
  const tenant = await loadTenant(db, options.tenant);
  const random = new Random(options.seed).derive(`referrals/${options.tenant}/${mix}`);
  const generator = new ReferralGenerator(tenant, random, mix, asOf);

  let events = 0;
  let attempts = 0;
  let episodes = 0;
  await db.transaction(async (tx) => {
    for (let done = 0, nextLog = 100_000; done < options.count; ) {
      const batch = new Batch();
      const n = Math.min(batchSize, options.count - done);
      for (let i = 0; i < n; i++) generator.add(batch, done + i);
      try {
        await insert(tx, INSERT_REFERRALS, tenant.id, REFERRAL_COLUMNS, batch.referrals);
      } catch (error) {
        if (/referrals_pkey|duplicate key/.test(String((error as Error).message))) {
          throw new Error(`Seed: tenant "${tenant.id}" already has the referrals of seed "${options.seed}" (${mix}). Use another seed, or a new database.`, { cause: error });
        }
        throw error;
      }
      events += await insert(tx, INSERT_EVENTS, tenant.id, EVENT_COLUMNS, batch.events);
      attempts += await insert(tx, INSERT_ATTEMPTS, tenant.id, ATTEMPT_COLUMNS, batch.attempts);
      episodes += await insert(tx, INSERT_EPISODES, tenant.id, EPISODE_COLUMNS, batch.episodes);
      if (batch.episodes.id?.length) {
        await tx.query(
          `UPDATE referrals r SET episode_id = v.episode_id FROM unnest($2::uuid[], $3::uuid[]) AS v(referral_id, episode_id)
            WHERE r.tenant_id = $1 AND r.id = v.referral_id`,
          [tenant.id, batch.episodes.referral_id, batch.episodes.id],
        );
      }
      await insert(tx, INSERT_GRANTS, tenant.id, GRANT_COLUMNS, batch.grants);
      done += n;
      if (done >= nextLog || done === options.count) {
        log(`${tenant.id}: ${done.toLocaleString('en-GB')} of ${options.count.toLocaleString('en-GB')} referrals`);
        while (nextLog <= done) nextLog += 100_000;
      }
    }
    // Asked once: what the referrals said the people need, and how to contact them, is kept with them.
    const updates = [...generator.personUpdates];
    for (let i = 0; i < updates.length; i += batchSize) {
      const slice = updates.slice(i, i + batchSize);
      await tx.query(
        `UPDATE people p SET
            needs = ARRAY(SELECT DISTINCT unnest(p.needs || string_to_array(v.needs, ',')) ORDER BY 1),
            contact_preferences = coalesce(v.prefs::jsonb, p.contact_preferences),
            responsible_organisation_id = coalesce(v.responsible, p.responsible_organisation_id)
           FROM unnest($2::uuid[], $3::text[], $4::text[], $5::uuid[]) AS v(id, needs, prefs, responsible)
          WHERE p.tenant_id = $1 AND p.id = v.id`,
        [tenant.id, slice.map(([id]) => id), slice.map(([, u]) => [...u.needs].join(',')), slice.map(([, u]) => u.prefs), slice.map(([, u]) => u.responsibleOrganisationId)],
      );
    }
  });
  // Set the visibility map and statistics now, as autovacuum would later (PGlite has none): until
  // then every index-only read of the queue also reads each row from the table.
  await db.query('VACUUM ANALYZE referrals');
  return { tenant: tenant.id, referrals: options.count, byState: generator.states(), events, contactAttempts: attempts, episodes, millis: Math.round(performance.now() - started) };
}
