// Demo support for the episodes the referral history opened (run seedReferrals first), so a
// navigator who signs in to the demo has a caseload with something on it: a plan written with
// each person, goals in their words in the commissioned outcome domains, steps with who does them
// and by when (some overdue), progress ratings over time, contacts with Making Every Contact Count
// advice (some people not contacted for too long), status at sign-up, a few risk flags, and social
// prescriptions in every state (some waiting in the demo provider's inbox).
//
// Plans, goals, contacts and status are written as rows (one transaction per tenant); the
// caseload's summary of each episode is then worked out by the same function every change uses
// (refreshSummary). Social prescriptions go through the prescribing service, as the demo
// navigator and provider, so their events, clocks and messages are what real use would make.
// Deterministic for a seed and `asOf`.
import type { Database } from '../db/database.ts';
import { addDays } from '../domain/calendar-date.ts';
import { londonDate } from '../domain/working-days.ts';
import type { OutcomeDomain, StepOwner } from '../domain/support-plan.ts';
import { staffContextFor, type StaffContext } from '../platform/context.ts';
import { refreshSummary } from '../features/episodes/store.ts';
import { prescribe, takeAction } from '../features/prescriptions/service.ts';
import { Random } from './random.ts';
import type { TenantId } from './reference.ts';

export interface SupportSeedOptions {
  tenant: TenantId;
  seed: string;
  /** Dates are before this instant (default: now). */
  asOf?: Date;
  /** Lantern's address, for the links in the messages prescriptions send. */
  baseUrl?: string;
}

export interface SupportSeedReport {
  tenant: TenantId;
  plans: number;
  goals: number;
  contacts: number;
  prescriptions: number;
  millis: number;
}

const DAY = 86_400_000;

const WHAT_MATTERS = [
  'Getting out of the house more, and seeing my grandchildren.',
  'Keeping my flat. Not feeling so alone in the evenings.',
  'Going back to work, even part time. Sleeping better.',
  'My dog, my allotment, and being there for my son.',
  'Feeling calmer, and having people to talk to who understand.',
  'Sorting out my money so I can stop worrying about it.',
  'Being well enough to finish my college course.',
];
const STRENGTHS = [
  'Kind; a good listener; keeps trying.',
  'Practical and good with his hands.',
  'Loves music and has played guitar for years.',
  'Organised; used to run a team at work.',
  'Close to her sister, who helps a lot.',
  'Funny, and honest about how things are.',
];
const GOALS: Record<OutcomeDomain, string[]> = {
  community: ['Go to a group where I can meet people once a week', 'Get to know my neighbours'],
  choice_control: ['Be able to say no to my brother when he asks for money', 'Choose my own support and how I spend my budget'],
  learning_work: ['Find volunteering I can do two mornings a week', 'Update my CV and apply for three jobs', 'Start an evening class'],
  social_leisure: ['Take up swimming again', 'Go to the cinema with a friend once a month'],
  healthy_living: ['Walk for 20 minutes every day', 'Cut down on drinking at weekends', 'Cook a proper meal three times a week'],
  recovery: ['Know what to do when I feel a panic attack coming', 'Get back into a routine with sleep', 'Understand my medication better'],
};
const DOMAINS = Object.keys(GOALS) as OutcomeDomain[];
const STEPS: [string, StepOwner, string | null][] = [
  ['Look up groups near home together', 'navigator', null],
  ['Ring the group leader to ask about the first session', 'person', null],
  ['Go with them to the first session', 'navigator', null],
  ['Talk to the GP about how the medication is going', 'person', null],
  ['Check their benefits with Citizens Advice', 'other', 'Citizens Advice adviser'],
  ['Ask their sister to come to the next review', 'person', null],
  ['Send the volunteering application', 'person', null],
];
const CONTACT_NOTES = [
  'Talked through the week. Mood a bit better; sleeping more.',
  'Went through the plan together and agreed the next steps.',
  'Checked in after the first group session: went well, wants to go back.',
  'Worried about a letter from the council; helped them read it and make a call.',
  'Short call to confirm the appointment on Thursday.',
  'Met at the library. Looked at volunteering roles online.',
];
const MECC = ['physical_activity', 'alcohol', 'smoking', 'healthy_eating', 'sexual_health'] as const;
const CONTACT_KINDS = ['face_to_face', 'phone', 'phone', 'video', 'text', 'group'] as const;

interface OpenEpisode {
  id: string;
  person_id: string;
  organisation_id: string;
  worker_id: string;
  worker_email: string;
  started_at: Date;
}

const iso = (t: number): string => new Date(t).toISOString();

/** The items in a random order (Fisher-Yates). */
function shuffled<T>(r: Random, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The date fields of a form for the UK day of `at`. */
function dateFields(at: Date): { day: string; month: string; year: string } {
  const [year, month, day] = londonDate(at).split('-');
  return { day: String(Number(day)), month: String(Number(month)), year: year! };
}

export async function seedSupport(db: Database, options: SupportSeedOptions): Promise<SupportSeedReport> {
  const started = performance.now();
  const tenant = options.tenant;
  const asOf = (options.asOf ?? new Date()).getTime();
  const today = londonDate(new Date(asOf));
  const random = new Random(`${options.seed}:support:${tenant}`);
  const { rows: episodes } = await db.query<OpenEpisode>(
    `SELECT e.id, e.person_id, e.organisation_id, e.worker_id, s.email AS worker_email, e.started_at
       FROM episodes e JOIN staff_users s ON s.tenant_id = e.tenant_id AND s.id = e.worker_id
      WHERE e.tenant_id = $1 AND e.state = 'open' AND s.role = 'navigator'
      ORDER BY e.started_at, e.id`,
    [tenant],
  );
  let plans = 0;
  let goals = 0;
  let contacts = 0;

  await db.transaction(async (tx) => {
    for (const episode of episodes) {
      const r = random.derive(episode.id);
      const start = episode.started_at.getTime();
      const days = Math.max(1, Math.floor((asOf - start) / DAY));
      // Someone signed up in the last few days may not have a plan yet.
      if (days < 4 && r.chance(0.5)) continue;
      const worker = episode.worker_id;
      // Reviews every few weeks: about one in five is overdue, a few this week.
      const review = addDays(today, r.pick([-9, -3, 0, 2, 5, 12, 19, 26, 33, 40]));
      await tx.query(
        `INSERT INTO support_plans (tenant_id, episode_id, what_matters, strengths, next_review_on, created_at, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`,
        [tenant, episode.id, r.pick(WHAT_MATTERS), r.pick(STRENGTHS), review, iso(start + Math.min(days, 7) * DAY / 2), worker],
      );
      plans += 1;

      const domains = shuffled(r, DOMAINS).slice(0, r.int(1, 3));
      for (const domain of domains) {
        const created = start + r.int(0, Math.min(days, 14)) * DAY / 2;
        const achieved = days > 120 && r.chance(0.25);
        const { rows } = await tx.query<{ id: string }>(
          `INSERT INTO goals (tenant_id, episode_id, description, domain, review_on, status, status_changed_at, created_by, created_at, updated_by, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $9) RETURNING id`,
          [tenant, episode.id, r.pick(GOALS[domain]), domain, achieved ? null : addDays(today, r.int(-5, 60)),
            achieved ? 'achieved' : 'working_on', achieved ? iso(asOf - r.int(1, 30) * DAY) : null, worker, iso(created)],
        );
        const goalId = rows[0]!.id;
        goals += 1;
        for (let s = 0, n = r.int(1, 3); s < n; s++) {
          const [description, owner, ownerName] = r.pick(STEPS);
          const done = achieved || r.chance(0.4);
          await tx.query(
            `INSERT INTO goal_steps (tenant_id, goal_id, description, owner, owner_name, due_on, done_at, done_by, created_by, created_at, updated_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $10)`,
            [tenant, goalId, description, owner, ownerName, addDays(today, r.int(-10, 21)), done ? iso(asOf - r.int(1, 20) * DAY) : null,
              done ? worker : null, worker, iso(created)],
          );
        }
        // "How close am I?" rated now and then since the goal was set, mostly rising.
        let rating = r.int(1, 4);
        for (let at = created; at < asOf; at += r.int(14, 35) * DAY) {
          await tx.query(
            'INSERT INTO goal_progress (tenant_id, goal_id, rated_on, rating, note, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
            [tenant, goalId, londonDate(new Date(at)), rating, '', worker, iso(at)],
          );
          rating = Math.max(0, Math.min(10, rating + r.pick([-1, 0, 1, 1, 2])));
        }
      }

      // Contacts from sign-up on; about one person in six has not been contacted for a month or more.
      const lapsed = r.chance(0.17);
      const lastContact = asOf - (lapsed ? r.int(30, 60) : r.int(0, 12)) * DAY;
      for (let at = start + DAY; at <= lastContact; at += r.int(5, 16) * DAY) {
        const when = Math.min(at, lastContact);
        await tx.query(
          `INSERT INTO episode_contacts (tenant_id, episode_id, organisation_id, contact_at, kind, duration_minutes, note, mecc, recorded_by, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $4)`,
          [tenant, episode.id, episode.organisation_id, iso(when), r.pick(CONTACT_KINDS), r.pick([10, 15, 20, 30, 45, 60]), r.pick(CONTACT_NOTES),
            r.chance(0.3) ? [r.pick(MECC)] : [], worker],
        );
        contacts += 1;
      }

      await tx.query(
        `INSERT INTO episode_status_records (tenant_id, episode_id, person_id, recorded_on, at_sign_up, employment_status, accommodation, accommodation_type,
                                             volunteering, education_training, recorded_by, created_at)
         VALUES ($1, $2, $3, $4, true, $5, $6, $7, $8, false, $9, $10)`,
        [tenant, episode.id, episode.person_id, londonDate(new Date(start)), r.pick(['01', '02', '02', '04', '05', '08']),
          ...(r.chance(0.85) ? ['settled', r.pick(['social_tenant', 'private_tenant', 'with_family', 'owner_occupier'])] : ['not_settled', r.pick(['sofa_surfing', 'temporary', 'hostel'])]),
          r.chance(0.1), worker, iso(start)],
      );
      if (r.chance(0.15)) {
        await tx.query(
          `INSERT INTO person_risks (tenant_id, person_id, flags, summary, reviewed_at, reviewed_by) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (tenant_id, person_id) DO NOTHING`,
          [tenant, episode.person_id, r.pick([['self_harm'], ['suicidal_thoughts'], ['lone_working'], ['substance_use', 'lone_working'], ['safeguarding']]),
            'Talked about with them at sign-up; see the crisis plan.', iso(start), worker],
        );
      }
      await refreshSummary(tx, tenant, episode.id);
    }
  });

  const prescriptions = await seedPrescriptions(db, tenant, episodes, random.derive('prescriptions'), asOf, options.baseUrl ?? 'http://localhost:3000');
  return { tenant, plans, goals, contacts, prescriptions, millis: Math.round(performance.now() - started) };
}

/**
 * About half the people on the demo navigators' caseloads have a social prescription: to a service
 * the demo provider's organisation runs (so its inbox has some waiting for an answer, and some
 * accepted, started with attendances, or declined), or to a community activity nobody in Lantern
 * runs (the navigator records how it goes).
 */
async function seedPrescriptions(db: Database, tenant: string, episodes: OpenEpisode[], r: Random, asOf: number, baseUrl: string): Promise<number> {
  if (!episodes.length) return 0;
  const provider = await staffContextFor(db, `provider@${tenant}.demo.lantern.test`, 'demo-seed');
  const { rows: inbox } = await db.query<{ id: string }>(
    'SELECT id FROM directory_services WHERE tenant_id = $1 AND organisation_id = $2 AND published AND NOT crisis ORDER BY id',
    [tenant, provider.actor.organisationId],
  );
  const { rows: community } = await db.query<{ id: string }>(
    'SELECT id FROM directory_services WHERE tenant_id = $1 AND organisation_id IS NULL AND published AND NOT crisis ORDER BY id LIMIT 20',
    [tenant],
  );
  if (!inbox.length && !community.length) return 0;
  const navigators = new Map<string, StaffContext>();
  const { rows: before } = await db.query<{ id: string | null }>('SELECT max(id) AS id FROM notifications');
  let made = 0;
  for (const episode of episodes) {
    if (!r.chance(0.5)) continue;
    if (!navigators.has(episode.worker_email)) navigators.set(episode.worker_email, await staffContextFor(db, episode.worker_email, 'demo-seed'));
    const navigator = navigators.get(episode.worker_email)!;
    const sentAt = new Date(Math.max(episode.started_at.getTime() + DAY, asOf - r.int(1, 40) * DAY));
    if (sentAt.getTime() >= asOf) continue;
    const toInbox = inbox.length > 0 && (community.length === 0 || r.chance(0.7));
    const service = toInbox ? r.pick(inbox) : r.pick(community);
    const { prescription } = await prescribe(
      navigator, episode.id,
      { target: `service:${service.id}`, note: r.pick(['Would like to meet people. Quiet is easier at first.', 'Keen to try something new; has not been out much.', 'Please call in the afternoon.']) },
      { baseUrl, now: sentAt },
    );
    made += 1;
    if (!toInbox) continue;
    // What the provider did with it: some still waiting (the older ones chased), most answered within days.
    const fate = r.pick(['waiting', 'accepted', 'started', 'started', 'declined']);
    if (fate === 'waiting') continue;
    const answeredAt = new Date(Math.min(asOf - 1000, sentAt.getTime() + r.int(1, 6) * DAY));
    if (fate === 'declined') {
      await takeAction(provider, prescription.id, 'decline', { version: '1', reason: 'full', note: 'The group is full until next month; please send again then.' }, { baseUrl, now: answeredAt });
      continue;
    }
    await takeAction(provider, prescription.id, 'accept', { version: '1', note: 'First session is on Tuesday morning.' }, { baseUrl, now: answeredAt });
    if (fate !== 'started' || answeredAt.getTime() + 2 * DAY >= asOf) continue;
    const startedAt = new Date(answeredAt.getTime() + 2 * DAY);
    await takeAction(provider, prescription.id, 'start', { version: '2', ...dateFields(startedAt) }, { baseUrl, now: startedAt });
    await takeAction(provider, prescription.id, 'attendance', { version: '3', ...dateFields(startedAt), attended: 'yes', note: '' }, { baseUrl, now: startedAt });
  }
  // The messages these made belong to the demo's past: they count as sent when they were made, so
  // a new demo does not deliver weeks of old news at start. (Chasing still runs for those unanswered.)
  const after = Number(before[0]?.id ?? 0);
  await db.query(
    `UPDATE jobs SET done_at = now() WHERE done_at IS NULL AND unique_key IN
       (SELECT 'notification:' || id FROM notifications WHERE id > $1 AND tenant_id = $2 AND status = 'queued')`,
    [after, tenant],
  );
  await db.query(`UPDATE notifications SET status = 'sent', sent_at = created_at WHERE id > $1 AND tenant_id = $2 AND status = 'queued'`, [after, tenant]);
  return made;
}
