// A copy of everything held about a person, for their subject access request: every table that
// holds something about a person is in it (a new table cannot be forgotten), what was recorded
// through the pages comes back in it, only administrators can make it, and making it is audited.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoEmail, errorSummary, startTestApp, type TestApp } from './support/app.ts';
import { personWithEpisode, type SupportedPerson } from './support/episodes.ts';
import { londonDate } from '../src/domain/working-days.ts';
import { NOT_EXPORTED, SUBJECT_ACCESS_SOURCES, type SubjectAccessExport } from '../src/features/subject-access/service.ts';

let t: TestApp;
let who: SupportedPerson;
before(async () => {
  t = await startTestApp();
  who = await personWithEpisode(t.db, { worker: 'navigator3', givenName: 'Morgan', familyName: 'Exportable' });
});
after(() => t.close());

const [year, month, day] = londonDate(new Date()).split('-');

describe('what the copy covers', () => {
  test('every table holding something about a person is exported by a source, or left out for a stated reason', async () => {
    // Tables with a person_id, the people and carers tables, and every table whose rows hang from
    // one of those by a foreign key, however many steps away.
    const { rows: fks } = await t.db.query<{ child: string; parent: string }>(
      `SELECT DISTINCT tc.table_name AS child, ccu.table_name AS parent
         FROM information_schema.table_constraints tc
         JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
        WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public'`,
    );
    const { rows: withPerson } = await t.db.query<{ table_name: string }>(
      `SELECT DISTINCT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'person_id'`,
    );
    const personal = new Set(['people', 'carers', ...withPerson.map((r) => r.table_name)]);
    // Reference data that many personal tables point at is not itself about a person.
    const notPersonal = new Set(['tenants', 'areas', 'organisations', 'staff_users']);
    for (let grew = true; grew;) {
      grew = false;
      for (const { child, parent } of fks) {
        if (personal.has(parent) && !personal.has(child) && !notPersonal.has(child)) {
          personal.add(child);
          grew = true;
        }
      }
    }
    const covered = new Set([...SUBJECT_ACCESS_SOURCES.flatMap((s) => s.tables), ...Object.keys(NOT_EXPORTED)]);
    const missing = [...personal].filter((table) => !covered.has(table)).sort();
    assert.deepEqual(missing, [], `tables about people with no subject access source: ${missing.join(', ')}`);
    assert.ok(personal.has('goal_progress') && personal.has('referral_events'), 'children of personal tables are found');
  });
});

describe('making a copy', () => {
  test('an administrator gets everything recorded through the pages, with staff and organisations named, and the copy is audited', async () => {
    const nav = await t.signedIn(demoEmail('navigator3'));
    assert.equal((await nav.submit(`/episodes/${who.episodeId}/goals/new`, { description: 'Walk to the allotment each week', domain: 'healthy_living' })).statusCode, 303);
    assert.equal((await nav.submit(`/people/${who.personId}/crisis-plan/edit`, {
      warningSigns: 'Stops eating', whatHelps: 'Time in the garden', whatToAvoid: '',
      'contact-1-name': 'Jo', 'contact-1-role': 'Sister', 'contact-1-phone': '07700 900 123',
      reviewedDay: String(Number(day)), reviewedMonth: String(Number(month)), reviewedYear: year!,
    })).statusCode, 303);

    const admin = await t.signedIn(demoEmail('admin'));
    const response = await admin.submit(`/people/${who.personId}/export`, { reference: 'SAR-2026-014', format: 'json' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-disposition']), new RegExp(`attachment; filename="subject-access-${who.personId}-\\d{4}-\\d{2}-\\d{2}\\.json"`));
    const copy = JSON.parse(response.body) as SubjectAccessExport;
    assert.equal(copy.person.name, 'Morgan Exportable');
    assert.equal(copy.request.reference, 'SAR-2026-014');
    assert.deepEqual(copy.sections.map((s) => s.key), SUBJECT_ACCESS_SOURCES.map((s) => s.key), 'every section, even when empty');
    const section = (key: string) => copy.sections.find((s) => s.key === key)!.records;
    assert.equal(section('person')[0]!.family_name, 'Exportable');
    assert.equal(section('person')[0]!.tenant_id, undefined, 'internal columns are left out');
    const support = section('support')[0] as { worker_id_name: string; organisation_id_name: string; goals: { description: string }[] };
    assert.equal(support.worker_id_name, 'Grace Adeyemi');
    assert.equal(support.organisation_id_name, 'Porchlight (Dartford, Gravesham and Swanley with Swale)');
    assert.deepEqual(support.goals.map((g) => g.description), ['Walk to the allotment each week']);
    assert.equal(section('crisis-plan')[0]!.warning_signs, 'Stops eating');
    const trail = section('who-has-seen-your-record');
    assert.ok(trail.some((r) => r.action === 'crisis_plan.update' || r.action === 'crisis_plan.create' || String(r.action).startsWith('crisis_plan')), 'the audit trail shows the crisis plan being written');
    assert.ok(trail.every((r) => !('actor_user_id' in r)), 'staff are named by role and organisation only');

    const audited = await t.db.query<{ outcome: string; detail: { reference: string; format: string } }>(
      `SELECT outcome, detail FROM audit_events WHERE action = 'person.subject_access_export' AND person_id = $1`, [who.personId],
    );
    assert.deepEqual(audited.rows.map((r) => [r.outcome, r.detail.reference, r.detail.format]), [['success', 'SAR-2026-014', 'json']]);
  });

  test('the printable copy shows the same records in words', async () => {
    const admin = await t.signedIn(demoEmail('admin'));
    const page = await admin.submit(`/people/${who.personId}/export`, { reference: 'SAR-2026-015', format: 'html' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Everything we hold about Morgan Exportable/);
    assert.match(page.body, /Grace Adeyemi/, 'the worker by name, not by id');
    assert.match(page.body, /Walk to the allotment each week/);
    assert.match(page.body, /Request reference[\s\S]*SAR-2026-015/);
    assert.doesNotMatch(page.body, /tenant_id|Tenant/);
  });

  test('a request reference is needed, and only administrators of the tenant can make a copy', async () => {
    const admin = await t.signedIn(demoEmail('admin'));
    const refused = await admin.submit(`/people/${who.personId}/export`, { reference: '', format: 'json' });
    assert.equal(refused.statusCode, 400);
    assert.deepEqual(errorSummary(refused.body), ['#reference: Enter how the request can be found again, like the date it came in or a case number']);
    for (const role of ['navigator3', 'triage', 'commissioner', 'referrer']) {
      const client = await t.signedIn(demoEmail(role));
      assert.equal((await client.get(`/people/${who.personId}/export`)).statusCode, 403, role);
    }
    const kingston = await t.signedIn(demoEmail('admin', 'kingston'));
    assert.equal((await kingston.get(`/people/${who.personId}/export`)).statusCode, 404);
  });
});
